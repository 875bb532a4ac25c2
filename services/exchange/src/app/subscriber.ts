/**
 * The requester side of subscriptions (订阅). A user of this province subscribes through its own
 * exchange; the request travels on this province's lane to the provider, which decides. Delivered
 * events arrive on the provider's lane into this province and are stored once each, durably, before
 * the provider is told they arrived; the subscribing agency reads them by cursor. The provider alone
 * decides whether a subscription continues: when it ends one, it says so, with the code.
 */
import { randomUUID } from 'node:crypto';
import { type AuditSink, auditEvent, sha256Hex } from '@yrd/audit-events';
import { audiences, type Principal, type ProvinceKey, TokenMinter } from '@yrd/auth';
import { conflict, forbidden, notFound, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { feedV1 } from '@yrd/proto';
import { type Province, provinceOfResourceId } from '@yrd/region';
import { canUseSubscription, subscriptionListFilter } from '../domain/access.js';
import { endCodes, receives, subscriptionId } from '../domain/subscription.js';
import type { AuditGate } from './exchange.js';
import { decode } from './feeds.js';
import type {
  Arrived,
  Liveness,
  PendingEvent,
  ReceivedPage,
  Subscription,
  SubscriptionLanes,
  SubscriptionStore,
} from './subscriptions.js';
import { refusalOnRecord } from './trail.js';

export interface SubscribeInput {
  resourceId: string;
  purpose: string;
  grantId?: string | undefined;
  items?: string[] | undefined;
}

export class RequesterFeeds {
  /** requester tokens, reused per user and provider while they have half their minute left */
  private readonly tokens: TokenMinter;

  constructor(
    private readonly province: Province,
    key: ProvinceKey,
    private readonly lanes: SubscriptionLanes,
    private readonly store: SubscriptionStore,
    private readonly audit: AuditSink,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly liveness?: Liveness,
    private readonly newId: () => string = randomUUID,
    /** this province's audit log: no delivery is taken in while it cannot record (the provider retries) */
    private readonly auditGate?: AuditGate,
  ) {
    this.tokens = new TokenMinter(key, { ttlSeconds: 60 });
  }

  async subscribe(by: Principal, input: SubscribeInput): Promise<Subscription> {
    const provider = provinceOfResourceId(input.resourceId);
    if (!provider) throw notFound('EXCHANGE.RESOURCE_NOT_FOUND', `资源不存在 no resource ${input.resourceId}`);
    if (by.province !== this.province) {
      throw forbidden('EXCHANGE.WRONG_PROVINCE', '只能通过本省交换服务订阅 subscribe through your own province');
    }
    const id = subscriptionId(this.province, this.newId());
    const pending: Subscription = {
      side: 'requester',
      id,
      resourceId: input.resourceId,
      providerProvince: provider,
      requesterProvince: this.province,
      requester: { userId: by.sub, agency: by.agency, roles: [...by.roles], kind: by.kind },
      purpose: input.purpose,
      grantId: input.grantId ?? '',
      items: [...new Set(input.items ?? [])],
      grantedItems: [],
      masking: {},
      status: 'pending',
      endCode: '',
      endReason: '',
      endedAt: '',
      endPending: false,
      createdAt: this.clock().toISOString(),
    };
    const ev: PendingEvent = {
      eventId: `${id}:${this.province}:requester`,
      province: this.province,
      kind: 'exchange.subscribe.requested',
      requestId: id,
      resourceId: input.resourceId,
      actorUser: by.sub,
      actorAgency: by.agency,
      requesterProvince: this.province,
      providerProvince: provider,
      grantId: pending.grantId,
      items: pending.items,
    };
    // stored before asking: the provider may deliver before its answer is back here
    await this.store.insert(pending);
    const note = {
      context: { subscriptionId: id },
      unrecorded: 'refused subscription not audited',
      // refused or unanswered: nothing stays here. Had the provider made it after all, its first
      // delivery finds no subscription and the provider ends it (EXCHANGE.SUBSCRIPTION_UNKNOWN).
      undo: () => this.store.remove('requester', id),
    };
    const trail = { audit: this.audit, logger: this.logger, clock: this.clock };
    const data = await refusalOnRecord(trail, ev, note, async () => {
      if (this.liveness?.isDown(provider)) {
        throw unavailable(
          'EXCHANGE.PROVIDER_UNAVAILABLE',
          `提供方（${provider}）交换服务当前不在线，请稍后重试 the provider's exchange is down`,
        );
      }
      const requesterToken = await this.tokens.token(by, audiences.exchange(provider));
      const req: feedV1.SubscribeRequest = {
        subscriptionId: id,
        resourceId: input.resourceId,
        purpose: input.purpose,
        grantId: pending.grantId,
        items: pending.items,
        requesterToken,
      };
      return this.lanes.toProvider(provider, this.province, 'subscribe', feedV1.SubscribeRequest.encode(req).finish());
    });
    const reply = decode(feedV1.SubscribeReply, data);
    const decided = { grantedItems: reply.items, masking: reply.masking, grantId: reply.grantId || pending.grantId };
    await this.store.activate(id, decided);
    try {
      await this.audit.publish(
        auditEvent({
          ...ev,
          outcome: 'allow',
          code: '',
          grantId: decided.grantId,
          items: reply.items,
          payloadHash: sha256Hex(data),
          occurredAt: this.clock(),
        }),
        {
          code: 'EXCHANGE.AUDIT_UNAVAILABLE',
          message: '留痕失败，订阅已取消 audit trail unavailable, subscription cancelled',
        },
      );
    } catch (err) {
      // a subscription that is not on record must not run: end it on both sides
      await this.store.end('requester', id, {
        code: 'EXCHANGE.AUDIT_UNAVAILABLE',
        reason: 'audit trail unavailable',
        at: this.clock().toISOString(),
        pending: false,
      });
      await this.askProvider(by, pending, 'unsubscribe').catch((e: unknown) =>
        this.logger.error({ err: e, subscriptionId: id }, 'unaudited subscription could not be cancelled'),
      );
      throw err;
    }
    return (await this.store.get('requester', id)) ?? { ...pending, ...decided, status: 'active' };
  }

  /**
   * The subscribing agency's view of one subscription; for anyone else (another agency of this
   * province too) it does not exist, so its id cannot be probed.
   */
  async get(by: Principal, id: string): Promise<Subscription> {
    const sub = await this.store.get('requester', id);
    if (!sub || !canUseSubscription(by, { province: this.province, requesterAgency: sub.requester.agency }).allow) {
      throw notFound('EXCHANGE.SUBSCRIPTION_NOT_FOUND', `订阅不存在 no subscription ${id}`);
    }
    return sub;
  }

  async list(by: Principal, limit = 100): Promise<Subscription[]> {
    const scope = subscriptionListFilter(by, this.province);
    if (!scope) return [];
    const subs = await this.store.ofAgency(this.province, scope.agency, limit);
    return subs.filter(
      (s) => canUseSubscription(by, { province: this.province, requesterAgency: s.requester.agency }).allow,
    );
  }

  async events(
    by: Principal,
    id: string,
    after: number,
    limit: number,
  ): Promise<{ sub: Subscription; page: ReceivedPage }> {
    const sub = await this.get(by, id);
    return { sub, page: await this.store.events(id, after, limit) };
  }

  /** The subscribing agency ends its subscription; the provider confirms, then it is ended here. */
  async cancel(by: Principal, id: string): Promise<Subscription> {
    const sub = await this.get(by, id);
    if (sub.status === 'ended') return sub;
    const state = decode(feedV1.SubscriptionState, await this.askProvider(by, sub, 'unsubscribe'));
    await this.ended(sub.providerProvince, state, by);
    return (await this.store.get('requester', id)) ?? sub;
  }

  /**
   * op `deliver` on `xchg.<this>.from.<P>.exchange.deliver`: a batch from the provider P named by
   * the lane (the NATS adapter reads it off the lane). Only P can deliver to a subscription to P; a
   * redelivered event is stored once.
   */
  async deliver(provider: Province, arrived: Arrived<feedV1.DeliverBatch>): Promise<feedV1.DeliverAck> {
    const refused = this.auditGate?.refusal();
    if (refused) throw refused;
    const batch = arrived.message;
    const sub = await this.store.get('requester', batch.subscriptionId);
    if (!sub || sub.providerProvince !== provider) {
      throw notFound(endCodes.unknown, `本省无此订阅 no subscription ${batch.subscriptionId} here`);
    }
    const out = await this.store.receive(sub.id, batch.events, this.clock().toISOString(), async () => {
      await this.audit.publish(
        auditEvent({
          eventId: `${sub.id}:${batch.batchId}:${this.province}:requester`,
          province: this.province,
          kind: 'exchange.subscribe.received',
          requestId: sub.id,
          resourceId: sub.resourceId,
          actorUser: sub.requester.userId,
          actorAgency: sub.requester.agency,
          requesterProvince: this.province,
          providerProvince: provider,
          outcome: 'allow',
          grantId: batch.grantId,
          items: batch.items,
          // the same bytes the provider hashed: the two records can be matched
          payloadHash: sha256Hex(arrived.bytes),
          occurredAt: this.clock(),
        }),
        { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败，未接收 audit trail unavailable, not received' },
      );
    });
    switch (out.kind) {
      case 'unknown':
        throw notFound(endCodes.unknown, `本省无此订阅 no subscription ${batch.subscriptionId} here`);
      case 'ended':
        throw conflict(endCodes.ended, `订阅已终止 subscription ${batch.subscriptionId} has ended`);
      case 'stored':
        return { subscriptionId: sub.id, stored: out.stored, duplicates: out.duplicates };
      default: {
        const never: never = out;
        throw new Error(`unexpected receive outcome ${JSON.stringify(never)}`);
      }
    }
  }

  /** op `ended`: the provider stopped delivering, and why. Taken once; the same news again is fine. */
  async ended(provider: Province, state: feedV1.SubscriptionState, by?: Principal): Promise<feedV1.SubscriptionState> {
    const sub = await this.store.get('requester', state.subscriptionId);
    if (!sub || sub.providerProvince !== provider) {
      throw notFound(endCodes.unknown, `本省无此订阅 no subscription ${state.subscriptionId} here`);
    }
    if (state.status === 'ended') {
      const at = state.endedAt || this.clock().toISOString();
      await this.store.end('requester', sub.id, { code: state.code, reason: state.message, at, pending: false });
      await this.audit.publish(
        auditEvent({
          eventId: `${sub.id}:ended:${this.province}:requester`,
          province: this.province,
          kind: 'exchange.subscribe.ended',
          requestId: sub.id,
          resourceId: sub.resourceId,
          actorUser: by?.sub ?? sub.requester.userId,
          actorAgency: by?.agency ?? sub.requester.agency,
          requesterProvince: this.province,
          providerProvince: provider,
          outcome: state.code === endCodes.cancelled ? 'ok' : state.code.startsWith('CONSENT.') ? 'deny' : 'error',
          code: state.code,
          grantId: sub.grantId,
          occurredAt: at,
        }),
        { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败 audit trail unavailable' },
      );
    }
    const current = (await this.store.get('requester', sub.id)) ?? sub;
    return {
      subscriptionId: current.id,
      status: receives(current.status) ? 'active' : 'ended',
      code: current.endCode,
      message: current.endReason,
      endedAt: current.endedAt,
    };
  }

  private async askProvider(by: Principal, sub: Subscription, op: 'unsubscribe'): Promise<Uint8Array> {
    if (this.liveness?.isDown(sub.providerProvince)) {
      throw unavailable(
        'EXCHANGE.PROVIDER_UNAVAILABLE',
        `提供方（${sub.providerProvince}）交换服务当前不在线，请稍后重试 the provider's exchange is down`,
      );
    }
    const requesterToken = await this.tokens.token(by, audiences.exchange(sub.providerProvince));
    const req: feedV1.UnsubscribeRequest = { subscriptionId: sub.id, requesterToken };
    return this.lanes.toProvider(
      sub.providerProvince,
      this.province,
      op,
      feedV1.UnsubscribeRequest.encode(req).finish(),
    );
  }
}
