/**
 * The provider's delivery of one subscription: pull a batch from its durable consumer, ask whether
 * the subscriber may still have it, minimise and mask, send it over the provider's lane into the
 * requester province, and acknowledge JetStream only after the requester confirmed and the delivery
 * is audited. At least once: a batch that was not confirmed is sent again, and the requester stores
 * each event once. A refusal ends the subscription for good and the requester is told.
 *
 * Pipelined, in order: once the requester confirmed a batch, its audit record and acknowledgement
 * go on while the next batch is pulled and sent; a batch is acknowledged only after the one before
 * it, and at most one batch is being settled while the next travels.
 */
import { type Context, context } from '@opentelemetry/api';
import { type AuditSink, auditEvent, sha256Hex } from '@yrd/audit-events';
import { type AppError, asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type MaskProfile, maskRecord, parseMaskProfile } from '@yrd/masking';
import { type consentV1, feedV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { batchId, type CachedDecision, deliveredItems, endCodes, isFresh, retryDelay } from '../domain/subscription.js';
import type { AuditGate, PolicyDecider } from './exchange.js';
import type {
  FeedLog,
  FeedReader,
  FeedSettings,
  Liveness,
  PendingEvent,
  PulledBatch,
  Subscription,
  SubscriptionLanes,
  SubscriptionStore,
} from './subscriptions.js';

export interface DeliveryContext {
  province: Province;
  policy: PolicyDecider;
  log: FeedLog;
  lanes: SubscriptionLanes;
  store: SubscriptionStore;
  audit: AuditSink;
  logger: Logger;
  clock: () => Date;
  settings: FeedSettings;
  liveness?: Liveness | undefined;
  /** this province's audit log: no event leaves while it cannot record (retried later) */
  auditGate?: AuditGate | undefined;
}

/** What a delivery may carry, as the consent service decided it. */
interface Allowed {
  items: string[];
  masking: Record<string, MaskProfile>;
  grantId: string;
}
type Verdict = { allow: true; granted: Allowed } | { allow: false; code: string; reason: string };

export function authorizeRequest(sub: Subscription, at: Date): consentV1.AuthorizeRequest {
  return {
    requester: {
      userId: sub.requester.userId,
      agencyCode: sub.requester.agency,
      province: sub.requesterProvince,
      roles: [...sub.requester.roles],
      requesterKind: sub.requester.kind,
    },
    resourceId: sub.resourceId,
    items: sub.items,
    mode: 'subscribe',
    purpose: sub.purpose,
    grantId: sub.grantId,
    // a feed is about every data subject of the resource, never one: no subject, no consent
    consentId: '',
    subjectRef: '',
    at: at.toISOString(),
  };
}

export function verdictOf(sub: Subscription, d: consentV1.AuthorizeResponse): Verdict {
  if (!d.allow) {
    return {
      allow: false,
      code: d.denialCode || 'EXCHANGE.DENIED',
      reason: d.reasons[0]?.message || '未获授权 not authorised',
    };
  }
  const items = deliveredItems(sub.items, d.allowedItems);
  // a profile name this version does not know redacts the item (parseMaskProfile)
  const masking: Record<string, MaskProfile> = {};
  for (const m of d.masking) if (items.includes(m.item)) masking[m.item] = parseMaskProfile(m.profile);
  return { allow: true, granted: { items, masking, grantId: d.grantId || sub.grantId } };
}

/** The audit outcome of an end: a policy refusal, the subscriber's own choice, or a failure. */
function endOutcome(code: string): 'deny' | 'ok' | 'error' {
  if (code === endCodes.cancelled) return 'ok';
  return code.startsWith('CONSENT.') ? 'deny' : 'error';
}

function subscriptionEvent(province: Province, sub: Subscription, kind: string, eventId: string): PendingEvent {
  return {
    eventId,
    province,
    kind,
    requestId: sub.id,
    resourceId: sub.resourceId,
    actorUser: sub.requester.userId,
    actorAgency: sub.requester.agency,
    requesterProvince: sub.requesterProvince,
    providerProvince: sub.providerProvince,
    grantId: sub.grantId,
  };
}

/**
 * Audits an end at the provider and tells the requester. Both are retried (by the sweep) until they
 * succeed: the event id is stable, and the requester takes the same news twice without harm.
 */
export async function settleEnd(ctx: DeliveryContext, sub: Subscription, tell: boolean): Promise<boolean> {
  try {
    await ctx.audit.publish(
      auditEvent({
        ...subscriptionEvent(ctx.province, sub, 'exchange.subscribe.ended', `${sub.id}:ended:${ctx.province}:provider`),
        outcome: endOutcome(sub.endCode),
        code: sub.endCode,
        occurredAt: sub.endedAt || ctx.clock(),
      }),
    );
    if (tell) {
      const state: feedV1.SubscriptionState = {
        subscriptionId: sub.id,
        status: 'ended',
        code: sub.endCode,
        message: sub.endReason,
        endedAt: sub.endedAt,
      };
      try {
        await ctx.lanes.toRequester(
          sub.requesterProvince,
          ctx.province,
          'ended',
          feedV1.SubscriptionState.encode(state).finish(),
        );
      } catch (err) {
        // a requester that does not know the subscription has nothing to be told
        if (asAppError(err).code !== endCodes.unknown) throw err;
      }
    }
    await ctx.store.endSettled(sub.id);
    return true;
  } catch (err) {
    ctx.logger.warn({ err, subscriptionId: sub.id }, 'end of a subscription not yet settled; retried later');
    return false;
  }
}

/** A batch the requester confirmed, to be audited and acknowledged. */
interface Sent {
  batchId: string;
  grantId: string;
  items: string[];
  payloadHash: string;
  trace: Context;
}

/** One subscription's delivery loop; all changes to the subscription go through `exclusive`. */
export class Delivery {
  private stopped = false;
  private readonly wake = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private cached: (CachedDecision & { verdict: Verdict }) | undefined;
  /** bumped by every revocation that may concern this subscription: older decisions are stale */
  private generation = 0;
  private reader: FeedReader | undefined;
  /** the last confirmed batch's audit record and acknowledgement, still under way */
  private settling: Promise<void> = Promise.resolve();

  constructor(
    private sub: Subscription,
    private readonly ctx: DeliveryContext,
    private readonly onEnded: (id: string) => void,
  ) {}

  get id() {
    return this.sub.id;
  }

  get grantId() {
    return this.sub.grantId;
  }

  start() {
    void this.run().catch((err: unknown) =>
      this.ctx.logger.error({ err, subscriptionId: this.sub.id }, 'delivery stopped by an unexpected error'),
    );
  }

  /**
   * Stops delivering (the service stops): the batch in hand is released for the next start, the
   * subscription stays active. Does not wait for an idle pull to time out.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.chain.catch(() => undefined);
    await this.settling;
  }

  /** A revocation that may concern this subscription was heard: no decision made before it counts. */
  revoked() {
    this.generation++;
    void this.recheck();
  }

  /** Asks the consent service again now (not from the cache); ends the subscription when refused. */
  recheck(): Promise<void> {
    return this.exclusive(async () => {
      if (this.stopped) return;
      const v = await this.decide(true);
      if (!v.allow) await this.endLocked(v.code, v.reason, true);
    }).catch((err: unknown) =>
      this.ctx.logger.warn({ err, subscriptionId: this.sub.id }, 'subscription recheck failed; retried later'),
    );
  }

  /** The subscribing agency ends it; the requester asked, so it needs no separate news. */
  cancel(reason: string): Promise<Subscription> {
    return this.exclusive(async () => {
      if (this.sub.status !== 'ended') await this.endLocked(endCodes.cancelled, reason, false);
      return this.sub;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let batch: PulledBatch | undefined;
      try {
        this.reader ??= await this.openReader();
        batch = await this.reader.next(this.ctx.settings.batchSize, this.ctx.settings.idleWaitMs);
      } catch (err) {
        this.reader = undefined;
        // an idle pull fails when the subscription ended and its consumer went: nothing to say then
        if (this.stopped) break;
        failures++;
        this.ctx.logger.warn({ err, subscriptionId: this.sub.id }, 'feed pull failed; retrying');
        await this.pause(retryDelay(failures, this.ctx.settings.retryMinMs, this.ctx.settings.retryMaxMs));
        continue;
      }
      if (!batch) continue;
      if (this.stopped) {
        batch.release();
        break;
      }
      for (;;) {
        const outcome = await this.exclusive(() => batch.within(() => this.attempt(batch))).catch((err: unknown) => {
          this.ctx.logger.error({ err, subscriptionId: this.sub.id }, 'delivery attempt failed');
          return 'retry' as const;
        });
        if (outcome !== 'retry') {
          failures = 0;
          if (typeof outcome === 'object') {
            // audited and acknowledged behind the previous batch, while the next one is pulled and sent
            const previous = this.settling;
            this.settling = previous
              // in the span of the attempt that sent it
              .then(() => context.with(outcome.trace, () => this.settle(batch, outcome)))
              .catch((err: unknown) =>
                this.ctx.logger.error({ err, subscriptionId: this.sub.id }, 'settling a delivered batch failed'),
              );
            await previous;
          }
          break;
        }
        failures++;
        batch.keepAlive();
        await this.pause(retryDelay(failures, this.ctx.settings.retryMinMs, this.ctx.settings.retryMaxMs));
      }
    }
    await this.settling;
  }

  /** A consumer that vanished (e.g. the stream was rebuilt) is made again rather than given up. */
  private async openReader(): Promise<FeedReader> {
    try {
      return await this.ctx.log.reader(this.sub.id);
    } catch (err) {
      this.ctx.logger.warn({ err, subscriptionId: this.sub.id }, 'consumer missing; made again');
      await this.ctx.log.open(this.sub.id, this.sub.resourceId);
      return this.ctx.log.reader(this.sub.id);
    }
  }

  private async attempt(batch: PulledBatch): Promise<Sent | 'ended' | 'retry'> {
    if (this.stopped || this.sub.status === 'ended') {
      batch.release();
      return 'ended';
    }
    const v = await this.decide(false);
    if (!v.allow) {
      // nothing more leaves: not this batch, not what is still in the stream
      batch.release();
      await this.endLocked(v.code, v.reason, true);
      return 'ended';
    }
    if (this.ctx.liveness?.isDown(this.sub.requesterProvince)) return 'retry';
    // fail closed: while this province's audit log cannot append, nothing is delivered
    if (this.ctx.auditGate?.refusal()) return 'retry';
    const { items, masking, grantId } = v.granted;
    const seqs = batch.events.map((e) => e.seq);
    const deliver: feedV1.DeliverBatch = {
      subscriptionId: this.sub.id,
      batchId: batchId(seqs),
      // minimised and masked here, before anything leaves the provider
      events: batch.events.map((e) => ({
        eventId: e.record.eventId,
        providerSeq: e.seq,
        fields: maskRecord(e.record.fields, items, masking),
        publishedAt: e.record.publishedAt,
      })),
      items,
      masking,
      grantId,
    };
    const bytes = feedV1.DeliverBatch.encode(deliver).finish();
    try {
      await this.ctx.lanes.toRequester(this.sub.requesterProvince, this.ctx.province, 'deliver', bytes);
    } catch (err) {
      const e = asAppError(err);
      if (e.code === endCodes.unknown || e.code === endCodes.ended) {
        batch.release();
        await this.endLocked(e.code, e.message, e.code === endCodes.ended);
        return 'ended';
      }
      this.logDeliveryFailure(e, deliver.batchId);
      return 'retry';
    }
    return { batchId: deliver.batchId, grantId, items, payloadHash: sha256Hex(bytes), trace: context.active() };
  }

  /**
   * The provider's record of a batch the requester confirmed, then JetStream's acknowledgement: only
   * then, so a crash before sends the batch again (the requester stores it once, the audit log
   * keeps one record per event id). The record is retried until it is written; a delivery stopped
   * meanwhile leaves the batch unacknowledged, to come again.
   */
  private async settle(batch: PulledBatch, sent: Sent): Promise<void> {
    const record = auditEvent({
      ...subscriptionEvent(
        this.ctx.province,
        this.sub,
        'exchange.subscribe.delivered',
        `${this.sub.id}:${sent.batchId}:${this.ctx.province}:provider`,
      ),
      outcome: 'allow',
      code: '',
      grantId: sent.grantId,
      items: sent.items,
      payloadHash: sent.payloadHash,
      occurredAt: this.ctx.clock(),
    });
    for (let failures = 1; ; failures++) {
      try {
        await this.ctx.audit.publish(record);
        break;
      } catch (err) {
        this.ctx.logger.warn({ err, subscriptionId: this.sub.id, batch: sent.batchId }, 'delivery not yet audited');
        if (this.stopped) return;
        await this.pause(retryDelay(failures, this.ctx.settings.retryMinMs, this.ctx.settings.retryMaxMs));
        if (this.stopped) return;
      }
    }
    try {
      await batch.ack();
    } catch (err) {
      // not acknowledged: JetStream hands the batch out again, and it is stored and recorded once
      this.ctx.logger.warn(
        { err, subscriptionId: this.sub.id, batch: sent.batchId },
        'delivered batch not acknowledged',
      );
    }
  }

  private logDeliveryFailure(e: AppError, id: string) {
    const fields = { subscriptionId: this.sub.id, batch: id, code: e.code };
    if (e.kind === 'unavailable') this.ctx.logger.info(fields, 'requester not reachable; delivery retried');
    else this.ctx.logger.warn({ ...fields, err: e }, 'delivery refused by the requester; retried');
  }

  /** The cached verdict while fresh and no revocation was heard since; otherwise the consent service's. */
  private async decide(fresh: boolean): Promise<Verdict> {
    const now = this.ctx.clock().getTime();
    const c = this.cached;
    if (!fresh && c && isFresh(c, now, this.ctx.settings.decisionTtlMs, this.generation)) return c.verdict;
    const asked = this.generation;
    const verdict = verdictOf(this.sub, await this.ctx.policy.authorize(authorizeRequest(this.sub, this.ctx.clock())));
    // a revocation heard while asking may not be reflected in the answer: keep it for this batch only
    this.cached = asked === this.generation ? { decidedAt: now, generation: asked, verdict } : undefined;
    return verdict;
  }

  private async endLocked(code: string, reason: string, tell: boolean): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    const at = this.ctx.clock().toISOString();
    await this.ctx.store.end('provider', this.sub.id, { code, reason, at, pending: true });
    this.sub = { ...this.sub, status: 'ended', endCode: code, endReason: reason, endedAt: at, endPending: true };
    try {
      await this.ctx.log.close(this.sub.id);
    } catch (err) {
      this.ctx.logger.warn({ err, subscriptionId: this.sub.id }, 'consumer of an ended subscription not deleted');
    }
    this.ctx.logger.info({ subscriptionId: this.sub.id, code }, 'subscription ended');
    this.onEnded(this.sub.id);
    await settleEnd(this.ctx, this.sub, tell);
  }

  /** Sleeps, but wakes at once when the delivery stops. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    const signal = this.wake.signal;
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
