/**
 * JetStream ingestion: every service of the province publishes its audit events on `audit.P.<kind>`
 * into the province's AUDIT_P stream; the durable pull consumer `audit-log` appends them in order.
 * Delivery is at least once; the log dedupes by event id, so each event is in the log exactly once.
 * An event is acknowledged only once it is in the log: while the log cannot append, JetStream keeps
 * the events and hands them out again, later each time (backoff up to 30 s), and nothing is lost.
 *
 * Events JetStream sent to a consumer that stopped or crashed before appending them come back after
 * the consumer's ack wait: that is how long a restarted service's log lags behind what it missed, so
 * it is short (5 s), and while an append takes longer, the events taken and not yet answered (its
 * batch and those queued behind it) are said to be still in work, so none is handed out twice.
 *
 * The trace goes on through the stream: each event's append is a CONSUMER span whose parent is the
 * send span its publisher wrote into the message headers, so the trace of an exchange holds the
 * append in its province's log. Events are appended a batch at a time, and one span cannot have
 * several parents, so each event has its own span, lasting from the start of its batch's append to
 * its ack (or nak, or term); the batch itself runs in the only event's span when it holds one event,
 * and in no span otherwise (a batch of many traces belongs to none of them).
 */
import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
} from '@nats-io/jetstream';
import { delay, nanos } from '@nats-io/transport-node';
import { asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import {
  auditStream,
  ensureStream,
  headerRecord,
  jetstream,
  jetstreamManager,
  type NatsConnection,
  type Patience,
  subjects,
  untilAnswered,
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
import { LOG_INGEST_STOPPED, type LogHealth, type LogState } from '../app/log-health.js';

export const AUDIT_CONSUMER = 'audit-log';
const BATCH = 200;
/** the default ack wait: how soon events a stopped or crashed consumer held are handed out again */
export const AUDIT_ACK_WAIT_MS = 5000;

export interface AuditIngestOptions {
  /** the first redelivery delay after a failed append; it doubles with each failure in a row (1 s) */
  retryDelayMs?: number;
  /** the longest redelivery delay (30 s) */
  retryMaxMs?: number;
  /** how long JetStream waits for an event's ack before handing it out again (AUDIT_ACK_WAIT_MS) */
  ackWaitMs?: number;
  /** how long `start` asks again for the stream and the consumer while the broker does not answer (once) */
  patience?: Patience | undefined;
}
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

export class AuditIngest {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  /** events taken from JetStream and not yet acked, naked or termed */
  private readonly held = new Set<JsMsg>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly log: AuditLog,
    private readonly logger: Logger,
    opts: AuditIngestOptions = {},
  ) {
    this.retryDelayMs = opts.retryDelayMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.ackWaitMs = opts.ackWaitMs ?? AUDIT_ACK_WAIT_MS;
    this.patience = opts.patience;
  }

  private readonly patience: Patience | undefined;

  private readonly retryDelayMs: number;
  private readonly retryMaxMs: number;
  private readonly ackWaitMs: number;

  /** failed appends in a row (0 after a success): the redelivery delay grows with it */
  private failures = 0;

  /** told of the events each batch appended, duplicates left out (the append-lag metric) */
  onAppended: ((events: auditV1.AuditEvent[]) => void) | undefined;

  /** How long JetStream waits before handing failed events out again. */
  get retryDelay(): number {
    return this.failures === 0 ? 0 : this.backoff(this.failures);
  }

  /**
   * Makes sure the stream and the durable consumer exist (the consumer with this service's ack wait),
   * then takes events until `stop()`. Should the consumer go away while the service runs (deleted by
   * hand, or with its stream), it is made again and taking goes on: what it had not acknowledged is
   * handed out again and the log skips the events it already has. It never stops silently.
   */
  async start(): Promise<void> {
    await untilAnswered('the audit stream and its consumer', () => this.prepare(), this.patience);
    this.running = true;
    this.keepAlive = setInterval(() => {
      for (const m of this.held) m.working();
    }, this.ackWaitMs / 2);
    this.keepAlive.unref();
    this.loop = this.supervise().catch((err) => {
      // the log no longer grows with what the province does: the province stops exchanging (fail
      // closed) until the service is restarted, and the health reporter says so at error level
      this.logger.error({ err }, 'audit consumer stopped');
      this.log.health.fail(
        LOG_INGEST_STOPPED,
        `审计事件接收已停止，须重启审计服务 audit events are no longer taken in; restart the audit service: ${(err as Error)?.message ?? String(err)}`,
      );
    });
  }

  private running = false;

  private async prepare(): Promise<void> {
    const stream = auditStream(this.province);
    await ensureStream(this.nc, { name: stream, subjects: [subjects.auditAll(this.province)] });
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    const ackWait = nanos(this.ackWaitMs);
    let existing: ConsumerInfo | undefined;
    try {
      existing = await jsm.consumers.info(stream, AUDIT_CONSUMER);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    if (!existing) {
      await jsm.consumers.add(stream, {
        durable_name: AUDIT_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: ackWait,
      });
    } else if (existing.config.ack_wait !== ackWait) {
      // a consumer made by an earlier version (30 s) or with another setting takes this one's
      await jsm.consumers.update(stream, AUDIT_CONSUMER, { ack_wait: ackWait });
    }
  }

  private async supervise(): Promise<void> {
    // losses in a row: each waits longer before the consumer is made again, so a consumer that cannot
    // be opened is not retried in a tight loop; a subscription that lasted resets it
    let losses = 0;
    while (this.running) {
      const since = Date.now();
      const lost = await this.take();
      if (!this.running) return;
      if (this.nc.isClosed()) throw new Error('the NATS connection is closed');
      losses = Date.now() - since >= this.retryMaxMs ? 1 : losses + 1;
      // the consumer (or its stream) went away, or could not be opened: nothing is taken until then
      this.logger.warn({ reason: lost, losses }, 'audit consumer gone; making it again');
      if (losses > 1) await delay(this.backoff(losses - 1));
      for (let attempts = 1; this.running; attempts++) {
        try {
          await this.prepare();
          break;
        } catch (err) {
          const waitMs = this.backoff(attempts);
          this.logger.error({ err, delay: waitMs }, 'audit consumer could not be made again; retrying');
          await delay(waitMs);
        }
      }
    }
  }

  /** the n-th delay of a retry: the first delay, doubling up to the cap */
  private backoff(n: number): number {
    return Math.min(this.retryMaxMs, this.retryDelayMs * 2 ** Math.min(n - 1, 20));
  }

  /**
   * One consumer subscription, until `stop()` or until the consumer is found gone (the reason is
   * returned then). The reader takes events off the consumer as they come; the appender appends what
   * has queued since its last append, up to a batch: the slower an append, the larger the next
   * (group commit).
   */
  private async take(): Promise<string> {
    let messages: ConsumerMessages;
    try {
      const consumer = await jetstream(this.nc).consumers.get(auditStream(this.province), AUDIT_CONSUMER);
      messages = await consumer.consume({ max_messages: 500 });
    } catch (err) {
      // gone again since it was made, or JetStream not answering: made and opened again after a pause
      return `not opened: ${(err as Error).message}`;
    }
    this.messages = messages;
    // stopped while the subscription was being made
    if (!this.running) messages.stop();
    let lost: string | undefined;
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
          lost = s.type;
          messages.stop();
          return;
        }
      }
    })();
    const queue: JsMsg[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const reader = (async () => {
      for await (const m of messages) {
        this.held.add(m);
        queue.push(m);
        wake?.();
      }
    })().finally(() => {
      ended = true;
      wake?.();
    });
    const appender = (async () => {
      for (;;) {
        if (queue.length === 0) {
          if (ended) return;
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          // those already behind the first event join its batch
          await nextTurn();
          continue;
        }
        await this.appendBatch(queue.splice(0, BATCH));
      }
    })().catch((err) => {
      // nothing appends any more: stop taking events and stop keeping those taken, so JetStream
      // hands them to the next start instead of holding them for a consumer that does nothing
      this.running = false;
      clearInterval(this.keepAlive);
      messages.stop();
      throw err;
    });
    const [read, appended] = await Promise.allSettled([reader, appender]);
    if (appended.status === 'rejected') throw appended.reason;
    // the subscription failed (not a stop): taken again like a consumer gone
    if (read.status === 'rejected') return lost ?? `failed: ${(read.reason as Error)?.message ?? read.reason}`;
    return lost ?? 'ended';
  }

  /** One CONSUMER span per event, continuing the trace its publisher sent it in. */
  private processSpan(m: JsMsg, batchSize: number): Span {
    const sent = messageTrace(headerRecord(m.headers));
    return tracer().startSpan(
      `process ${m.subject}`,
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
      sent?.context ?? ROOT_CONTEXT,
    );
  }

  private async appendBatch(batch: JsMsg[]) {
    const spans = batch.map((m) => this.processSpan(m, batch.length));
    const within = <T>(span: Span | undefined, fn: () => T): T =>
      context.with(span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT, fn);
    const decoded: { m: JsMsg; ev: auditV1.AuditEvent; span: Span | undefined }[] = [];
    batch.forEach((m, i) => {
      const span = spans[i];
      try {
        decoded.push({ m, ev: auditV1.AuditEvent.decode(m.data), span });
      } catch (err) {
        within(span, () =>
          this.logger.error({ err, subject: m.subject, seq: m.seq }, 'undecodable audit event dropped'),
        );
        span?.setStatus({ code: SpanStatusCode.ERROR, message: 'AUDIT.UNDECODABLE' });
        m.term();
        span?.end();
      }
    });
    try {
      const results = await within(decoded.length === 1 ? decoded[0]?.span : undefined, () =>
        this.log.appendMany(decoded.map((d) => d.ev)),
      );
      results.forEach((r, i) => {
        const d = decoded[i];
        if (!d) return;
        if ('invalid' in r) {
          within(d.span, () =>
            this.logger.error({ eventId: d.ev.eventId, reason: r.invalid }, 'invalid audit event dropped'),
          );
          d.span?.setStatus({ code: SpanStatusCode.ERROR, message: 'AUDIT.INVALID_EVENT' });
          d.m.term();
        } else d.m.ack();
      });
      this.onAppended?.(
        decoded
          .filter((_d, i) => {
            const r = results[i];
            return r !== undefined && !('invalid' in r) && !r.duplicate;
          })
          .map((d) => d.ev),
      );
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const delay = this.retryDelay;
      // the log's health says it once at error level (service.ts); each retry is only a debug line
      const e = asAppError(err);
      this.logger.debug(
        { code: e.code, events: decoded.length, delay },
        'appending audit events failed; redelivery later',
      );
      for (const d of decoded) {
        d.span?.setStatus({ code: SpanStatusCode.ERROR, message: e.code });
        d.m.nak(delay);
      }
    } finally {
      for (const d of decoded) d.span?.end();
      for (const m of batch) this.held.delete(m);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    await this.loop;
    clearInterval(this.keepAlive);
    this.messages = undefined;
    this.loop = undefined;
    this.keepAlive = undefined;
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
