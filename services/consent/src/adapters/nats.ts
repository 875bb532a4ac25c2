/**
 * The consent lanes. A consent service serves `xchg.<me>.from.*.consent.*`; the broker delivers a
 * province's requests only on its own lane, so the requesting province is read off the subject and
 * the user off a token that province signed — never off the payload.
 */
import { audiences, type Principal, type ProvinceKey, TokenMinter, type TokenVerifier } from '@yrd/auth';
import { invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { consentV1 } from '@yrd/proto';
import { isProvince, type Province, provinces } from '@yrd/region';
import type { Applications } from '../app/applications.js';
import type { Consents } from '../app/consents.js';
import type { Grants } from '../app/grants.js';
import type { Application, ApplicationInput, ApplicationsAnswer, ConsentPeers, Grant } from '../app/ports.js';
import type { RevocationCursor, RevocationPage, RevocationPeers, RevocationRegister } from '../app/revocations.js';
import { type GrantStatus, type Mode, modes } from '../domain/index.js';

const laneOpts = { timeoutMs: 3000, unavailableCode: 'CONSENT.PROVIDER_UNAVAILABLE' };

export class NatsConsentPeers implements ConsentPeers, RevocationPeers {
  /** requester tokens, reused per user and provider while they have half their minute left */
  private readonly tokens: TokenMinter;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    key: ProvinceKey,
  ) {
    this.tokens = new TokenMinter(key, { ttlSeconds: 60 });
  }

  private token(provider: Province, by: Principal) {
    return this.tokens.token(by, audiences.exchange(provider));
  }

  async apply(provider: Province, by: Principal, input: ApplicationInput): Promise<Application> {
    const msg = consentV1.ApplicationSubmission.encode({
      token: await this.token(provider, by),
      ...input,
      ratePerMinute: input.ratePerMinute ?? 0,
      idempotencyKey: input.idempotencyKey ?? '',
    }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'apply'), msg, laneOpts);
    return consentV1.ApplicationView.decode(data);
  }

  async getApplication(provider: Province, by: Principal, id: string): Promise<Application> {
    const msg = consentV1.ApplicationLookup.encode({ token: await this.token(provider, by), id }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'get'), msg, laneOpts);
    return consentV1.ApplicationView.decode(data);
  }

  async applications(provider: Province, by: Principal, ids: string[]): Promise<ApplicationsAnswer> {
    const msg = consentV1.ApplicationsLookup.encode({ token: await this.token(provider, by), ids }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'list'), msg, laneOpts);
    const page = consentV1.ApplicationsPage.decode(data);
    return { applications: page.applications, grants: page.grants.map(grantOf) };
  }

  async getGrant(provider: Province, by: Principal, id: string): Promise<Grant> {
    const msg = consentV1.GrantLookup.encode({ token: await this.token(provider, by), id }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'grant'), msg, laneOpts);
    return grantOf(consentV1.GrantView.decode(data));
  }

  async requestCoordination(provider: Province, by: Principal, id: string, reason: string): Promise<Application> {
    const msg = consentV1.CoordinationRequest.encode({ token: await this.token(provider, by), id, reason }).finish();
    const data = await request(this.nc, subjects.lane(provider, this.province, 'consent', 'coordinate'), msg, laneOpts);
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

  async revocationsAfter(
    issuer: Province,
    after: RevocationCursor | undefined,
    limit: number,
  ): Promise<RevocationPage> {
    const data = await request(
      this.nc,
      subjects.lane(issuer, this.province, 'consent', 'revocations'),
      consentV1.RevocationsSince.encode({ since: after?.revokedAt ?? '', afterId: after?.id ?? '', limit }).finish(),
      { ...laneOpts, unavailableCode: 'CONSENT.ISSUER_UNAVAILABLE' },
    );
    return consentV1.RevocationPage.decode(data);
  }
}

/** A grant as the provider's lane carries it. */
function grantOf(g: consentV1.GrantView): Grant {
  return {
    ...g,
    requesterProvince: g.requesterProvince as Province,
    modes: g.modes.filter((m): m is Mode => (modes as readonly string[]).includes(m)),
    status: g.status as GrantStatus,
  };
}

/**
 * Feeds the revocation register: every province's live revocation events (this one's included), and
 * a catch-up with every province at start and then every `catchUpMs` for what the events missed.
 */
export class RevocationListener {
  private readonly subs: { unsubscribe(): void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** provinces the last catch-up could not reach, asked again every `retryMs` until they answer */
  private readonly missed = new Set<Province>();
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly retryMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly register: RevocationRegister,
    private readonly logger: Logger,
    private readonly catchUpMs = 30_000,
    retryMs = 5000,
  ) {
    this.retryMs = Math.min(retryMs, catchUpMs);
  }

  async start(): Promise<void> {
    for (const p of provinces) {
      this.subs.push(
        this.nc.subscribe(subjects.revocations(p), {
          callback: (err, m) => {
            if (err) return;
            let ev: consentV1.RevocationEvent;
            try {
              ev = consentV1.RevocationEvent.decode(m.data);
            } catch {
              this.logger.warn({ issuer: p }, 'malformed revocation event ignored');
              return;
            }
            // the subject says who announced it: another province reaches it only through p's export
            this.register
              .hear(p, ev)
              .catch((e) => this.logger.error({ err: e, id: ev.id }, 'revocation could not be recorded'));
          },
        }),
      );
    }
    await this.nc.flush();
    // subscribed first, so nothing revoked from here on falls between the catch-up and the events;
    // not awaited: a province that is down is noticed only at the lane's timeout (a service import
    // answers no "no responders"), and start-up must not wait on it
    this.stopped = false;
    void this.catchUp(provinces);
    this.timer = setInterval(() => void this.catchUp(provinces), this.catchUpMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.missed.clear();
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }

  /**
   * A province that did not answer is asked again within seconds, not at the next round: what it
   * revoked while it was cut off is known here only by asking it live until then (fail closed,
   * but unavailable while it is away).
   */
  private async catchUp(issuers: readonly Province[]): Promise<void> {
    const done = await this.register.catchUpWith(issuers);
    for (const p of issuers) {
      if (done.includes(p)) this.missed.delete(p);
      else this.missed.add(p);
    }
    if (this.missed.size === 0 || this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.catchUp([...this.missed]);
    }, this.retryMs);
    this.retry.unref();
  }
}

export class ConsentLanes {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly verifier: TokenVerifier,
    private readonly useCases: { applications: Applications; consents: Consents; grants: Grants },
    private readonly logger: Logger,
    private readonly revocations: RevocationRegister,
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
            const app = await this.useCases.applications.accept(by, {
              resourceId: s.resourceId,
              purpose: s.purpose,
              legalBasis: s.legalBasis,
              items: s.items,
              validUntil: s.validUntil,
              modes: ms as Mode[],
              ratePerMinute: s.ratePerMinute,
              idempotencyKey: s.idempotencyKey || undefined,
            });
            return consentV1.ApplicationView.encode(app).finish();
          }
          case 'get': {
            const l = consentV1.ApplicationLookup.decode(m.data);
            const by = await principal(l.token);
            return consentV1.ApplicationView.encode(
              await this.useCases.applications.getFor(requester, by, l.id),
            ).finish();
          }
          case 'list': {
            const l = consentV1.ApplicationsLookup.decode(m.data);
            const by = await principal(l.token);
            const answer = await this.useCases.applications.batchFor(requester, by, l.ids);
            return consentV1.ApplicationsPage.encode({
              applications: answer.applications,
              grants: answer.grants.map((g) => ({
                ...g,
                items: [...g.items],
                modes: [...g.modes],
                legalDuty: g.legalDuty ?? false,
              })),
            }).finish();
          }
          case 'grant': {
            const l = consentV1.GrantLookup.decode(m.data);
            const by = await principal(l.token);
            const g = await this.useCases.grants.getFor(requester, by, l.id);
            return consentV1.GrantView.encode({
              ...g,
              items: [...g.items],
              modes: [...g.modes],
              legalDuty: g.legalDuty ?? false,
            }).finish();
          }
          case 'coordinate': {
            const c = consentV1.CoordinationRequest.decode(m.data);
            const by = await principal(c.token);
            const { application } = await this.useCases.applications.acceptCoordination(by, c.id, c.reason);
            return consentV1.ApplicationView.encode(application).finish();
          }
          case 'consent': {
            const l = consentV1.ConsentLookup.decode(m.data);
            return consentV1.ConsentArtefact.encode(await this.useCases.consents.forLane(requester, l.id)).finish();
          }
          case 'revocations': {
            // ids and times only, what the revocation stream already tells every province: no token
            const s = consentV1.RevocationsSince.decode(m.data);
            const after = s.since === '' ? undefined : { revokedAt: s.since, id: s.afterId };
            if (after && !Number.isFinite(Date.parse(after.revokedAt)))
              throw invalid('REQUEST.INVALID', `since is not an instant: ${s.since}`);
            return consentV1.RevocationPage.encode(await this.revocations.issued(after, s.limit)).finish();
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
