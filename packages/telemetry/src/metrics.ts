/**
 * Prometheus metrics, in the text format at a service's `GET /metrics` on its admin port. Each service
 * keeps its own registry (never prom-client's global one): tests and the demo run the five services of
 * four provinces in one process, and the global registry would mix them (and refuse the second
 * registration of every name). No personal data in names or labels: route templates, subject
 * patterns, codes and states only, so that every label has a small, bounded set of values.
 */
import { createServer, type Server } from 'node:http';
import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A registry whose every metric carries `labels` (the province and the service). */
export function metricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  return registry;
}

/** The registry's metrics as a scrape answer: content type and text. */
export async function scrape(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Latency buckets in seconds, from a cached lookup (1 ms) to a cross-province call near its
 * deadline (10 s).
 */
export const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// The same instrument may be asked for twice on one registry (two apps of one service, a hook and a
// test): the second ask gets the first instrument instead of prom-client's "already registered".

/** The registry's counter `cfg.name`, created on first use. */
export function counter<L extends string>(registry: Registry, cfg: CounterConfiguration<L>): Counter<L> {
  const found = registry.getSingleMetric(cfg.name);
  if (found instanceof Counter) return found as Counter<L>;
  return new Counter({ ...cfg, registers: [registry] });
}

/** The registry's histogram `cfg.name`, created on first use. */
export function histogram<L extends string>(registry: Registry, cfg: HistogramConfiguration<L>): Histogram<L> {
  const found = registry.getSingleMetric(cfg.name);
  if (found instanceof Histogram) return found as Histogram<L>;
  return new Histogram({ buckets: latencyBuckets, ...cfg, registers: [registry] });
}

/** The registry's gauge `cfg.name`, created on first use (a second `collect` is not added). */
export function gauge<L extends string>(registry: Registry, cfg: GaugeConfiguration<L>): Gauge<L> {
  const found = registry.getSingleMetric(cfg.name);
  if (found instanceof Gauge) return found as Gauge<L>;
  return new Gauge({ ...cfg, registers: [registry] });
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export interface AdminServer {
  /** http://host:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The admin listener: `GET /metrics` and nothing else, on its own port. It is a plain node:http
 * server, not the service's fastify app, so it sits outside the bearer check and the edge never
 * proxies it: only who can reach the admin port (the collector, an operator) can scrape.
 */
export async function serveMetrics(registry: Registry, opts: { host?: string; port: number }): Promise<AdminServer> {
  const host = opts.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      const status = path === '/metrics' ? 405 : 404;
      const code = status === 405 ? 'HTTP.METHOD_NOT_ALLOWED' : 'HTTP.ROUTE_NOT_FOUND';
      const detail =
        status === 405
          ? '管理端口只接受 GET /metrics the admin port answers GET /metrics only'
          : '管理端口只有 /metrics the admin port serves /metrics only';
      res.writeHead(status, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: `https://yrd.example/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
          title: code,
          status,
          code,
          detail,
        }),
      );
      return;
    }
    scrape(registry).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        // a collect() that failed: the scrape fails whole, as Prometheus expects, without the cause
        res.writeHead(500, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'https://yrd.example/problems/metrics-failed',
            title: 'METRICS.FAILED',
            status: 500,
            code: 'METRICS.FAILED',
            detail: '指标采集失败 collecting the metrics failed',
          }),
        );
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One sample of a scrape in the text format: name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads the text format (for tests and checks): every sample line, comments skipped. */
export function parseScrape(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * The series names a scrape declares (its `# TYPE` lines), as a query names them: a histogram's
 * `_bucket`, `_sum` and `_count`. A labelled counter nothing has counted yet has no sample, but is
 * declared, so this says which metrics exist whether or not anything happened.
 */
export function scrapedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = m;
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${name}${s}`);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) out.add(`${name}${s}`);
    else out.add(name);
  }
  return out;
}
