/**
 * The audit service's own series, beside the HTTP/gRPC/NATS ones every service has: the log's
 * state, size and append failures and the witness's alarms (operations.ts), how long an event waits
 * between happening and being in the log, and how far the ingestion consumer lags behind the stream.
 */
import { auditStream, type NatsConnection, observeConsumerLag } from '@yrd/nats';
import type { Province } from '@yrd/region';
import { histogram, type Registry } from '@yrd/telemetry';
import type { AuditLog } from '../app/audit-log.js';
import { AUDIT_CONSUMER, type AuditIngest } from './nats.js';
import { logMetrics } from './operations.js';

/** Append lag buckets in seconds: from the same tick to a log that was failed for minutes. */
const lagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function auditMetrics(
  registry: Registry,
  opts: {
    province: Province;
    nc: NatsConnection;
    log: AuditLog;
    ingest: AuditIngest;
    alarms: () => Promise<number>;
    clock: () => Date;
  },
): void {
  logMetrics(registry, { log: opts.log, alarms: opts.alarms });
  const lag = histogram(registry, {
    name: 'yrd_audit_append_lag_seconds',
    help: 'Time from an audit event happening (its occurred_at) to its append to the log',
    buckets: lagBuckets,
  });
  opts.ingest.onAppended = (events) => {
    const now = opts.clock().getTime();
    for (const ev of events) {
      const at = Date.parse(ev.occurredAt);
      // an event's clock may run a little ahead of this one: a negative lag is counted as none
      if (Number.isFinite(at)) lag.observe(Math.max(0, now - at) / 1000);
    }
  };
  observeConsumerLag(registry, opts.nc, {
    stream: auditStream(opts.province),
    consumer: AUDIT_CONSUMER,
    label: AUDIT_CONSUMER,
  });
}
