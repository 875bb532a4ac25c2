/**
 * Where one request spends its time: runs `n` requests one after another with tracing on and
 * aggregates the spans (HTTP at the edge and the service, NATS both sides, gRPC calls) by name.
 */
import { InMemorySpanExporter, initTelemetry } from '@yrd/telemetry';

export interface SpanStat {
  span: string;
  count: number;
  p50ms: number;
  p90ms: number;
}

export async function traceBreakdown(
  n: number,
  send: () => Promise<boolean>,
): Promise<{ stats: SpanStat[]; traces: number }> {
  const exporter = new InMemorySpanExporter();
  initTelemetry({ serviceName: 'yrd-bench', exporter });
  for (let i = 0; i < 5; i++) await send();
  await new Promise((r) => setTimeout(r, 300));
  exporter.reset();
  for (let i = 0; i < n; i++) await send();
  await new Promise((r) => setTimeout(r, 500));
  const spans = exporter.getFinishedSpans();
  const byName = new Map<string, number[]>();
  for (const s of spans) {
    const service = s.attributes['yrd.service'];
    const name = service ? `${s.name} (${String(service)})` : s.name;
    byName.set(name, [...(byName.get(name) ?? []), s.duration[0] * 1e3 + s.duration[1] / 1e6]);
  }
  const pct = (v: number[], q: number) =>
    Math.round((v[Math.min(v.length - 1, Math.floor(v.length * q))] ?? 0) * 100) / 100;
  const stats = [...byName]
    .map(([span, v]) => {
      v.sort((a, b) => a - b);
      return { span, count: v.length, p50ms: pct(v, 0.5), p90ms: pct(v, 0.9) };
    })
    .sort((a, b) => b.p50ms - a.p50ms);
  return { stats, traces: new Set(spans.map((s) => s.spanContext().traceId)).size };
}
