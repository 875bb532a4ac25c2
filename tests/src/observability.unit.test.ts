import { defaultPorts, provinces } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import { collectorScrapePorts, dashboard, dashboardMetricNames, dashboardQueries, metricsOf } from './observability.js';

describe('deploy/observability', () => {
  it('the collector scrapes every admin port of the four provinces, and nothing else', () => {
    const expected = provinces.flatMap((p) => Object.values(defaultPorts(p).admin));
    expect(expected).toHaveLength(24);
    expect([...collectorScrapePorts()].sort()).toEqual([...expected].sort());
  });

  it('the dashboard has a Prometheus datasource variable and a province variable', () => {
    const vars = dashboard().templating.list;
    expect(vars).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(vars).toContainEqual(expect.objectContaining({ name: 'province', type: 'query' }));
  });

  it('every query names one of our metrics and filters by the province variable', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) {
      expect(metricsOf(q.expr), q.panel).not.toEqual([]);
      expect(q.expr, q.panel).toContain('province=~"$province"');
    }
  });

  it('covers the series issue 12 asks for', () => {
    const names = dashboardMetricNames();
    for (const n of [
      'http_server_requests_total',
      'http_server_request_duration_seconds_bucket',
      'grpc_server_handled_total',
      'yrd_nats_requests_handled_total',
      'yrd_exchanges_total',
      'yrd_exchange_refusals_total',
      'yrd_http_problems_total',
      'yrd_audit_append_lag_seconds_bucket',
      'yrd_audit_log_size',
      'yrd_audit_witness_alarms',
      'yrd_jetstream_consumer_messages',
      'yrd_consent_applications_pending',
      'yrd_consent_applications_overdue',
    ]) {
      expect(names, n).toContain(n);
    }
  });
});
