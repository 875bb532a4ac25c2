/**
 * Grants (授权): what an approved application allows. Read by the parties to it, revoked by the
 * provider's reviewer, and read by Authorize on every request.
 */
import type { Principal } from '@yrd/auth';
import { forbidden, notFound } from '@yrd/errors';
import type { Province } from '@yrd/region';
import { canRead, canRevokeGrant, type ExchangeRecordView, type Viewer } from '../domain/access.js';
import { grantRevoked } from './audit.js';
import { TtlCache } from './cache.js';
import { provinceOfId } from './ids.js';
import type { ConsentPeers, ConsentStore, Grant, ResourceLookup } from './ports.js';
import type { AuditTrail } from './trail.js';

/**
 * How long Authorize may use a grant it read: a grant's scope does not change, its expiry is checked
 * against the time of each decision, and a revocation anywhere reaches the revocation register at
 * once, which Authorize consults first — so the copy can never let a revoked grant through.
 */
const forDecisionTtlMs = 2000;

export interface GrantsDeps {
  province: Province;
  repo: ConsentStore;
  catalog: ResourceLookup;
  peers: ConsentPeers;
  trail: AuditTrail;
  clock: () => Date;
}

export class Grants {
  private readonly province: Province;
  private readonly repo: ConsentStore;
  private readonly catalog: ResourceLookup;
  private readonly peers: ConsentPeers;
  private readonly trail: AuditTrail;
  private readonly clock: () => Date;
  /** grants as Authorize reads them; a revocation here forgets the revoked one */
  private readonly forDecisionCache = new TtlCache<string, Grant | undefined>({ ttlMs: forDecisionTtlMs });

  constructor(deps: GrantsDeps) {
    this.province = deps.province;
    this.repo = deps.repo;
    this.catalog = deps.catalog;
    this.peers = deps.peers;
    this.trail = deps.trail;
    this.clock = deps.clock;
  }

  /** Anywhere: a grant lives at its provider; the requester's province reads it over the lane. */
  async get(by: Principal, id: string): Promise<Grant> {
    const provider = provinceOfId(id);
    if (provider && provider !== this.province) return this.peers.getGrant(provider, by, id);
    return (await this.visible(by, id)).grant;
  }

  /** At the provider, for another province's lane: only the province the grant was made to gets it. */
  async getFor(requesterProvince: Province, by: Principal, id: string): Promise<Grant> {
    const { grant } = await this.visible(by, id);
    if (grant.requesterProvince !== requesterProvince)
      throw notFound('CONSENT.GRANT_NOT_FOUND', `授权不存在 no grant ${id}`);
    return grant;
  }

  /** For Authorize: the grant a request names, read at most every 2 s (see `forDecisionTtlMs`). */
  forDecision(id: string): Promise<Grant | undefined> {
    return this.forDecisionCache.get(id, (key) => this.repo.getGrant(key));
  }

  async revoke(by: Principal, id: string): Promise<Grant> {
    const { grant: g, record } = await this.visible(by, id);
    if (!canRevokeGrant(by, record)) {
      throw forbidden(
        'CONSENT.NOT_YOUR_RESOURCE',
        '只能撤销本单位资源的授权 revoke grants of your own agency’s resources',
      );
    }
    if (g.status === 'revoked') {
      await this.trail.record(grantRevoked(this.province, g, by)); // a retry after AUDIT.UNAVAILABLE
      return g;
    }
    const at = this.clock().toISOString();
    await this.repo.revokeGrant(id, at);
    this.forDecisionCache.forget(id);
    // the revocation reaches every province first: it must not wait on the audit trail
    await this.peers.announceRevocation('grant', id, at);
    const revoked: Grant = { ...g, status: 'revoked', revokedAt: at };
    await this.trail.record(grantRevoked(this.province, revoked, by));
    return revoked;
  }

  /** A grant `by` may see, with whose it is; 404 for anyone else, as if it did not exist. */
  private async visible(by: Viewer, id: string): Promise<{ grant: Grant; record: ExchangeRecordView }> {
    const g = await this.repo.getGrant(id);
    const record = g && (await this.recordOf(g));
    if (!g || !record || !canRead(by, record).allow)
      throw notFound('CONSENT.GRANT_NOT_FOUND', `授权不存在 no grant ${id}`);
    return { grant: g, record };
  }

  /** Whose a grant is: the providing agency is the one its application was made to. */
  private async recordOf(g: Grant): Promise<ExchangeRecordView> {
    const app = await this.repo.getApplication(g.applicationId);
    // an application stored before the providing agency was kept on it: the catalogue says
    const providerAgency = app?.providerAgency || (await this.catalog.get(g.resourceId))?.provider?.creditCode || '';
    return {
      kind: 'grant',
      province: this.province,
      requesterProvince: g.requesterProvince,
      requesterAgency: g.requesterAgency,
      providerAgency,
    };
  }
}
