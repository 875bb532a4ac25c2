/**
 * What an operator sees of the audit log's health: /healthz and gRPC health (through runService's
 * health hook), one error line when the log fails and a reminder at most every minute while it stays
 * failed, and the log's Prometheus series (scraped at GET /metrics on the service's admin port).
 */
import type { Logger } from '@yrd/logger';
import type { ServiceHealth } from '@yrd/runtime';
import { Counter, Gauge, type Registry } from '@yrd/telemetry';
import type { AuditLog } from '../app/audit-log.js';
import { type LogHealth, type LogState, logFailureCodes } from '../app/log-health.js';

export const LOG_FAILED = 'AUDIT.LOG_FAILED';

/** The log's health as the service's: unhealthy (AUDIT.LOG_FAILED) while the log is failed. */
export function serviceHealthOf(health: LogHealth): ServiceHealth {
  return {
    unhealthy: () => {
      const s = health.current();
      if (s.status === 'ok') return undefined;
      return {
        code: LOG_FAILED,
        detail: `审计日志无法写入，本省已停止数据交换 the audit log cannot append; this province refuses exchanges: ${s.code} ${s.message}`,
        about: { log: s },
      };
    },
    onChange: (listener) => health.onChange(() => listener()),
  };
}

/**
 * Tells the operator: one error line when the log fails (not one per retry), a reminder at most every
 * `remindMs` while it stays failed, and an info line when it recovers.
 */
export class LogHealthReporter {
  private reminder: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly health: LogHealth,
    private readonly logger: Logger,
    private readonly remindMs = 60_000,
  ) {}

  start(): void {
    this.unwatch = this.health.onChange((s) => this.changed(s));
    // a start that found the log failed says so too
    if (this.health.current().status === 'failed') this.changed(this.health.current());
  }

  stop(): void {
    this.unwatch?.();
    this.clearReminder();
  }

  private changed(s: LogState): void {
    this.clearReminder();
    if (s.status === 'ok') {
      this.logger.info('audit log appends again; exchanges resume');
      return;
    }
    this.logger.error(
      { code: s.code, since: s.since, reason: s.message },
      'audit log failed: this province refuses exchanges until it appends again',
    );
    this.reminder = setInterval(() => {
      const now = this.health.current();
      if (now.status === 'failed')
        this.logger.error({ code: now.code, since: now.since, reason: now.message }, 'audit log still failed');
    }, this.remindMs);
    this.reminder.unref();
  }

  private clearReminder(): void {
    if (this.reminder) clearInterval(this.reminder);
    this.reminder = undefined;
  }
}

/**
 * The log's state, size and append failures, and the witness's alarms, in the service's registry.
 * They were once answered at GET /metrics on the public port; now the admin port serves the whole
 * registry (packages/runtime), out of the edge's reach.
 */
export function logMetrics(registry: Registry, opts: { log: AuditLog; alarms: () => Promise<number> }): void {
  const { log } = opts;
  new Gauge({
    name: 'yrd_audit_log_failed',
    help: 'Whether the audit log is failed (1) with this code; the province refuses exchanges while it is',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      const s = log.health.current();
      for (const code of logFailureCodes) this.set({ code }, s.status === 'failed' && s.code === code ? 1 : 0);
      if (s.status === 'failed' && !(logFailureCodes as readonly string[]).includes(s.code))
        this.set({ code: s.code }, 1);
    },
  });
  new Gauge({
    name: 'yrd_audit_log_size',
    help: 'Records in the audit log',
    registers: [registry],
    collect() {
      this.set(log.size);
    },
  });
  let counted = 0;
  new Counter({
    name: 'yrd_audit_append_failures_total',
    help: 'Appends to the audit log that failed or were refused',
    registers: [registry],
    collect() {
      const n = log.appendFailures;
      if (n > counted) this.inc(n - counted);
      counted = n;
    },
  });
  new Gauge({
    name: 'yrd_audit_witness_alarms',
    help: "Alarms this province's witness raised about the other provinces' logs",
    registers: [registry],
    async collect() {
      this.set(await opts.alarms());
    },
  });
}
