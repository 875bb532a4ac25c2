/**
 * The consent lanes. A consent service serves `xchg.<me>.from.*.consent.*`; the broker delivers a
 * province's requests only on its own lane, so the requesting province is read off the subject and
 * the user off a token that province signed — never off the payload.
 */
import { audiences, type Principal, type ProvinceKey, signToken, type TokenVerifier } from '@yrd/auth';
import { invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { consentV1 } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import type { Application } from '../adapters/db.js';
import type { ApplicationInput, ConsentApp, ConsentPeers } from '../app/consent.js';
import { type Mode, modes } from '../domain/index.js';

const laneOpts = { timeoutMs: 3000, unavailableCode: 'CONSENT.PROVIDER_UNAVAILABLE' };

export class NatsConsentPeers implements ConsentPeers {
  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly key: ProvinceKey,
  ) {}

  private token(provider: Province, by: Principal) {
    return signToken(this.key, by, { audience: audiences.exchange(provider), ttlSeconds: 60 });
  }

  async apply(provider: Province, by: Principal, input: ApplicationInput): Promise<Application> {
    const msg = consentV1.ApplicationSubmission.encode({ token: await this.token(provider, by), ...input }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'apply'), msg, laneOpts);
    return consentV1.ApplicationView.decode(data);
  }

  async getApplication(provider: Province, by: Principal, id: string): Promise<Application> {
    const msg = consentV1.ApplicationLookup.encode({ token: await this.token(provider, by), id }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'get'), msg, laneOpts);
    return consentV1.ApplicationView.decode(data);
  }

  async fetchConsent(issuer: Province, id: string): Promise<consentV1.ConsentArtefact> {
    const data = await request(
      this.nc,
      subjects.lane(issuer, this.province, 'consent', 'consent'),
      consentV1.ConsentLookup.encode({ id }).finish(),
      {
        ...laneOpts,
        unavailableCode: 'CONSENT.ISSUER_UNAVAILABLE',
      },
    );
    return consentV1.ConsentArtefact.decode(data);
  }

  async announceRevocation(kind: 'grant' | 'consent', id: string, at: string): Promise<void> {
    this.nc.publish(
      subjects.revocations(this.province),
      consentV1.RevocationEvent.encode({ kind, id, province: this.province, revokedAt: at }).finish(),
    );
    await this.nc.flush();
  }
}

export class ConsentLanes {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly verifier: TokenVerifier,
    private readonly consent: ConsentApp,
    private readonly logger: Logger,
  ) {}

  async start() {
    this.sub = serve(
      this.nc,
      subjects.lanes(this.province, 'consent'),
      { queue: 'consent', logger: this.logger },
      async (m) => {
        const requester = laneRequester(m.subject);
        if (!isProvince(requester)) throw invalid('CONSENT.BAD_LANE', `not a lane: ${m.subject}`);
        const op = m.subject.split('.').at(-1);
        const principal = (token: string) =>
          this.verifier.verify(token, audiences.exchange(this.province), { expectProvince: requester });
        switch (op) {
          case 'apply': {
            const s = consentV1.ApplicationSubmission.decode(m.data);
            const by = await principal(s.token);
            const ms = s.modes.length === 0 ? ['query'] : s.modes;
            const bad = ms.filter((x) => !(modes as readonly string[]).includes(x));
            if (bad.length > 0) throw invalid('REQUEST.INVALID', `unknown modes: ${bad.join(', ')}`);
            const app = await this.consent.acceptApplication(by, {
              resourceId: s.resourceId,
              purpose: s.purpose,
              legalBasis: s.legalBasis,
              items: s.items,
              validUntil: s.validUntil,
              modes: ms as Mode[],
            });
            return consentV1.ApplicationView.encode(app).finish();
          }
          case 'get': {
            const l = consentV1.ApplicationLookup.decode(m.data);
            const by = await principal(l.token);
            return consentV1.ApplicationView.encode(await this.consent.getApplicationFor(requester, by, l.id)).finish();
          }
          case 'consent': {
            const l = consentV1.ConsentLookup.decode(m.data);
            return consentV1.ConsentArtefact.encode(await this.consent.consentFor(requester, l.id)).finish();
          }
          default:
            throw invalid('CONSENT.UNKNOWN_OP', `unknown consent operation ${op ?? ''}`);
        }
      },
    );
    await this.nc.flush();
  }

  stop() {
    this.sub?.unsubscribe();
  }
}
