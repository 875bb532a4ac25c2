/**
 * This province's audit log state, as its audit service announces it on `auditlog.P.state` (on every
 * change and as a heartbeat; services/audit/src/adapters/nats.ts). The exchange fails closed on it:
 * while the log cannot append, this province neither sends nor serves an exchange, nor delivers or
 * takes in a subscription's events (503 EXCHANGE.AUDIT_UNAVAILABLE).
 *
 * An audit service never heard from (not started yet, or in another process that is down) does not
 * stop the exchange: the audit events wait, durably, in the province's JetStream stream, and are
 * appended when it comes. Only a log that said it cannot append stops the exchange, until it says it
 * can again; a failed log that then goes silent keeps the exchange refusing (it never said it recovered).
 */
import { type AppError, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type NatsConnection, subjects } from '@yrd/nats';
import type { Province } from '@yrd/region';
import type { AuditGate } from '../app/exchange.js';

const decoder = new TextDecoder();

interface Announced {
  status: 'ok' | 'failed';
  code?: string;
  message?: string;
  since?: string;
}

export class AuditLogState implements AuditGate {
  private sub: { unsubscribe(): void } | undefined;
  private state: Announced | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(subjects.auditState(this.province), {
      callback: (err, m) => {
        if (err) return;
        let s: Announced;
        try {
          s = JSON.parse(decoder.decode(m.data)) as Announced;
        } catch {
          this.logger.debug({ subject: m.subject }, 'unreadable audit log state ignored');
          return;
        }
        if (s.status !== 'ok' && s.status !== 'failed') return;
        const was = this.state?.status;
        this.state = s;
        if (s.status !== was) {
          if (s.status === 'failed')
            this.logger.warn({ code: s.code, since: s.since }, 'audit log failed: exchanges refused until it recovers');
          else if (was) this.logger.info('audit log appends again: exchanges resume');
        }
      },
    });
    await this.nc.flush();
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  refusal(): AppError | undefined {
    const s = this.state;
    if (s?.status !== 'failed') return undefined;
    return unavailable(
      'EXCHANGE.AUDIT_UNAVAILABLE',
      `${this.province} 省审计日志无法写入，暂停数据交换 the audit log of ${this.province} cannot append (${s.code ?? 'unknown'} since ${s.since ?? '?'}), so it neither sends nor serves exchanges`,
      { details: { province: this.province, auditCode: s.code ?? '', since: s.since ?? '' } },
    );
  }
}
