/**
 * Subscriptions over NATS. The provider's change events live in its own JetStream stream FEED_<P>
 * (`feed.<p>.<resource code>`, inside its account); each subscription has a durable pull consumer
 * there, named by the subscription id, filtered to its resource, starting with events published
 * after it was made. The two provinces talk on lanes only: the requester on its lane into the
 * provider (`subscribe`, `unsubscribe`), the provider on its lane into the requester (`deliver`,
 * `ended`) — every province exports a lane to every other, so both directions exist.
 *
 * A publish call's events are one stream message (a FeedRecords, header `Yrd-Feed-Format: records`),
 * or a few when they would weigh more than half the broker's largest message; an event's place in
 * the feed is its message's stream sequence × 1000 + its index there. Messages written before that
 * format hold one FeedRecord each, and are still read.
 *
 * Traces go on through the stream: each message carries the send span of its publish in its headers,
 * and a delivery attempt runs in a CONSUMER span placed by `batchPlacement` — under the publish when
 * the whole batch was published in one trace, on its own otherwise (a batch of several traces has no
 * one parent), linked to every event's publish either way.
 */

import { createHash } from 'node:crypto';
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  createInbox,
  type Subscription as NatsSubscription,
  nanos,
  headers as natsHeaders,
} from '@nats-io/transport-node';
import { unauthenticated } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import {
  ensureStream,
  feedStream,
  headerRecord,
  jetstream,
  jetstreamManager,
  type NatsConnection,
  type Patience,
  request,
  subjects,
  untilAnswered,
} from '@yrd/nats';
import { consentV1, feedV1, repeatedOf } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import { batchPlacement, injectTraceContext, messageTrace, SpanKind, withSpan } from '@yrd/telemetry';
import { decode, feedUnavailable, type ProviderFeeds } from '../app/feeds.js';
import type { RequesterFeeds } from '../app/subscriber.js';
import type {
  FeedLog,
  FeedReader,
  ProviderOp,
  PulledBatch,
  RequesterOp,
  SubscriptionLanes,
} from '../app/subscriptions.js';
import { feedToken } from '../domain/subscription.js';

/** The header that marks a stream message holding a FeedRecords (several events) */
const formatHeader = 'Yrd-Feed-Format';
const recordsFormat = 'records';
/** an event's place in the feed: its message's stream sequence × this + its index in the message */
const perMessage = 1000;

/**
 * A publish call's records as stream messages: in order, each message at most `perMessage` events
 * and `maxBytes` (a single larger event goes alone). Its message id names its events, so the same
 * message sent again (a retry after a crash) is known to the stream for its duplicate window.
 */
export function feedMessages(
  token: string,
  records: readonly { eventId: string; bytes: Uint8Array }[],
  maxBytes: number,
): { data: Uint8Array; msgId: string; eventIds: string[] }[] {
  const out: { data: Uint8Array; msgId: string; eventIds: string[] }[] = [];
  let chunk: { eventId: string; bytes: Uint8Array }[] = [];
  let weight = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const eventIds = chunk.map((r) => r.eventId);
    const digest = createHash('sha256').update(eventIds.join('\n')).digest('hex');
    out.push({
      data: repeatedOf(
        1,
        chunk.map((r) => r.bytes),
      ),
      msgId: `${token}:${digest}`,
      eventIds,
    });
    chunk = [];
    weight = 0;
  };
  for (const r of records) {
    // a record's framing costs its tag and length: at most 6 bytes
    const w = r.bytes.length + 6;
    if (chunk.length === perMessage || (chunk.length > 0 && weight + w > maxBytes)) flush();
    chunk.push(r);
    weight += w;
  }
  flush();
  return out;
}

/** The events a stream message holds, each with its place in the feed. */
export function feedEventsOf(m: {
  seq: number;
  data: Uint8Array;
  headers?: { get(k: string): string } | undefined;
}): { seq: number; record: feedV1.FeedRecord }[] {
  if (m.headers?.get(formatHeader) !== recordsFormat) return [{ seq: m.seq, record: feedV1.FeedRecord.decode(m.data) }];
  const { records } = feedV1.FeedRecords.decode(m.data);
  if (records.length > perMessage) throw new Error(`a feed message holds ${records.length} events`);
  return records.map((record, i) => ({ seq: m.seq * perMessage + i, record }));
}

function tokenOf(resourceId: string): string {
  const token = feedToken(resourceId);
  if (!token) throw new Error(`resource ${resourceId} has no feed subject`);
  return token;
}

interface PubAck {
  seq: number;
  duplicate: boolean;
}

/**
 * Publishes a call's events into a stream all at once and waits for each one's PubAck. JetStream's
 * own `publish` is a request per message (its own timer, reply entry and error objects made for
 * their stack traces, about a third of the cost of a publish call); here the acks come back on one
 * reply subscription per connection, `<inbox>.<n>`, and one timer covers the call. All the messages
 * of a call are sent in one trace span, whose context each message carries.
 */
class StreamAppender {
  private readonly inbox = createInbox();
  private sub: NatsSubscription | undefined;
  private last = 0;
  private readonly waiting = new Map<number, (ack: PubAck | Error) => void>();

  constructor(private readonly nc: NatsConnection) {}

  append(subject: string, msgs: readonly { data: Uint8Array; msgId: string }[], timeoutMs: number): Promise<PubAck[]> {
    return withSpan(
      `send ${subject}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'send',
          'messaging.destination.name': subject,
          'messaging.batch.message_count': msgs.length,
        },
      },
      async (span) => {
        const acks = await this.send(subject, msgs, injectTraceContext({}), timeoutMs);
        span.setAttribute('yrd.jetstream.duplicates', acks.filter((a) => a.duplicate).length);
        return acks;
      },
    );
  }

  private send(
    subject: string,
    msgs: readonly { data: Uint8Array; msgId: string }[],
    trace: Record<string, string>,
    timeoutMs: number,
  ): Promise<PubAck[]> {
    this.listen();
    const acks: PubAck[] = new Array(msgs.length);
    const mine: number[] = [];
    return new Promise<PubAck[]>((resolve, reject) => {
      let left = msgs.length;
      const finish = (err?: Error) => {
        clearTimeout(timer);
        for (const n of mine) this.waiting.delete(n);
        if (err) reject(err);
        else resolve(acks);
      };
      const timer = setTimeout(
        () =>
          finish(new Error(`${left} of ${msgs.length} publishes to ${subject} not acknowledged in ${timeoutMs} ms`)),
        timeoutMs,
      );
      for (const [i, m] of msgs.entries()) {
        const n = ++this.last;
        mine.push(n);
        this.waiting.set(n, (ack) => {
          if (ack instanceof Error) return finish(ack);
          acks[i] = ack;
          if (--left === 0) finish();
        });
        const h = natsHeaders();
        for (const [k, v] of Object.entries(trace)) h.set(k, v);
        h.set('Nats-Msg-Id', m.msgId);
        h.set(formatHeader, recordsFormat);
        try {
          this.nc.publish(subject, m.data, { reply: `${this.inbox}.${n}`, headers: h });
        } catch (err) {
          return finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
  }

  /** The one subscription the acks come back on (made again should the connection have closed it). */
  private listen() {
    if (this.sub && !this.sub.isClosed()) return;
    const prefix = `${this.inbox}.`;
    this.sub = this.nc.subscribe(`${prefix}*`, {
      callback: (err, m) => {
        if (err) {
          for (const done of [...this.waiting.values()]) done(err);
          return;
        }
        const done = this.waiting.get(Number(m.subject.slice(prefix.length)));
        if (!done) return;
        // a status from the server (503: no stream listens on the subject) or JetStream's own error
        if (m.headers?.hasError) return done(new Error(`JetStream did not take the event: ${m.headers.code}`));
        try {
          const ack = m.json<{ seq?: number; duplicate?: boolean; error?: { code: number; description: string } }>();
          if (ack.error || typeof ack.seq !== 'number') {
            return done(
              new Error(`JetStream refused the event: ${ack.error?.code ?? ''} ${ack.error?.description ?? ''}`),
            );
          }
          done({ seq: ack.seq, duplicate: ack.duplicate === true });
        } catch (e) {
          done(e instanceof Error ? e : new Error(String(e)));
        }
      },
    });
  }
}

export class JetStreamFeedLog implements FeedLog {
  private readonly stream: string;
  private readonly appender: StreamAppender;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly logger: Logger,
    private readonly opts: {
      retentionDays: number;
      ackWaitMs: number;
      publishTimeoutMs: number;
      /** how long `ensure` asks again while the broker does not answer (default once) */
      patience?: Patience | undefined;
    },
  ) {
    this.stream = feedStream(province);
    this.appender = new StreamAppender(nc);
  }

  async ensure(): Promise<void> {
    await untilAnswered(
      `the feed stream ${this.stream}`,
      () =>
        ensureStream(this.nc, {
          name: this.stream,
          subjects: [subjects.feedAll(this.province)],
          maxAgeDays: this.opts.retentionDays,
        }),
      this.opts.patience,
    );
  }

  async append(resourceId: string, records: readonly { eventId: string; bytes: Uint8Array }[]) {
    const token = tokenOf(resourceId);
    const subject = subjects.feed(this.province, token);
    const msgs = feedMessages(token, records, this.batchBytes());
    try {
      // all in flight at once, each acknowledged
      const acks = await this.appender.append(subject, msgs, this.opts.publishTimeoutMs);
      const appended = new Set<string>();
      for (const [i, m] of msgs.entries()) if (!acks[i]?.duplicate) for (const id of m.eventIds) appended.add(id);
      return { appended };
    } catch (err) {
      throw feedUnavailable(err);
    }
  }

  async open(subscriptionId: string, resourceId: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    await jsm.consumers.add(this.stream, {
      durable_name: subscriptionId,
      filter_subject: subjects.feed(this.province, tokenOf(resourceId)),
      // a subscription starts now: what was published before it is not its to receive
      deliver_policy: DeliverPolicy.New,
      // batches are delivered and acknowledged in stream order: acknowledging a batch's last event
      // acknowledges the batch (one ack instead of one per event)
      ack_policy: AckPolicy.All,
      ack_wait: nanos(this.opts.ackWaitMs),
      max_ack_pending: 10_000,
    });
  }

  async reader(subscriptionId: string): Promise<FeedReader> {
    const consumer = await jetstream(this.nc).consumers.get(this.stream, subscriptionId);
    // consumers made before AckPolicy.All keep acknowledging each event
    const ackAll = (await consumer.info(true)).config.ack_policy === AckPolicy.All;
    return new JetStreamReader(consumer, subscriptionId, this.logger, { ackAll, maxBytes: this.batchBytes() });
  }

  /** What a message or a delivered batch may weigh: half the broker's largest message, so it fits one. */
  private batchBytes(): number {
    return Math.floor((this.nc.info?.max_payload ?? 1024 * 1024) / 2);
  }

  async close(subscriptionId: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    try {
      await jsm.consumers.delete(this.stream, subscriptionId);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return;
      throw err;
    }
  }
}

/**
 * Pulls in order, one batch at a time: wait for the first message, then take at once what the
 * server says is already waiting behind it (up to the batch size in events, and to half the largest
 * message the broker takes, so the delivered batch fits in one). A batch holds whole messages, so
 * one message of a publish call larger than the batch size is a batch of its own. Nothing is
 * prefetched beyond the batch, so a batch that is released comes back first, in stream order.
 */
class JetStreamReader implements FeedReader {
  /** the traces events were published in, by their headers: a publish call's events share one */
  private readonly traces = new Map<string, ReturnType<typeof messageTrace>>();

  constructor(
    private readonly consumer: Consumer,
    private readonly subscriptionId: string,
    private readonly logger: Logger,
    private readonly opts: { ackAll: boolean; maxBytes: number },
  ) {}

  private traceOf(m: JsMsg) {
    const h = m.headers;
    if (!h) return undefined;
    const key = `${h.get('traceparent')} ${h.get('tracestate')}`;
    if (!this.traces.has(key)) {
      if (this.traces.size > 1000) this.traces.clear();
      this.traces.set(key, messageTrace(headerRecord(h)));
    }
    return this.traces.get(key);
  }

  /** undefined: the message cannot be read */
  private eventsOf(m: JsMsg): { seq: number; record: feedV1.FeedRecord }[] | undefined {
    try {
      return feedEventsOf(m);
    } catch {
      return undefined;
    }
  }

  async next(max: number, waitMs: number): Promise<PulledBatch | undefined> {
    const first = await this.consumer.next({ expires: Math.max(1000, waitMs) });
    if (!first) return undefined;
    const msgs: JsMsg[] = [first];
    const firstEvents = this.eventsOf(first);
    // a resource's messages weigh and hold much the same: as many as fit if they are like the first
    const perMsg = Math.max(1, firstEvents?.length ?? 1);
    const fitBytes = Math.floor(this.opts.maxBytes / Math.max(1, first.data.length)) - 1;
    const fitEvents = Math.floor((max - perMsg) / perMsg);
    const more = Math.min(first.info.pending, fitEvents, fitBytes);
    if (more > 0) {
      try {
        for await (const m of await this.consumer.fetch({ max_messages: more, expires: 1000 })) msgs.push(m);
      } catch (err) {
        // what came is delivered; the rest comes with the next batch
        this.logger.debug({ err, subscriptionId: this.subscriptionId }, 'feed fetch ended early');
      }
    }
    // beyond the batch's size or weight they go back at once, to come first in the next batch (the
    // first message is delivered whatever it holds)
    const held = msgs.map((m, i) => (i === 0 ? firstEvents : this.eventsOf(m)));
    let weight = 0;
    let count = 0;
    const over = msgs.findIndex((m, i) => {
      weight += m.data.length;
      count += held[i]?.length ?? 0;
      return i > 0 && (weight > this.opts.maxBytes || count > max);
    });
    if (over > 0) for (const m of msgs.splice(over)) m.nak();
    const events: PulledBatch['events'] = [];
    const kept: JsMsg[] = [];
    for (const [i, m] of msgs.entries()) {
      const h = held[i];
      if (!h) {
        // only this service writes the stream; an unreadable message can never be delivered
        this.logger.error({ seq: m.seq, subject: m.subject }, 'unreadable feed message dropped');
        m.term();
        continue;
      }
      for (const e of h) events.push(e);
      kept.push(m);
    }
    if (kept.length === 0) return undefined;
    const { parent, links } = batchPlacement(kept.map((m) => this.traceOf(m)));
    const subject = kept[0]?.subject ?? '';
    return {
      events,
      ack: async () => {
        if (!this.opts.ackAll) for (const m of kept.slice(0, -1)) m.ack();
        // acks travel in order on one connection: the last one confirmed means all are recorded
        await kept[kept.length - 1]?.ackAck();
      },
      keepAlive: () => {
        for (const m of kept) m.working();
      },
      release: () => {
        for (const m of kept) m.nak();
      },
      within: (work) =>
        withSpan(
          `process ${subject}`,
          {
            kind: SpanKind.CONSUMER,
            parent,
            links,
            attributes: {
              'messaging.system': 'nats',
              'messaging.operation.type': 'process',
              'messaging.destination.name': subject,
              'messaging.consumer.group.name': this.subscriptionId,
              'messaging.batch.message_count': kept.length,
            },
          },
          work,
        ),
    };
  }
}

export class NatsSubscriptionLanes implements SubscriptionLanes {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeouts: { providerMs: number; deliverMs: number },
  ) {}

  toProvider(provider: Province, requester: Province, op: ProviderOp, data: Uint8Array): Promise<Uint8Array> {
    return request(this.nc, subjects.lane(provider, requester, 'exchange', op), data, {
      timeoutMs: this.timeouts.providerMs,
      unavailableCode: 'EXCHANGE.PROVIDER_UNAVAILABLE',
    });
  }

  /** The provider speaks on its lane into the requester: `xchg.<requester>.from.<provider>.exchange.<op>`. */
  toRequester(requester: Province, provider: Province, op: RequesterOp, data: Uint8Array): Promise<Uint8Array> {
    return request(this.nc, subjects.lane(requester, provider, 'exchange', op), data, {
      timeoutMs: this.timeouts.deliverMs,
      unavailableCode: 'EXCHANGE.REQUESTER_UNAVAILABLE',
    });
  }
}

const laneOps = new Set(['subscribe', 'unsubscribe', 'deliver', 'ended']);

/** The subscription ops among the ops that arrive on this province's exchange lanes. */
export class FeedLaneOps {
  constructor(
    private readonly provider: ProviderFeeds,
    private readonly requester: RequesterFeeds,
  ) {}

  handles(op: string | undefined): boolean {
    return op !== undefined && laneOps.has(op);
  }

  /** `from` is the other province, as the lane the broker delivered on names it; never a payload field. */
  async handle(from: string | undefined, op: string | undefined, data: Uint8Array): Promise<Uint8Array> {
    if (!this.handles(op)) throw new Error(`not a subscription op: ${op ?? ''}`);
    if (!isProvince(from))
      throw unauthenticated('EXCHANGE.UNKNOWN_LANE', '请求通道无效 request did not arrive on a member lane');
    // each op's message is decoded here; one that does not parse is refused as EXCHANGE.MALFORMED_REQUEST
    switch (op) {
      case 'subscribe': {
        const reply = await this.provider.subscribe(from, decode(feedV1.SubscribeRequest, data));
        return feedV1.SubscribeReply.encode(reply).finish();
      }
      case 'unsubscribe': {
        const state = await this.provider.unsubscribe(from, decode(feedV1.UnsubscribeRequest, data));
        return feedV1.SubscriptionState.encode(state).finish();
      }
      case 'deliver': {
        // with the bytes as they came: the requester's record hashes them, as the provider's did
        const ack = await this.requester.deliver(from, { message: decode(feedV1.DeliverBatch, data), bytes: data });
        return feedV1.DeliverAck.encode(ack).finish();
      }
      case 'ended': {
        const state = await this.requester.ended(from, decode(feedV1.SubscriptionState, data));
        return feedV1.SubscriptionState.encode(state).finish();
      }
      default:
        throw new Error(`not a subscription op: ${op ?? ''}`);
    }
  }
}

/**
 * Hears this province's revocations as they are announced. Grants are issued by the provider, so
 * a revoked grant under which it delivers is announced here, before the revocation is answered; and
 * it arrives on the same connection as the feed's events, so it is heard before any event published
 * after it can be delivered.
 */
export class RevocationWatch {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly onRevoked: (kind: string, id: string) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(subjects.revocations(this.province), {
      callback: (err, m) => {
        if (err) return;
        try {
          const ev = consentV1.RevocationEvent.decode(m.data);
          this.onRevoked(ev.kind, ev.id);
        } catch {
          this.logger.warn('unreadable revocation event ignored');
        }
      },
    });
    await this.nc.flush();
  }

  stop() {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }
}
