/** A closed-loop load generator: `concurrency` workers, each sending its next request when the last returns. */
import { createHistogram } from 'node:perf_hooks';

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
  /**
   * CPU time of this process (user + system) per request while measuring, in µs: what a request
   * costs whatever else the machine runs, where throughput on a shared 2-core machine moves with
   * its neighbours. In the one-process bench that is the four nodes and the load generator.
   */
  cpuUsPerRequest: number;
}

export async function runLoad(
  name: string,
  opts: { concurrency: number; seconds: number; warmupSeconds?: number },
  send: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const loop = async (
    untilMs: number,
    record: boolean,
    h: ReturnType<typeof createHistogram>,
    counts: { ok: number; err: number },
  ) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async (_, w) => {
        while (Date.now() < untilMs) {
          const t0 = process.hrtime.bigint();
          let ok = false;
          try {
            ok = await send(w * 1_000_000 + i++);
          } catch {
            ok = false;
          }
          const ns = process.hrtime.bigint() - t0;
          if (!record) continue;
          if (ok) {
            counts.ok++;
            h.record(ns > 0n ? ns : 1n);
          } else counts.err++;
        }
      }),
    );
  };
  const warm = createHistogram();
  await loop(Date.now() + (opts.warmupSeconds ?? 2) * 1000, false, warm, { ok: 0, err: 0 });
  const h = createHistogram();
  const counts = { ok: 0, err: 0 };
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  await loop(t0 + opts.seconds * 1000, true, h, counts);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (Date.now() - t0) / 1000;
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  return {
    name,
    requests: counts.ok,
    errors: counts.err,
    seconds,
    throughput: Math.round(counts.ok / seconds),
    p50ms: ms(h.percentile(50)),
    p99ms: ms(h.percentile(99)),
    maxms: ms(h.max),
    cpuUsPerRequest: Math.round((cpu.user + cpu.system) / Math.max(1, counts.ok + counts.err)),
  };
}
