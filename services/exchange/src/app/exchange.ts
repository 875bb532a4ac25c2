/**
 * Exchange use cases. The requester side signs who is asking and sends the request on its lane to
 * the provider province; the provider side learns the requesting province from the lane, checks the
 * requester token, asks its own consent service, and serves only granted, masked items. Both sides
 * leave an audit event (hashes only, never personal data) before they answer.
 */
import { type AuditSink, auditEvent, sha256Hex } from '@yrd/audit-events';
import { audiences, type Principal, type ProvinceKey, TokenMinter, type TokenVerifier } from '@yrd/auth';
import { type AppError, conflict, forbidden, invalid, notFound, rateLimited, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type consentV1, exchangeV1 } from '@yrd/proto';
import { type Province, provinceOfResourceId, type SubjectRefs } from '@yrd/region';
import { canonicalJson, subjectFields } from '../domain/canonical.js';
import { denialError } from '../domain/denial.js';
import { type Bucket, take } from '../domain/rate-limit.js';
import { releasable, release } from '../domain/release.js';
import type { ReplayScope, ReplayStore } from './replays.js';
import type { DataSource } from './sources.js';
import { allowEventId, newAttemptId, type PendingEvent, refusalOnRecord, type Trail } from './trail.js';

export type ExchangeMode = 'query' | 'verify';
export const exchangeModes = ['query', 'verify'] as const;
export const maxRecords = 100;

/**
 * A reply as it arrived: the message, and the bytes it came as. The audit record hashes the bytes,
 * the same bytes the provider hashed, so the two provinces' records can be matched.
 */
export interface ReceivedReply {
  reply: exchangeV1.ExchangeReply;
  bytes: Uint8Array;
}

/** Carries a request to the provider province over the requester's lane (NATS in production). */
export interface ProviderTransport {
  /** rejects at once with EXCHANGE.BROKER_UNAVAILABLE when the broker is, or goes, down meanwhile */
  send(
    provider: Province,
    requester: Province,
    mode: ExchangeMode,
    req: exchangeV1.ExchangeRequest,
  ): Promise<ReceivedReply>;
  /** whether the broker the lanes (and the audit trail) run on is up, as far as this node knows */
  isUp(): boolean;
}

export const brokerUnavailable = () =>
  unavailable(
    'EXCHANGE.BROKER_UNAVAILABLE',
    '本省交换节点与消息总线的连接中断，请稍后重试 this node has lost its broker connection; retry shortly',
  );

/**
 * Whether this province's audit log can record now. While it cannot, the province fails closed: it
 * neither sends nor serves (nor delivers subscription events), answering `refusal()` (503
 * EXCHANGE.AUDIT_UNAVAILABLE). See adapters/audit-state.ts.
 */
export interface AuditGate {
  /** the error to refuse with while the log cannot append; undefined while it can (or is unknown) */
  refusal(): AppError | undefined;
}

/** Whether a province's exchange is known to be down (its heartbeats stopped). */
export interface ProviderLiveness {
  isDown(p: Province): boolean;
}

/** The provider's local policy decision point (its consent service over gRPC in production). */
export interface PolicyDecider {
  authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse>;
}

export interface ExchangeInput {
  resourceId: string;
  purpose: string;
  key: Record<string, string>;
  claims?: Record<string, string> | undefined;
  items?: string[] | undefined;
  grantId?: string | undefined;
  consentId?: string | undefined;
}

export interface ExchangeOutcome {
  provider: Province;
  reply: exchangeV1.ExchangeReply;
}

export class RequesterApp {
  /** requester tokens, reused per user and provider while they have half their minute left */
  private readonly tokens: TokenMinter;

  constructor(
    private readonly province: Province,
    key: ProvinceKey,
    private readonly subjects: SubjectRefs,
    private readonly transport: ProviderTransport,
    private readonly audit: AuditSink,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly liveness?: ProviderLiveness,
    /** this province's audit log: nothing is sent while it cannot record */
    private readonly auditGate?: AuditGate,
  ) {
    this.tokens = new TokenMinter(key, { ttlSeconds: 60 });
  }

  async exchange(
    principal: Principal,
    mode: ExchangeMode,
    input: ExchangeInput,
    requestId: string,
  ): Promise<ExchangeOutcome> {
    const provider = provinceOfResourceId(input.resourceId);
    if (!provider) throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `资源不存在 no resource ${input.resourceId}`);
    if (principal.province !== this.province) {
      throw forbidden(
        'EXCHANGE.WRONG_PROVINCE',
        '只能通过本省交换服务发起请求 requests go through the requester’s own province',
      );
    }
    const requesterToken = await this.tokens.token(principal, audiences.exchange(provider));
    const req: exchangeV1.ExchangeRequest = {
      requestId,
      mode,
      resourceId: input.resourceId,
      purpose: input.purpose,
      key: input.key,
      claims: input.claims ?? {},
      grantId: input.grantId ?? '',
      consentId: input.consentId ?? '',
      items: input.items ?? [],
      requesterToken,
      limit: maxRecords,
    };
    // the stem of this attempt's record ids (see trail.ts); a refusal gets its own id from it
    const ev: PendingEvent = {
      eventId: `${requestId}:${this.province}:requester`,
      province: this.province,
      kind: `exchange.${mode}.requested`,
      requestId,
      resourceId: input.resourceId,
      actorUser: principal.sub,
      actorAgency: principal.agency,
      requesterProvince: this.province,
      providerProvince: provider,
      ...subjectFields(this.subjects, input.key),
      grantId: input.grantId ?? '',
      consentId: input.consentId ?? '',
      items: mode === 'verify' ? Object.keys(input.claims ?? {}) : (input.items ?? []),
    };
    const note = { context: { requestId }, unrecorded: 'audit of a failed exchange could not be recorded' };
    const { reply, bytes } = await refusalOnRecord(this.trail(), ev, note, async () => {
      // cut off from the broker nothing can be sent or recorded: say so now, not after the timeouts
      if (!this.transport.isUp()) throw brokerUnavailable();
      // nor while this province's audit log cannot append (fail closed)
      const refused = this.auditGate?.refusal();
      if (refused) throw refused;
      if (this.liveness?.isDown(provider)) {
        throw unavailable(
          'EXCHANGE.PROVIDER_UNAVAILABLE',
          `提供方（${provider}）交换服务当前不在线，请稍后重试 the provider's exchange is down`,
        );
      }
      return this.transport.send(provider, this.province, mode, req);
    });
    const payloadHash = sha256Hex(bytes);
    // One allow per answer received: a retry the provider answers from its replay store gets the same
    // bytes and so the same id (one record, as at the provider); any other answer has its own.
    const answer = sha256Hex(canonicalJson([fingerprint(mode, principal, req), provider, payloadHash]));
    await this.audit.publish(
      auditEvent({
        ...ev,
        eventId: allowEventId(ev.eventId, answer),
        outcome: 'allow',
        code: '',
        payloadHash,
        grantId: reply.grantId || ev.grantId,
        items: reply.items,
        occurredAt: this.clock(),
      }),
      { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败，未返回数据 audit trail unavailable, nothing returned' },
    );
    return { provider, reply };
  }

  private trail(): Trail {
    return { audit: this.audit, logger: this.logger, clock: this.clock };
  }
}

export class ProviderApp {
  constructor(
    private readonly province: Province,
    private readonly verifier: TokenVerifier,
    private readonly subjects: SubjectRefs,
    private readonly policy: PolicyDecider,
    /** embedded datasets or the provider agency's own system, per resource (see sources.ts) */
    private readonly sources: DataSource,
    private readonly audit: AuditSink,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    /** answered request ids, so a retry is not served or audited twice (none: every request is new) */
    private readonly replays?: ReplayStore,
    /**
     * how long a request being served holds its id: a retry within it is refused as in progress,
     * after it (the serving process died) it is served afresh. Several times the requester's timeout.
     */
    private readonly leaseMs = 30_000,
    /** this province's audit log: nothing is served while it cannot record */
    private readonly auditGate?: AuditGate,
  ) {}

  /** a token bucket per grant (this process's share of the grant's rate) */
  private readonly buckets = new Map<string, Bucket>();

  /**
   * Serves one request that arrived on `xchg.<this>.from.<R>.exchange.<mode>`. The requesting
   * province is R, as the broker delivered it (the NATS adapter reads it off the lane); nothing in
   * the payload can change that.
   */
  async handle(
    requester: Province,
    mode: ExchangeMode,
    req: exchangeV1.ExchangeRequest,
  ): Promise<exchangeV1.ExchangeReply> {
    // this arrival: its refusal or its allow is recorded under its own id (trail.ts)
    const attempt = newAttemptId();
    // the subject's reference, once: the audit records and the consent decision both name it
    const subject = subjectFields(this.subjects, req.key);
    const ev: PendingEvent = {
      eventId: `${req.requestId}:${this.province}:provider`,
      province: this.province,
      kind: `exchange.${mode}.served`,
      requestId: req.requestId,
      resourceId: req.resourceId,
      requesterProvince: requester,
      providerProvince: this.province,
      ...subject,
      grantId: req.grantId,
      consentId: req.consentId,
      items: mode === 'verify' ? Object.keys(req.claims) : req.items,
    };
    // request ids are the requesting agency's: the lane names the province, the token the agency
    let claimed: ReplayScope | undefined;
    const note = {
      context: { requestId: req.requestId },
      unrecorded: 'audit of a refused exchange could not be recorded',
      failed: 'exchange failed',
      attempt,
      undo: async () => {
        if (claimed) await this.abandon(claimed, attempt);
      },
    };
    // a retry is answered with the reply given before; anything else is served now
    type Answer = { replayed: exchangeV1.ExchangeReply } | { served: exchangeV1.ExchangeReply };
    const answer = await refusalOnRecord<Answer>(this.trail(), ev, note, async () => {
      if (!/^[\w.:-]{1,200}$/.test(req.requestId))
        throw invalid('EXCHANGE.MALFORMED_REQUEST', 'request id is missing or malformed');
      // while this province's audit log cannot append, nothing is served (the requester answers 503)
      const refused = this.auditGate?.refusal();
      if (refused) throw refused;
      const principal = await this.verifier.verify(req.requesterToken, audiences.exchange(this.province), {
        expectProvince: requester,
      });
      ev.actorUser = principal.sub;
      ev.actorAgency = principal.agency;
      const scope: ReplayScope = { province: requester, agency: principal.agency, requestId: req.requestId };
      const at = this.clock();
      const begun = await this.replays?.begin(
        scope,
        fingerprint(mode, principal, req),
        attempt,
        at,
        new Date(at.getTime() + this.leaseMs),
      );
      // a retry: the same answer, not served or logged again
      if (begun?.state === 'done') return { replayed: begun.reply };
      if (begun?.state === 'mismatch') {
        throw conflict(
          'EXCHANGE.REQUEST_ID_REUSED',
          `请求编号 ${req.requestId} 已用于另一请求 the request id was used for a different request`,
        );
      }
      if (begun?.state === 'in_progress') {
        throw conflict(
          'EXCHANGE.REQUEST_IN_PROGRESS',
          `请求 ${req.requestId} 正在处理，请稍后重试 the request is still being served; retry shortly`,
        );
      }
      if (begun?.state === 'new') claimed = scope;
      return { served: await this.serve(principal, mode, req, subject.subjectRef) };
    });
    if ('replayed' in answer) return answer.replayed;
    const reply = answer.served;
    try {
      // acknowledged before anything is answered: no data leaves without its own allow record
      await this.audit.publish(
        auditEvent({
          ...ev,
          eventId: allowEventId(ev.eventId, attempt),
          outcome: 'allow',
          code: '',
          grantId: reply.grantId,
          items: reply.items,
          payloadHash: replyHash(reply),
          occurredAt: this.clock(),
        }),
        { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败，未提供数据 audit trail unavailable, nothing served' },
      );
    } catch (err) {
      if (claimed) await this.abandon(claimed, attempt);
      throw err;
    }
    if (claimed) {
      try {
        await this.replays?.complete(claimed, attempt, reply);
      } catch (err) {
        // served and on record: the answer goes; a retry is served afresh once the lease runs out
        this.logger.error({ err, requestId: claimed.requestId }, 'reply not kept for retries');
      }
    }
    return reply;
  }

  private trail(): Trail {
    return { audit: this.audit, logger: this.logger, clock: this.clock };
  }

  /** Lets a request id go after a refusal; if that fails, its lease frees it in time. */
  private async abandon(scope: ReplayScope, attempt: string) {
    try {
      await this.replays?.abandon(scope, attempt);
    } catch (err) {
      this.logger.error({ err, requestId: scope.requestId }, 'request id not released; its lease will free it');
    }
  }

  /** A grant's rate limit (requests per minute), counted where the data is served. */
  private takeRate(decision: consentV1.AuthorizeResponse) {
    if (decision.ratePerMinute <= 0 || decision.grantId === '') return;
    const t = take(this.buckets.get(decision.grantId), this.clock().getTime(), decision.ratePerMinute);
    this.buckets.set(decision.grantId, t.bucket);
    if (!t.ok) {
      const retryAfterSeconds = Math.ceil(t.retryAfterMs / 1000);
      throw rateLimited(
        'EXCHANGE.RATE_LIMITED',
        `超出授权的调用频次（${decision.ratePerMinute} 次/分钟），请 ${retryAfterSeconds} 秒后重试 over the grant's rate of ${decision.ratePerMinute}/min`,
        { details: { retryAfterSeconds, ratePerMinute: decision.ratePerMinute } },
      );
    }
  }

  private async serve(
    principal: Principal,
    mode: ExchangeMode,
    req: exchangeV1.ExchangeRequest,
    subjectRef: string,
  ): Promise<exchangeV1.ExchangeReply> {
    if (provinceOfResourceId(req.resourceId) !== this.province) {
      throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省无此资源 no resource ${req.resourceId} in ${this.province}`);
    }
    if (Object.keys(req.key).length === 0) throw invalid('EXCHANGE.KEY_REQUIRED', '须提供查询键 a key is required');
    const claimed = Object.keys(req.claims);
    if (mode === 'verify' && claimed.length === 0)
      throw invalid('EXCHANGE.CLAIMS_REQUIRED', '须提供待核验项 claims are required');
    const requested = mode === 'verify' ? claimed : req.items;
    const decision = await this.policy.authorize({
      requester: {
        userId: principal.sub,
        agencyCode: principal.agency,
        province: principal.province,
        roles: [...principal.roles],
        requesterKind: principal.kind,
      },
      resourceId: req.resourceId,
      items: requested,
      mode,
      purpose: req.purpose,
      grantId: req.grantId,
      consentId: req.consentId,
      subjectRef,
      at: this.clock().toISOString(),
    });
    const reasons = () => decision.reasons.map((r) => ({ ruleId: r.ruleId, code: r.code, message: r.message }));
    if (!decision.allow) {
      throw denialError(
        decision.denialCode || 'EXCHANGE.DENIED',
        decision.reasons[0]?.message || '未获授权 not authorised',
        {
          reasons: reasons(),
        },
      );
    }
    this.takeRate(decision);
    const scope = releasable(mode, requested, decision);
    if (!scope.ok) {
      throw forbidden(
        decision.denialCode || 'EXCHANGE.ITEM_NOT_GRANTED',
        `未授权的核验项 items not granted: ${scope.notGranted.join(', ')}`,
        { reasons: reasons() },
      );
    }
    if (!(await this.sources.has(req.resourceId))) {
      throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省未提供该资源数据 no data behind ${req.resourceId}`);
    }
    const limit = Math.min(req.limit > 0 ? req.limit : maxRecords, maxRecords);
    // the source sees only the granted items; whatever it returns is still minimised and masked
    const found = await this.sources.find({
      resourceId: req.resourceId,
      key: req.key,
      items: scope.items,
      limit,
      requestId: req.requestId,
    });
    const out = release(mode, scope, found, req.claims);
    return {
      requestId: req.requestId,
      records: out.records.map((fields) => ({ fields })),
      results: out.results,
      items: scope.items,
      masking: out.masking,
      problem: undefined,
      providerProvince: this.province,
      grantId: decision.grantId || req.grantId,
    };
  }
}

/**
 * The hash of a reply as it travels: its protobuf encoding, the bytes the NATS adapter sends and
 * the requester hashes on arrival (the encoding is deterministic), so both records match.
 */
function replyHash(reply: exchangeV1.ExchangeReply): string {
  return sha256Hex(exchangeV1.ExchangeReply.encode(reply).finish());
}

/** What makes a request the same request: who asks, for what, how (never stored in the clear). */
function fingerprint(mode: ExchangeMode, p: Principal, r: exchangeV1.ExchangeRequest): string {
  return sha256Hex(
    canonicalJson({
      mode,
      user: p.sub,
      agency: p.agency,
      resourceId: r.resourceId,
      purpose: r.purpose,
      key: r.key,
      claims: r.claims,
      items: r.items,
      grantId: r.grantId,
      consentId: r.consentId,
    }),
  );
}
