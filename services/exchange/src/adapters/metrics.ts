/**
 * The exchange's own series: every exchange step it records, by province pair, mode and outcome,
 * its refusals by code, and how far the feed consumers (one per subscription) lag behind FEED_<P>.
 *
 * Exchanges are counted where their audit records are published: each step of an exchange — asked
 * (`exchange.query.requested`), served (`exchange.query.served`), a subscription made or ended, a
 * feed batch — is recorded exactly once, allowed or refused (app/trail.ts refusalOnRecord records
 * every refusal), so counting the records counts the exchanges without a second bookkeeping in the
 * use cases. Only the record's kind, provinces, outcome and code become labels: never the subject,
 * the user, the resource or the request.
 */
import type { AuditFailure, AuditSink } from '@yrd/audit-events';
import { feedStream, type NatsConnection, observeConsumerLag } from '@yrd/nats';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { counter, type Registry } from '@yrd/telemetry';

export function exchangeMetrics(
  registry: Registry,
  opts: { province: Province; nc: NatsConnection; audit: AuditSink },
): AuditSink {
  observeConsumerLag(registry, opts.nc, { stream: feedStream(opts.province), label: 'feeds' });
  return countExchanges(registry, opts.audit);
}

/** The audit sink `audit`, counting each exchange step it is handed into `registry`. */
export function countExchanges(registry: Registry, audit: AuditSink): AuditSink {
  const exchanges = counter(registry, {
    name: 'yrd_exchanges_total',
    help: 'Exchange steps recorded, by requester and provider province, mode, step and outcome (allow, deny, error, ok)',
    labelNames: ['requester_province', 'provider_province', 'mode', 'step', 'outcome'],
  });
  const refusals = counter(registry, {
    name: 'yrd_exchange_refusals_total',
    help: 'Exchange steps refused (deny) or failed (error), by stable code, mode and step',
    labelNames: ['code', 'mode', 'step', 'outcome'],
  });
  const count = (ev: auditV1.AuditEvent) => {
    // exchange.<mode>.<step>; what else the exchange records (exchange.source.*: a data source
    // configured by an administrator) is not an exchange between provinces
    const m = /^exchange\.(query|verify|subscribe|feed)\.([a-z]+)$/.exec(ev.kind);
    if (!m) return;
    const [, mode = '', step = ''] = m;
    exchanges.inc({
      requester_province: ev.requesterProvince,
      provider_province: ev.providerProvince,
      mode,
      step,
      outcome: ev.outcome,
    });
    if (ev.outcome === 'deny' || ev.outcome === 'error')
      refusals.inc({ code: ev.code, mode, step, outcome: ev.outcome });
  };
  return {
    publish: (ev: auditV1.AuditEvent, onFailure?: AuditFailure) => {
      // counted whether or not the record could be made: the exchange step happened either way
      count(ev);
      return audit.publish(ev, onFailure);
    },
  };
}
