/**
 * What deploy/observability holds, read for the tests: the metric names the Grafana dashboard's
 * queries use, and the admin ports the collector scrapes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../../deploy/observability/', import.meta.url));

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(`${folder}grafana-dashboard.json`, 'utf8')) as Dashboard;
}

/** Every query of the dashboard, with its panel's title. */
export function dashboardQueries(d: Dashboard = dashboard()): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) out.push({ panel: p.title ?? '', expr: t.expr ?? '' });
      walk(p.panels ?? []);
    }
  };
  walk(d.panels);
  return out;
}

/** Our metrics all start with one of these prefixes (transport names are the standard ones). */
const metricName = /\b(?:yrd|http_server|grpc_server)_[a-z0-9_]+\b/g;

/** The metric names a query uses. */
export function metricsOf(expr: string): string[] {
  return [...new Set(expr.match(metricName) ?? [])];
}

/** Every metric name the dashboard's queries use. */
export function dashboardMetricNames(d: Dashboard = dashboard()): Set<string> {
  return new Set(dashboardQueries(d).flatMap((q) => metricsOf(q.expr)));
}

/** The admin ports the collector's Prometheus receiver scrapes. */
export function collectorScrapePorts(): number[] {
  const text = readFileSync(`${folder}otel-collector.yaml`, 'utf8');
  // one target per line, in either quoting (biome formats the file with double quotes)
  return [...text.matchAll(/- targets: \[\s*["'][^"']*:(\d+)["']\s*\]/g)].map((m) => Number(m[1]));
}
