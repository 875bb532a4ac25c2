/**
 * JetStream ingestion: every service of the province publishes its audit events on `audit.P.<kind>`
 * into the province's AUDIT_P stream; the durable pull consumer `audit-log` appends them in order.
 * Delivery is at least once; the log dedupes by event id, so each event is in the log exactly once.
 * An event is acknowledged only once it is in the log: while the log cannot append, JetStream keeps
 * the events and hands them out again, later each time (backoff up to 30 s), and nothing is lost.
 *
 * The trace goes on through the stream: each event's append is a CONSUMER span whose parent is the
 * send span its publisher wrote into the message headers, so the trace of an exchange holds the
 * append in its province's log. Events are appended a batch at a time, and one span cannot have
 * several parents, so each event has its own span, lasting from the start of its batch's append to
 * its ack (or nak, or term); the batch itself runs in the only event's span when it holds one event,
 * and in no span otherwise (a batch of many traces belongs to none of them).
 */
import { AckPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import {
  auditStream,
  ensureStream,
  headerRecord,
  jetstream,
  jetstreamManager,
  type NatsConnection,
  subjects,
} from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import {
  context,
  messageTrace,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  tracer,
} from '@yrd/telemetry';
import type { AuditLog } from '../app/audit-log.js';
import type { LogHealth, LogState } from '../app/log-health.js';

export const AUDIT_CONSUMER = 'audit-log';
/** messages taken together (a message holds one event, or a publisher's batch of up to 200) */
const BATCH = 200;
/** events appended in one go at most (whole messages: one may take it a little over) */
const MAX_EVENTS_PER_APPEND = 2000;

/** A message and the events it carries, each with its CONSUMER span. */
interface Decoded {
  m: JsMsg;
  events: { ev: auditV1.AuditEvent; span: Span }[];
}

/** Runs `fn` in `span`'s context, or in none. */
const within = <T>(span: Span | undefined, fn: () => T): T =>
  context.with(span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT, fn);
const TICK = Symbol('tick');
const nextTick = () => new Promise<typeof TICK>((r) => setImmediate(() => r(TICK)));

export class AuditIngest {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly log: AuditLog,
    private readonly logger: Logger,
    /** the first redelivery delay after a failed append; it doubles with each failure in a row */
    private readonly retryDelayMs = 1000,
    /** the longest redelivery delay */
    private readonly retryMaxMs = 30_000,
  ) {}

  /** failed appends in a row (0 after a success): the redelivery delay grows with it */
  private failures = 0;

  /** told of the events each batch appended, duplicates left out (the append-lag metric) */
  onAppended: ((events: auditV1.AuditEvent[]) => void) | undefined;

  /** How long JetStream waits before handing failed events out again. */
  get retryDelay(): number {
    if (this.failures === 0) return 0;
    return Math.min(this.retryMaxMs, this.retryDelayMs * 2 ** Math.min(this.failures - 1, 20));
  }

  async start(): Promise<void> {
    const stream = auditStream(this.province);
    await ensureStream(this.nc, { name: stream, subjects: [subjects.auditAll(this.province)] });
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(stream, AUDIT_CONSUMER);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: AUDIT_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: 30_000_000_000,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(stream, AUDIT_CONSUMER);
    const messages = await consumer.consume({ max_messages: 500 });
    this.messages = messages;
    this.loop = (async () => {
      // what the consumer has buffered is appended together: wait for one message, then take those
      // already behind it (without waiting) up to a batch
      const it = messages[Symbol.asyncIterator]();
      let pending = it.next();
      for (;;) {
        const first = await pending;
        if (first.done) return;
        pending = it.next();
        const batch: JsMsg[] = [first.value];
        while (batch.length < BATCH) {
          const more = await Promise.race([pending, nextTick()]);
          if (more === TICK) break;
          if (more.done) break;
          batch.push(more.value);
          pending = it.next();
        }
        await this.appendBatch(batch);
      }
    })().catch((err) => this.logger.error({ err }, 'audit consumer stopped'));
  }

  /**
   * One CONSUMER span per event, continuing the trace its publisher sent it in: the message's
   * headers for an event that came alone, its entry's for one that came in a batch.
   */
  private processSpan(m: JsMsg, sent: Record<string, string>, batchSize: number, kind?: string): Span {
    // named by the event's own subject, as its send span is, whether it came alone or in a batch
    return tracer().startSpan(
      `process ${kind === undefined ? m.subject : subjects.audit(this.province, kind)}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.destination.name': m.subject,
          'messaging.consumer.group.name': AUDIT_CONSUMER,
          'messaging.batch.message_count': batchSize,
          'yrd.jetstream.seq': m.seq,
          'yrd.jetstream.redelivered': m.redelivered,
        },
      },
      messageTrace(sent)?.context ?? ROOT_CONTEXT,
    );
  }

  /** The events a message carries: one, or an AuditEventBatch's (see @yrd/audit-events). */
  private eventsOf(m: JsMsg): { ev: auditV1.AuditEvent; sent: Record<string, string> }[] {
    if (m.subject !== subjects.auditBatch(this.province)) {
      return [{ ev: auditV1.AuditEvent.decode(m.data), sent: headerRecord(m.headers) }];
    }
    return auditV1.AuditEventBatch.decode(m.data).events.map((e) => ({
      ev: e.event ?? auditV1.AuditEvent.fromPartial({}),
      sent: { traceparent: e.traceparent, ...(e.tracestate ? { tracestate: e.tracestate } : {}) },
    }));
  }

  private async appendBatch(batch: JsMsg[]) {
    // the messages that decoded with their events, in order; each message is acked once all of its
    // events are in the log (or dropped as invalid)
    const decoded: Decoded[] = [];
    for (const m of batch) {
      try {
        const events = this.eventsOf(m);
        decoded.push({
          m,
          events: events.map((e) => ({ ev: e.ev, span: this.processSpan(m, e.sent, events.length, e.ev.kind) })),
        });
      } catch (err) {
        const span = this.processSpan(m, headerRecord(m.headers), batch.length);
        within(span, () =>
          this.logger.error({ err, subject: m.subject, seq: m.seq }, 'undecodable audit event dropped'),
        );
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'AUDIT.UNDECODABLE' });
        m.term();
        span.end();
      }
    }
    // a few thousand events per append at most, whole messages each time
    let group: Decoded[] = [];
    let size = 0;
    for (const d of decoded) {
      if (group.length > 0 && size + d.events.length > MAX_EVENTS_PER_APPEND) {
        await this.appendGroup(group);
        group = [];
        size = 0;
      }
      group.push(d);
      size += d.events.length;
    }
    if (group.length > 0) await this.appendGroup(group);
  }

  private async appendGroup(group: Decoded[]) {
    const events = group.flatMap((d) => d.events);
    try {
      const results = await within(events.length === 1 ? events[0]?.span : undefined, () =>
        this.log.appendMany(events.map((e) => e.ev)),
      );
      results.forEach((r, i) => {
        const e = events[i];
        if (!e || !('invalid' in r)) return;
        within(e.span, () =>
          this.logger.error({ eventId: e.ev.eventId, reason: r.invalid }, 'invalid audit event dropped'),
        );
        e.span.setStatus({ code: SpanStatusCode.ERROR, message: 'AUDIT.INVALID_EVENT' });
      });
      // a message of one invalid event is terminated, as before; any other is acknowledged: its valid
      // events are in the log, its invalid ones dropped and logged (nothing to redeliver)
      let at = 0;
      for (const d of group) {
        const mine = results.slice(at, at + d.events.length);
        at += d.events.length;
        const [only] = mine;
        if (mine.length === 1 && only && 'invalid' in only) d.m.term();
        else d.m.ack();
      }
      this.onAppended?.(
        events
          .filter((_e, i) => {
            const r = results[i];
            return r !== undefined && !('invalid' in r) && !r.duplicate;
          })
          .map((e) => e.ev),
      );
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const delay = this.retryDelay;
      // the log's health says it once at error level (service.ts); each retry is only a debug line
      const e = asAppError(err);
      this.logger.debug(
        { code: e.code, events: events.length, delay },
        'appending audit events failed; redelivery later',
      );
      for (const ev of events) ev.span.setStatus({ code: SpanStatusCode.ERROR, message: e.code });
      for (const d of group) d.m.nak(delay);
    } finally {
      for (const ev of events) ev.span.end();
    }
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    this.messages = undefined;
    this.loop = undefined;
  }
}

const encoder = new TextEncoder();

/**
 * Announces the log's state to the province's own services (its exchange refuses while the log is
 * failed: services/exchange/src/adapters/audit-state.ts) on every change and as a heartbeat, so an
 * exchange started later, or one that missed a change, learns it within a beat. Core NATS: the state
 * is only ever the current one, and a lost message is repaired by the next beat.
 */
export class AuditStateAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly health: LogHealth,
    private readonly logger: Logger,
    private readonly beatMs = 2000,
  ) {}

  start(): void {
    this.unwatch = this.health.onChange((s) => this.announce(s));
    this.announce(this.health.current());
    this.timer = setInterval(() => this.announce(this.health.current()), this.beatMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unwatch?.();
    // no goodbye: a stopped audit service loses nothing (JetStream keeps the events), so the exchange
    // keeps serving on the last state it heard
  }

  private announce(state: LogState): void {
    try {
      this.nc.publish(
        subjects.auditState(this.province),
        encoder.encode(JSON.stringify({ ...state, beatMs: this.beatMs })),
      );
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'audit log state not announced');
    }
  }
}
