/**
 * Prometheus metrics, in the text format at a service's `GET /metrics`. Each service keeps its own
 * registry (never prom-client's global one): tests and the demo run several services, of several
 * provinces, in one process. No personal data in names or labels: counts and states only.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export { Counter, Gauge, Registry };

/** A registry whose every metric carries `labels` (e.g. the province). */
export function metricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  return registry;
}

/** The registry's metrics as a scrape answer: content type and text. */
export async function scrape(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
