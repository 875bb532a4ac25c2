/**
 * Consents (授权书): a data subject's signed consent, issued by the subject's province. The subject
 * lists, reads and revokes their own; the province that provides the consented resource reads it
 * over the consent lane; Authorize reads the one a request names, from wherever it was issued.
 */
import { randomUUID } from 'node:crypto';
import type { Principal, ProvinceKey } from '@yrd/auth';
import { asAppError, forbidden, invalid, notFound, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import type { consentV1 } from '@yrd/proto';
import { isProvince, type Province, provinceOfResourceId, type SubjectRefs } from '@yrd/region';
import { canFetchConsentOverLane, canRead } from '../domain/access.js';
import type { ConsentView, UnresolvedConsent } from '../domain/index.js';
import { signArtefact } from './artefact.js';
import { consentCreated, consentRevoked } from './audit.js';
import { requireResource, toPolicyView, unknownItems } from './catalogue.js';
import { consentIdPattern, provinceOfId } from './ids.js';
import type { ConsentPeers, ConsentStore, ResourceLookup, StoredConsent } from './ports.js';
import type { AuditTrail } from './trail.js';
import type { TrustKeys } from './trust.js';

export interface ConsentInput {
  requesterAgency: string;
  requesterProvince: Province;
  resourceId: string;
  items: string[];
  purpose: string;
  validUntil: string;
  /** once: good for one fetch; periodic (the default): any number until it expires */
  fetchType?: 'once' | 'periodic' | undefined;
}

export interface ConsentsDeps {
  province: Province;
  repo: ConsentStore;
  catalog: ResourceLookup;
  peers: ConsentPeers;
  trail: AuditTrail;
  key: ProvinceKey;
  trust: TrustKeys;
  subjectRefs: SubjectRefs;
  clock: () => Date;
  logger: Logger;
}

export class Consents {
  private readonly province: Province;
  private readonly repo: ConsentStore;
  private readonly catalog: ResourceLookup;
  private readonly peers: ConsentPeers;
  private readonly trail: AuditTrail;
  private readonly key: ProvinceKey;
  private readonly trust: TrustKeys;
  private readonly subjectRefs: SubjectRefs;
  private readonly clock: () => Date;
  private readonly logger: Logger;

  constructor(deps: ConsentsDeps) {
    this.province = deps.province;
    this.repo = deps.repo;
    this.catalog = deps.catalog;
    this.peers = deps.peers;
    this.trail = deps.trail;
    this.key = deps.key;
    this.trust = deps.trust;
    this.subjectRefs = deps.subjectRefs;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  async create(by: Principal, input: ConsentInput): Promise<StoredConsent> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '授权书由本人所在省签发 consents are issued at your own province');
    if (Date.parse(input.validUntil) <= this.clock().getTime()) {
      throw invalid('CONSENT.VALID_UNTIL_PAST', '有效期须晚于当前时间 validUntil must be in the future');
    }
    // a consent names a published entry of the regional catalogue and only items that entry has
    const view = toPolicyView(await requireResource(this.catalog, input.resourceId));
    const unknown = unknownItems(view, input.items);
    if (unknown.length > 0)
      throw invalid('CONSENT.UNKNOWN_ITEM', `资源无以下信息项 unknown items: ${unknown.join(', ')}`);
    return this.issue(by, input);
  }

  /** Seeds load once, when the province has no consents yet. */
  async seed(entries: { subject: Principal; input: ConsentInput }[]): Promise<number> {
    if ((await this.repo.countConsents()) > 0) return 0;
    // seeds are written as the node starts, before the other provinces' entries have reached its
    // catalogue; their entries and items are checked by the seeds' own tests instead
    for (const e of entries) await this.issue(e.subject, e.input);
    return entries.length;
  }

  /** A data subject's own consents, newest first. */
  async mine(by: Principal): Promise<StoredConsent[]> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '请在本人所在省查看授权书 consents are listed at your own province');
    const mine = await this.repo.consentsOf(by.sub);
    return mine.filter(
      (c) => canRead(by, { kind: 'consent', province: this.province, subjectUser: c.subjectUser }).allow,
    );
  }

  async get(by: Principal, id: string): Promise<StoredConsent> {
    const c = await this.repo.getConsent(id);
    if (!c || !canRead(by, { kind: 'consent', province: this.province, subjectUser: c.subjectUser }).allow)
      throw notFound('CONSENT.CONSENT_NOT_FOUND', `授权书不存在 no consent ${id}`);
    return c;
  }

  async revoke(by: Principal, id: string): Promise<StoredConsent> {
    const c = await this.get(by, id);
    if (c.status === 'revoked') {
      await this.trail.record(consentRevoked(this.province, c)); // a retry after AUDIT.UNAVAILABLE
      return c;
    }
    const at = this.clock().toISOString();
    await this.repo.revokeConsent(id, at);
    // the revocation reaches every province first: it must not wait on the audit trail
    await this.peers.announceRevocation('consent', id, at);
    const revoked: StoredConsent = { ...c, status: 'revoked', revokedAt: at };
    await this.trail.record(consentRevoked(this.province, revoked));
    return revoked;
  }

  /** For another province's lane: only the province that provides the consented resource may read it. */
  async forLane(requesterProvince: Province, id: string): Promise<consentV1.ConsentArtefact> {
    const c = await this.repo.getConsent(id);
    if (!c || !canFetchConsentOverLane(requesterProvince, provinceOfResourceId(c.resourceId)))
      throw notFound('CONSENT.CONSENT_NOT_FOUND', `授权书不存在 no consent ${id}`);
    const { subjectUser: _omit, ...artefact } = c;
    return artefact;
  }

  /** Checks an artefact against its issuing province's key from the regional trust list. */
  verify(c: consentV1.ConsentArtefact): boolean {
    return this.trust.verifyConsent(c);
  }

  /**
   * For Authorize: the consent a request names, from its issuer — this province's own table, or the
   * issuing province over its consent lane, checked against that province's key. Throws 503 when the
   * issuer cannot be asked; everything else is an answer the decision judges.
   */
  async forDecision(id: string): Promise<ConsentView | UnresolvedConsent> {
    const unknown: UnresolvedConsent = { id, unresolved: 'unknown' };
    const issuer = provinceOfId(id);
    // not an id any province issues (nor one safe to hand to a database): nobody has it
    if (!issuer || !consentIdPattern.test(id)) return unknown;
    let c: consentV1.ConsentArtefact | undefined;
    if (issuer === this.province) {
      c = await this.repo.getConsent(id);
    } else {
      try {
        c = await this.peers.fetchConsent(issuer, id);
      } catch (err) {
        const e = asAppError(err);
        // the issuer says it has none this province may read
        if (e.kind === 'not_found' || e.kind === 'invalid') return unknown;
        this.logger.warn({ consentId: id, code: e.code }, 'consent could not be fetched from its issuer');
        throw unavailable(
          'CONSENT.ISSUER_UNAVAILABLE',
          `授权书签发省（${issuer}）暂时无法访问，请稍后重试 / the province that issued consent ${id} cannot be reached; retry shortly`,
          { cause: err },
        );
      }
      if (!this.verify(c)) {
        this.logger.warn({ consentId: id }, 'consent signature does not verify; refused');
        return { id, unresolved: 'forged' };
      }
    }
    if (!c || !isProvince(c.requesterProvince)) return unknown;
    const status = c.status === 'revoked' ? 'revoked' : c.status === 'expired' ? 'expired' : 'active';
    return {
      id: c.id,
      requesterAgency: c.requesterAgency,
      requesterProvince: c.requesterProvince,
      resourceId: c.resourceId,
      items: c.items,
      purpose: c.purpose,
      validUntil: c.validUntil,
      status,
      subjectRef: c.subjectRef,
      fetchType: c.fetchType === 'once' ? 'once' : 'periodic',
      // the provider keeps the record of a once-only consent's fetch
      used: c.fetchType === 'once' ? await this.repo.consentUsed(c.id) : false,
    };
  }

  /**
   * The one fetch a once-only consent allows, claimed by the fetch a decision allowed on it: of two
   * racing fetches, one gets it. False when another fetch had it first.
   */
  claimOnce(id: string, at: string, requester: string): Promise<boolean> {
    return this.repo.useConsent(id, at, requester);
  }

  /** Signs, stores and records a consent whose input has been checked. */
  private async issue(by: Principal, input: ConsentInput): Promise<StoredConsent> {
    const unsigned: consentV1.ConsentArtefact = {
      id: `${this.province}-consent-${randomUUID()}`,
      subjectRef: subjectRefOf(by, this.subjectRefs),
      requesterAgency: input.requesterAgency,
      requesterProvince: input.requesterProvince,
      resourceId: input.resourceId,
      items: [...new Set(input.items)],
      purpose: input.purpose,
      validUntil: new Date(input.validUntil).toISOString(),
      status: 'active',
      fetchType: input.fetchType ?? 'periodic',
      // set with the signature, from the province key's suite (Ed25519 or SM2)
      alg: '',
      signature: '',
      keyId: this.key.kid,
      createdAt: this.clock().toISOString(),
      revokedAt: '',
    };
    const c: StoredConsent = { ...signArtefact(unsigned, this.key.privateKey), subjectUser: by.sub };
    await this.repo.insertConsent(c);
    await this.trail.recordOrWithdraw(consentCreated(this.province, c), () => this.repo.withdrawConsent(c.id));
    return c;
  }
}

/**
 * An opaque, stable reference to a data subject; never the identifier itself. The subject's province
 * puts the person's reference in their token (keyed, regional: one person, one reference); an account
 * without one gets a keyed reference to the account, never a plain hash that enumeration could undo.
 */
export function subjectRefOf(p: Principal, refs: SubjectRefs): string {
  return p.subjectRef ?? refs.ofAccount(p.province, p.sub).ref;
}
