import { describe, expect, it } from 'vitest';
import { onCpuOf } from './oncpu.js';

/** `perf script -F comm,pid,ip,sym,dso`: a sample is `comm pid`, then its frames, innermost first. */
const script = [
  // the region (pid 100): a library's JavaScript under Node's own
  `node 100 
\t         15a3ce5 Builtins_LoadIC_Megamorphic (/usr/bin/node)
\t    7fc6d84f2965 JS:*publish /work/main/node_modules/@nats-io/nats-core/lib/protocol.js:756:12 (/tmp/perf-100.map)
\t    7fc6d84ba158 JS:*processTicksAndRejections node:internal/process/task_queues:67:35 (/tmp/perf-100.map)
\t          9069e1 node::NodeMainInstance::Run (/usr/bin/node)`,
  // the project's code, interpreted
  `node 100 
\t    7fc6d84f2000 JS:~handle file:///work/main/services/exchange/src/app/exchange.ts:1:4288 (/tmp/perf-100.map)
\t          9069e1 node::NodeMainInstance::Run (/usr/bin/node)`,
  // a Node module's JavaScript in the kernel
  `node 100 
\tffffffff8223df91 do_syscall_64 ([kernel.kallsyms])
\t    7fc6d84f1000 JS:*writeGeneric node:internal/stream_base_commons:148:22 (/tmp/perf-100.map)`,
  // the collector, on a V8 thread of the same process
  `node 100 
\t          cbb670 v8::internal::ScavengerCollector::CollectGarbage (/usr/bin/node)
\t          cbb000 v8::internal::Heap::CollectGarbage (/usr/bin/node)`,
  // the kernel with no JavaScript above it (epoll)
  `node 100 
\tffffffff81000130 ep_poll ([kernel.kallsyms])
\t          14c05fb uv__io_poll (/usr/bin/node)`,
  `postgres 300 
\t          5b1a00 base_yyparse (/usr/lib/postgresql/15/bin/postgres)`,
  `swapper 0 
\tffffffff81000130 default_idle ([kernel.kallsyms])`,
  `nats-server 200 
\t          4a1a00 runtime.futex (/usr/sbin/nats-server)`,
].join('\n\n');

describe('on-CPU report of a perf recording', () => {
  const r = onCpuOf(
    `${script}\n\n`,
    new Map([
      [100, 'region'],
      [200, 'nats-server'],
    ]),
    new Set([100]),
  );

  it('counts every sample once, by process; the idle CPU and PostgreSQL by their commands', () => {
    expect(r.samples).toBe(8);
    expect(Object.fromEntries(r.processes)).toEqual({
      region: 62.5,
      PostgreSQL: 12.5,
      '(idle)': 12.5,
      'nats-server': 12.5,
    });
    expect(r.node).toBe(62.5);
  });

  it("splits the region's samples by the nearest JavaScript frame, else by what ran without one", () => {
    expect(Object.fromEntries(r.nodeAreas)).toEqual({
      '@nats-io/nats-core': 20,
      'services/exchange': 20,
      'node:internal/stream_base_commons': 20,
      '(garbage collector)': 20,
      '(kernel, outside JavaScript)': 20,
    });
  });

  it('folds stacks outermost first under the process, naming frames as the flame graphs do', () => {
    const stacks = [...r.folded.keys()];
    expect(stacks).toContain(
      'region;node::NodeMainInstance::Run;processTicksAndRejections node:internal/process/task_queues:67;publish ~/@nats-io/nats-core/lib/protocol.js:756;Builtins_LoadIC_Megamorphic',
    );
    expect(stacks).toContain('region;node::NodeMainInstance::Run;handle services/exchange/src/app/exchange.ts:1');
    expect(stacks).toContain('region;writeGeneric node:internal/stream_base_commons:148;[k] do_syscall_64');
    expect([...r.folded.values()].reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('reads an empty recording as no samples', () => {
    const empty = onCpuOf('', new Map(), new Set());
    expect(empty.samples).toBe(0);
    expect(empty.processes).toEqual([]);
    expect(empty.nodeAreas).toEqual([]);
  });
});
