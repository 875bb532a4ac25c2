/**
 * Request/reply and JetStream helpers that every service uses. Trace context crosses NATS in the
 * message headers; failures travel as `Nats-Service-Error` / `Nats-Service-Error-Code` headers plus
 * the platform's stable code and kind, so the caller rebuilds the same AppError.
 */

import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  type Subscription,
} from '@nats-io/transport-node';
import { AppError, asAppError, fromWire, statusFor, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import {
  type Counter,
  counter,
  extractTraceContext,
  gauge,
  type Histogram,
  histogram,
  injectTraceContext,
  type Registry,
  SpanKind,
  withSpan,
} from '@yrd/telemetry';
import { unlessBrokerDown } from './health.js';
import { clusterUnavailable, timedOut } from './patience.js';

const CODE = 'Yrd-Error-Code';
const KIND = 'Yrd-Error-Kind';

export interface Incoming {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

export type Handler = (msg: Incoming) => Promise<Uint8Array>;

function headerRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const k of h.keys()) out[k.toLowerCase()] = h.get(k);
  return out;
}

function tracedHeaders(extra?: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  const carrier = injectTraceContext({});
  for (const [k, v] of Object.entries({ ...carrier, ...(extra ?? {}) })) h.set(k, v);
  return h;
}

interface NatsMetrics {
  handled: Counter<'subject' | 'outcome'>;
  duration: Histogram<'subject' | 'outcome'>;
}

/** Each connection's registry (a service has its own connection); set by `observeNats`. */
const registries = new WeakMap<NatsConnection, NatsMetrics>();

/**
 * Counts the requests `serve` handles on this connection into `registry`: by the subscription's
 * subject pattern (`xchg.zj.from.*.>`), never the subject a message arrived on, which may carry
 * ids; and by outcome (`ok` or the error's stable code).
 */
export function observeNats(nc: NatsConnection, registry: Registry): void {
  registries.set(nc, {
    handled: counter(registry, {
      name: 'yrd_nats_requests_handled_total',
      help: 'NATS requests served, by subscription subject pattern and outcome (ok or the stable error code)',
      labelNames: ['subject', 'outcome'],
    }),
    duration: histogram(registry, {
      name: 'yrd_nats_request_duration_seconds',
      help: 'Time to answer a NATS request, by subscription subject pattern and outcome',
      labelNames: ['subject', 'outcome'],
    }),
  });
}

/**
 * Serves `subject` (with a queue group so replicas share load). A handler's AppError becomes an
 * error reply; anything else is logged and answered as INTERNAL without detail.
 */
export function serve(
  nc: NatsConnection,
  subject: string,
  opts: { queue?: string; logger: Logger; spanName?: string },
  handler: Handler,
): Subscription {
  const sub = nc.subscribe(subject, { ...(opts.queue ? { queue: opts.queue } : {}) });
  void (async () => {
    for await (const m of sub) {
      void handleOne(m, opts, handler).then((outcome) => {
        const metrics = registries.get(nc);
        if (!metrics) return;
        const labels = { subject, outcome: outcome.code };
        metrics.handled.inc(labels);
        metrics.duration.observe(labels, (performance.now() - outcome.start) / 1000);
      });
    }
  })();
  return sub;
}

async function handleOne(
  m: Msg,
  opts: { logger: Logger; spanName?: string },
  handler: Handler,
): Promise<{ code: string; start: number }> {
  const start = performance.now();
  let code = 'ok';
  const parent = extractTraceContext(headerRecord(m.headers));
  await withSpan(
    opts.spanName ?? `nats ${m.subject}`,
    {
      kind: SpanKind.SERVER,
      parent,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': m.subject },
    },
    async () => {
      try {
        const out = await handler({ subject: m.subject, data: m.data, headers: m.headers });
        m.respond(out);
      } catch (err) {
        const e = asAppError(err);
        code = e.code;
        if (e.kind === 'internal') opts.logger.error({ err, subject: m.subject }, 'nats handler failed');
        const status = statusFor(e.kind).http;
        // a 503 status on an empty reply is how NATS says "no responders": the requester would see
        // that instead of this error, so an unavailable error goes without a status line (our
        // requesters read the code and kind headers below, not the status)
        const h = status === 503 ? natsHeaders() : natsHeaders(status, e.exposesMessage ? e.message : 'internal error');
        h.set(CODE, e.code);
        h.set(KIND, e.kind);
        h.set('Nats-Service-Error', e.exposesMessage ? e.message : 'internal error');
        h.set('Nats-Service-Error-Code', String(status));
        if (e.reasons.length > 0) h.set('Yrd-Error-Reasons', JSON.stringify(e.reasons));
        if (e.exposesMessage && e.details) h.set('Yrd-Error-Details', JSON.stringify(e.details));
        m.respond(new Uint8Array(), { headers: h });
      }
    },
  );
  return { code, start };
}

export interface RequestOptions {
  timeoutMs: number;
  /** the code to raise when nobody answers or the answer is late */
  unavailableCode: string;
  /** the error to raise while the broker is known down (default: `unavailableCode`, saying so) */
  brokerDown?: () => AppError;
  headers?: Record<string, string>;
}

/** Sends a request and returns the reply body; rebuilds a remote AppError; never hangs. */
export async function request(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  opts: RequestOptions,
): Promise<Uint8Array> {
  return withSpan(
    `nats request ${subject}`,
    { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
    async () => {
      let reply: Msg;
      try {
        // while the broker is known down, nothing can answer: refuse at once instead of at the timeout
        reply = await unlessBrokerDown(
          nc,
          () => nc.request(subject, data, { timeout: opts.timeoutMs, headers: tracedHeaders(opts.headers) }),
          opts.brokerDown ??
            (() =>
              unavailable(
                opts.unavailableCode,
                `消息服务器连接中断，请稍后重试 the broker is unreachable; nothing was sent on ${subject}`,
              )),
        );
      } catch (err) {
        throw mapRequestError(err, subject, opts.unavailableCode);
      }
      const h = reply.headers;
      const code = h?.get(CODE);
      if (code) {
        const reasons = h?.get('Yrd-Error-Reasons');
        const details = h?.get('Yrd-Error-Details');
        throw fromWire(
          code,
          h?.get(KIND) ?? 'internal',
          h?.get('Nats-Service-Error') ?? code,
          reasons ? JSON.parse(reasons) : [],
          details ? (JSON.parse(details) as Record<string, unknown>) : undefined,
        );
      }
      if (h?.hasError) {
        // a status reply from the server itself (e.g. 503 no responders)
        throw unavailable(opts.unavailableCode, `无人应答 no answer on ${subject} (${h.code})`, {
          cause: new Error(h.description),
        });
      }
      return reply.data;
    },
  );
}

function mapRequestError(err: unknown, subject: string, code: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RequestError && err.isNoResponders()) {
    return unavailable(code, `无人应答 no responders on ${subject}`, { cause: err });
  }
  if (err instanceof NoRespondersError)
    return unavailable(code, `无人应答 no responders on ${subject}`, { cause: err });
  if (timedOut(err)) {
    return unavailable(code, `应答超时 timed out waiting on ${subject}`, { cause: err });
  }
  // the client library's own message may name servers and sockets: the log has it through `cause`
  return unavailable(code, `请求失败，请稍后重试 the request on ${subject} failed; retry later`, { cause: err });
}

export interface ConsumerLagTarget {
  stream: string;
  /** one durable consumer; absent: every consumer of the stream, summed (e.g. one per subscription) */
  consumer?: string;
  /** the `consumer` label: a fixed name, never a per-subscription id */
  label: string;
}

/** Each registry's consumers to report, read by the one gauge's collect(). */
const lagTargets = new WeakMap<Registry, { nc: NatsConnection; target: ConsumerLagTarget }[]>();

/**
 * JetStream consumer lag in `registry`: messages not yet delivered (`pending`) and delivered but
 * not yet acknowledged (`ack_pending`), asked of the server at each scrape. A scrape waits at most
 * `timeoutMs` for the server; a failed or late answer leaves the series out of that scrape and is
 * counted in `yrd_jetstream_consumer_info_errors_total`, so the scrape itself never fails on it.
 */
export function observeConsumerLag(
  registry: Registry,
  nc: NatsConnection,
  target: ConsumerLagTarget,
  timeoutMs = 1000,
): void {
  const targets = lagTargets.get(registry) ?? [];
  lagTargets.set(registry, [...targets, { nc, target }]);
  if (targets.length > 0) return;
  // the scrape asks every metric at once: the error count waits for this scrape's answers, so a
  // failure shows in the same scrape (the gauge is registered first and starts asking first)
  let asking: Promise<void> = Promise.resolve();
  gauge(registry, {
    name: 'yrd_jetstream_consumer_messages',
    help: 'JetStream consumer lag: messages pending delivery (pending) or acknowledgement (ack_pending)',
    labelNames: ['stream', 'consumer', 'state'],
    async collect() {
      this.reset();
      asking = Promise.all(
        (lagTargets.get(registry) ?? []).map(async ({ nc: conn, target: t }) => {
          try {
            const { pending, ackPending } = await withTimeout(consumerLag(conn, t), timeoutMs);
            this.set({ stream: t.stream, consumer: t.label, state: 'pending' }, pending);
            this.set({ stream: t.stream, consumer: t.label, state: 'ack_pending' }, ackPending);
          } catch {
            errors.inc({ stream: t.stream, consumer: t.label });
          }
        }),
      ).then(() => undefined);
      await asking;
    },
  });
  const errors = counter(registry, {
    name: 'yrd_jetstream_consumer_info_errors_total',
    help: 'Consumer lag the broker did not report in time at a scrape, by stream and consumer',
    labelNames: ['stream', 'consumer'],
    async collect() {
      await asking;
    },
  });
}

async function consumerLag(nc: NatsConnection, t: ConsumerLagTarget): Promise<{ pending: number; ackPending: number }> {
  const jsm = await jetstreamManager(nc);
  if (t.consumer) {
    const info = await jsm.consumers.info(t.stream, t.consumer);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }
  let pending = 0;
  let ackPending = 0;
  for await (const info of jsm.consumers.list(t.stream)) {
    pending += info.num_pending;
    ackPending += info.num_ack_pending;
  }
  return { pending, ackPending };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Ensures the province's audit stream exists (idempotent). In a super-cluster (federation.ts),
 * `replicas` and `placement` come from `streamSettings`: R3 on the province's own cluster.
 */
export async function ensureStream(
  nc: NatsConnection,
  cfg: {
    name: string;
    subjects: string[];
    maxAgeDays?: number;
    replicas?: number;
    placement?: { cluster: string };
  },
): Promise<'created' | 'updated' | 'unchanged' | 'unverified'> {
  // no account check first: it asks the meta group too, and a province cut off from the region must
  // get as far as its own stream (below)
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const config = {
    name: cfg.name,
    subjects: cfg.subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: 2 * 60 * 1_000_000_000,
    max_age: (cfg.maxAgeDays ?? 0) * 24 * 3600 * 1_000_000_000,
    ...(cfg.replicas ? { num_replicas: cfg.replicas } : {}),
    ...(cfg.placement ? { placement: { cluster: cfg.placement.cluster, tags: [] } } : {}),
  };
  let current: StreamConfig | undefined;
  try {
    current = (await jsm.streams.info(cfg.name)).config;
  } catch (err) {
    // JetStream's meta group spans the region in a super-cluster: a province cut off from the
    // majority can neither look a stream up nor change one, yet its services must start again on the
    // streams they have. They go on unverified: appends to a stream that is not there are refused
    // (no responders), and the audit trail fails closed on that, as it does on any refused append.
    if (clusterUnavailable(err)) return 'unverified';
    // only a stream that is not there is made; any other failure (no answer) is the caller's
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
  if (!current) {
    try {
      await jsm.streams.add(config);
    } catch (err) {
      // cut off, the server may also say a stream it cannot look up is not there
      if (clusterUnavailable(err)) return 'unverified';
      throw err;
    }
    return 'created';
  }
  if (sameStream(current, config)) return 'unchanged';
  await jsm.streams.update(cfg.name, config);
  return 'updated';
}

/** Whether the stream already has everything asked of it (the server fills in the rest). */
function sameStream(
  current: StreamConfig,
  want: Pick<StreamConfig, 'subjects' | 'retention' | 'storage' | 'duplicate_window' | 'max_age'> & {
    num_replicas?: number;
    placement?: { cluster: string };
  },
): boolean {
  const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort().join('\n');
  return (
    sorted(current.subjects) === sorted(want.subjects) &&
    current.retention === want.retention &&
    current.storage === want.storage &&
    current.duplicate_window === want.duplicate_window &&
    current.max_age === want.max_age &&
    (want.num_replicas === undefined || current.num_replicas === want.num_replicas) &&
    (want.placement === undefined || current.placement?.cluster === want.placement.cluster)
  );
}

/**
 * Publishes to JetStream and waits for the server's ack; `msgId` deduplicates retries. The send is
 * a PRODUCER span whose context travels in the message headers: whoever consumes the message later
 * continues the trace from it (`messageTrace` in @yrd/telemetry).
 */
export async function publishDurable(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  msgId: string,
): Promise<{ seq: number; duplicate: boolean }> {
  return withSpan(
    `send ${subject}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': subject,
      },
    },
    async (span) => {
      const ack = await js.publish(subject, data, { msgID: msgId, headers: tracedHeaders() });
      span.setAttribute('yrd.jetstream.duplicate', ack.duplicate);
      return { seq: ack.seq, duplicate: ack.duplicate };
    },
  );
}

export { headerRecord, jetstream, jetstreamManager };
