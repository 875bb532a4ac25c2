/**
 * The provider side of subscriptions (订阅). The provider agency publishes change events into its
 * province's own feed stream; a requester province subscribes on its lane; the provider asks its
 * own consent service (mode 'subscribe'), makes a durable consumer for the subscription and keeps a
 * delivery running for it (delivery.ts) until the grant is revoked or expires, or the subscriber
 * cancels. Every subscribe decision, delivered batch and end is audited (hashes only).
 */

import { type AuditSink, auditEvent, sha256Hex } from '@yrd/audit-events';
import { audiences, type Principal, type TokenVerifier } from '@yrd/auth';
import { AppError, conflict, forbidden, invalid, notFound, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { encoderOf, feedV1 } from '@yrd/proto';
import { type Province, provinceOfResourceId } from '@yrd/region';
import { denialError } from '../domain/denial.js';
import { endCodes, eventIdPattern, feedToken, isSubscriptionIdOf } from '../domain/subscription.js';
import { authorizeRequest, Delivery, type DeliveryContext, settleEnd, verdictOf } from './delivery.js';
import type { AuditGate, PolicyDecider } from './exchange.js';
import type {
  FeedCatalog,
  FeedLog,
  FeedSettings,
  Liveness,
  PendingEvent,
  PublishedEvents,
  Subscription,
  SubscriptionLanes,
  SubscriptionStore,
} from './subscriptions.js';
import { refusalOnRecord } from './trail.js';

export const maxEventsPerPublish = 1000;

export interface PublishedEvent {
  id: string;
  fields: Record<string, string>;
}

export class ProviderFeeds {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly ctx: DeliveryContext;
  private sweeper: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly province: Province,
    private readonly verifier: TokenVerifier,
    policy: PolicyDecider,
    private readonly store: SubscriptionStore,
    private readonly log: FeedLog,
    private readonly published: PublishedEvents,
    private readonly catalog: FeedCatalog,
    lanes: SubscriptionLanes,
    private readonly audit: AuditSink,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly settings: FeedSettings,
    liveness?: Liveness,
    auditGate?: AuditGate,
  ) {
    this.ctx = { province, policy, log, lanes, store, audit, logger, clock, settings, liveness, auditGate };
  }

  /** Resumes the delivery of every active subscription (their consumers kept their place). */
  async start(): Promise<void> {
    await this.log.ensure();
    this.running = true;
    for (const sub of await this.store.withStatus('provider', 'active')) this.deliver(sub);
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'subscription sweep failed'));
    }, this.settings.recheckMs);
    this.sweeper.unref();
    void this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'subscription sweep failed'));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.deliveries.values()].map((d) => d.stop()));
    this.deliveries.clear();
  }

  /** Subscriptions being delivered now (ids). */
  active(): string[] {
    return [...this.deliveries.keys()];
  }

  /**
   * The provider agency publishes change events of its resource into the feed, the call's events in
   * one stream message (or a few, when they are large). An event id published before is not
   * published again, so a publisher's retry adds nothing; fields must be items of the entry.
   */
  async publish(
    by: Principal,
    resourceId: string,
    events: readonly PublishedEvent[],
    requestId: string,
  ): Promise<{ accepted: number; duplicates: number }> {
    if (by.province !== this.province) {
      throw forbidden('EXCHANGE.WRONG_PROVINCE', '只能向本省的订阅源发布 publish at your own province');
    }
    if (provinceOfResourceId(resourceId) !== this.province || !feedToken(resourceId)) {
      throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省无此资源 no resource ${resourceId} in ${this.province}`);
    }
    const entry = await this.catalog.entry(resourceId);
    if (!entry || entry.province !== this.province) {
      throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省目录中无此资源 no catalogue entry ${resourceId}`);
    }
    if (by.agency !== entry.providerCode) {
      throw forbidden(
        'EXCHANGE.NOT_YOUR_RESOURCE',
        '只有资源提供单位可以发布其变更事件 only the providing agency publishes events of its resource',
      );
    }
    if (entry.status !== 'published' || !entry.sharingModes.includes('subscribe')) {
      throw conflict(
        'EXCHANGE.FEED_NOT_OFFERED',
        `资源 ${resourceId} 未发布或共享方式不含订阅 the entry is not published with sharing mode subscribe`,
      );
    }
    const known = new Set(entry.items);
    const ids = new Set<string>();
    for (const e of events) {
      if (!eventIdPattern.test(e.id)) throw invalid('EXCHANGE.BAD_EVENT_ID', `事件编号无效 bad event id ${e.id}`);
      if (ids.has(e.id)) throw invalid('EXCHANGE.DUPLICATE_EVENT_ID', `事件编号重复 event id ${e.id} given twice`);
      ids.add(e.id);
      const unknown = Object.keys(e.fields).filter((f) => !known.has(f));
      if (unknown.length > 0) {
        throw invalid(
          'EXCHANGE.UNKNOWN_ITEM',
          `资源 ${resourceId} 没有以下信息项 the entry has no items named: ${unknown.join(', ')}`,
        );
      }
    }
    const at = this.clock().toISOString();
    // encoded once: the stream keeps these bytes, and the audit record hashes them
    const encode = encoderOf(feedV1.FeedRecord);
    const records = events.map((e) => ({
      eventId: e.id,
      bytes: encode({ eventId: e.id, fields: e.fields, publishedAt: at, publisherAgency: by.agency }),
    }));
    const accepted = await appendOnce(this.log, this.published, resourceId, records, at);
    const bytes = records.map((r) => r.bytes);
    await this.audit.publish(
      auditEvent({
        eventId: `${requestId}:${this.province}:feed`,
        province: this.province,
        kind: 'exchange.feed.published',
        requestId,
        resourceId,
        actorUser: by.sub,
        actorAgency: by.agency,
        providerProvince: this.province,
        outcome: 'ok',
        items: [...new Set(events.flatMap((e) => Object.keys(e.fields)))],
        payloadHash: sha256Hex(Buffer.concat(bytes)),
        occurredAt: at,
      }),
      { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败，请以相同事件编号重试 audit trail unavailable, retry' },
    );
    return { accepted, duplicates: events.length - accepted };
  }

  /**
   * op `subscribe` on `xchg.<this>.from.<R>.exchange.subscribe`: R is the lane the broker delivered
   * on (the NATS adapter reads it off the lane). Allowed → a durable consumer from now on, the
   * subscription stored, its delivery started.
   */
  async subscribe(requester: Province, req: feedV1.SubscribeRequest): Promise<feedV1.SubscribeReply> {
    const ev: PendingEvent = {
      eventId: `${req.subscriptionId}:${this.province}:provider`,
      province: this.province,
      kind: 'exchange.subscribe.created',
      requestId: req.subscriptionId,
      resourceId: req.resourceId,
      requesterProvince: requester,
      providerProvince: this.province,
      grantId: req.grantId,
      items: req.items,
    };
    const note = {
      context: { subscriptionId: req.subscriptionId },
      unrecorded: 'refused subscribe not audited',
      failed: 'subscribe failed',
    };
    const trail = { audit: this.audit, logger: this.logger, clock: this.clock };
    const { sub, reply } = await refusalOnRecord(trail, ev, note, async () => {
      if (!isSubscriptionIdOf(req.subscriptionId, requester))
        throw invalid('EXCHANGE.MALFORMED_REQUEST', 'subscription id is missing or malformed');
      const principal = await this.verifier.verify(req.requesterToken, audiences.exchange(this.province), {
        expectProvince: requester,
      });
      ev.actorUser = principal.sub;
      ev.actorAgency = principal.agency;
      return this.create(requester, principal, req);
    });
    try {
      await this.audit.publish(
        auditEvent({
          ...ev,
          outcome: 'allow',
          code: '',
          grantId: sub.grantId,
          items: sub.grantedItems,
          // the reply's encoding: the bytes the NATS adapter sends and the requester hashes
          payloadHash: sha256Hex(feedV1.SubscribeReply.encode(reply).finish()),
          occurredAt: sub.createdAt,
        }),
        {
          code: 'EXCHANGE.AUDIT_UNAVAILABLE',
          message: '留痕失败，未建立订阅 audit trail unavailable, no subscription',
        },
      );
    } catch (err) {
      // nothing may flow that is not on record: undo before answering
      await this.log.close(sub.id).catch(() => undefined);
      await this.store.remove('provider', sub.id);
      throw err;
    }
    this.deliver(sub);
    return reply;
  }

  private async create(requester: Province, principal: Principal, req: feedV1.SubscribeRequest) {
    if (provinceOfResourceId(req.resourceId) !== this.province || !feedToken(req.resourceId)) {
      throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省无此资源 no resource ${req.resourceId} in ${this.province}`);
    }
    if (await this.store.get('provider', req.subscriptionId)) {
      throw conflict('EXCHANGE.SUBSCRIPTION_EXISTS', `订阅已存在 subscription ${req.subscriptionId} exists`);
    }
    const now = this.clock();
    const draft: Subscription = {
      side: 'provider',
      id: req.subscriptionId,
      resourceId: req.resourceId,
      providerProvince: this.province,
      requesterProvince: requester,
      requester: { userId: principal.sub, agency: principal.agency, roles: [...principal.roles], kind: principal.kind },
      purpose: req.purpose,
      grantId: req.grantId,
      items: [...new Set(req.items)],
      grantedItems: [],
      masking: {},
      status: 'active',
      endCode: '',
      endReason: '',
      endedAt: '',
      endPending: false,
      createdAt: now.toISOString(),
    };
    const decision = await this.ctx.policy.authorize(authorizeRequest(draft, now));
    const verdict = verdictOf(draft, decision);
    if (!verdict.allow) {
      throw denialError(verdict.code, verdict.reason, {
        reasons: decision.reasons.map((r) => ({ ruleId: r.ruleId, code: r.code, message: r.message })),
      });
    }
    const sub: Subscription = {
      ...draft,
      grantId: verdict.granted.grantId,
      grantedItems: verdict.granted.items,
      masking: verdict.granted.masking,
    };
    await this.log.open(sub.id, sub.resourceId);
    try {
      if (!(await this.store.insert(sub))) {
        throw conflict('EXCHANGE.SUBSCRIPTION_EXISTS', `订阅已存在 subscription ${sub.id} exists`);
      }
    } catch (err) {
      await this.log.close(sub.id).catch(() => undefined);
      throw err;
    }
    const reply: feedV1.SubscribeReply = {
      subscriptionId: sub.id,
      items: sub.grantedItems,
      masking: sub.masking,
      grantId: sub.grantId,
      providerProvince: this.province,
      createdAt: sub.createdAt,
    };
    return { sub, reply };
  }

  /** op `unsubscribe`: the subscribing agency (and only it) ends its subscription. */
  async unsubscribe(requester: Province, req: feedV1.UnsubscribeRequest): Promise<feedV1.SubscriptionState> {
    const principal = await this.verifier.verify(req.requesterToken, audiences.exchange(this.province), {
      expectProvince: requester,
    });
    const sub = await this.store.get('provider', req.subscriptionId);
    if (!sub || sub.requesterProvince !== requester) {
      throw notFound('EXCHANGE.SUBSCRIPTION_NOT_FOUND', `订阅不存在 no subscription ${req.subscriptionId}`);
    }
    if (sub.requester.agency !== principal.agency) {
      throw forbidden('EXCHANGE.NOT_YOUR_SUBSCRIPTION', '只能取消本单位的订阅 cancel your own agency’s subscriptions');
    }
    let ended = sub;
    const d = this.deliveries.get(sub.id);
    if (d) {
      ended = await d.cancel(`由 ${principal.sub} 取消 cancelled by the subscriber`);
    } else if (sub.status !== 'ended') {
      // active but not being delivered (the service is stopping): end it all the same
      const at = this.clock().toISOString();
      await this.store.end('provider', sub.id, { code: endCodes.cancelled, reason: 'cancelled', at, pending: true });
      await this.log.close(sub.id).catch(() => undefined);
      ended = { ...sub, status: 'ended', endCode: endCodes.cancelled, endReason: 'cancelled', endedAt: at };
      await settleEnd(this.ctx, ended, false);
    }
    return {
      subscriptionId: ended.id,
      status: ended.status,
      code: ended.endCode,
      message: ended.endReason,
      endedAt: ended.endedAt,
    };
  }

  /**
   * A revocation was announced in this province. Grants are issued by the provider, so a revoked
   * grant is heard here; the deliveries under it stop using their cached decision and ask again now.
   */
  revoked(kind: string, id: string) {
    if (kind !== 'grant') return;
    for (const d of this.deliveries.values()) if (d.grantId === id) d.revoked();
  }

  /**
   * Asks again for every subscription (a grant may have expired while no events flowed), and
   * settles ends that were not yet audited or told.
   */
  async sweep(): Promise<void> {
    await Promise.all([...this.deliveries.values()].map((d) => d.recheck()));
    for (const sub of await this.store.endPending()) await settleEnd(this.ctx, sub, sub.endCode !== endCodes.cancelled);
    await this.published.prune(this.clock());
  }

  private deliver(sub: Subscription) {
    if (!this.running || this.deliveries.has(sub.id)) return;
    const d = new Delivery(sub, this.ctx, (id) => this.deliveries.delete(id));
    this.deliveries.set(sub.id, d);
    d.start();
  }
}

/**
 * A publish call's events not published before go into the stream, then on record as published: a
 * crash in between publishes them again on the retry (each requester stores an event once) rather
 * than losing them. Answers how many were new; of two calls racing with the same id, one counts it.
 */
export async function appendOnce(
  log: Pick<FeedLog, 'append'>,
  published: Pick<PublishedEvents, 'known' | 'record'>,
  resourceId: string,
  records: readonly { eventId: string; bytes: Uint8Array }[],
  at: string,
): Promise<number> {
  const ids = records.map((r) => r.eventId);
  const known = await onRecord(() => published.known(resourceId, ids));
  const fresh = records.filter((r) => !known.has(r.eventId));
  if (fresh.length === 0) return 0;
  const { appended } = await log.append(resourceId, fresh);
  const freshIds = fresh.map((r) => r.eventId);
  const recorded = await onRecord(() => published.record(resourceId, freshIds, at));
  let accepted = 0;
  for (const r of fresh) if (appended.has(r.eventId) && recorded.has(r.eventId)) accepted++;
  return accepted;
}

/** The feed cannot take a publish now (its stream or the record of published ids): retry with the same ids. */
export const feedUnavailable = (cause: unknown) =>
  unavailable('EXCHANGE.FEED_UNAVAILABLE', '订阅源暂不可用，请以相同事件编号重试 feed unavailable, retry', { cause });

/** The record of published ids is this service's database; while it fails, publishing waits. */
async function onRecord<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw feedUnavailable(err);
  }
}

/** A protobuf message that came from the other province; one that does not parse is refused. */
export function decode<T>(codec: { decode(b: Uint8Array): T }, data: Uint8Array): T {
  try {
    return codec.decode(data);
  } catch (err) {
    throw invalid('EXCHANGE.MALFORMED_REQUEST', '请求无法解析 malformed request', { cause: err });
  }
}
