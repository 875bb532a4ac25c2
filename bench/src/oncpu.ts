/**
 * On-CPU sampling of the whole machine with Linux `perf` (`BENCH_PERF`): where the CPU goes while
 * the bench runs, by process, and inside the Node processes by the package of the nearest
 * JavaScript frame (the nodes run with `--perf-basic-prof`, so perf can name V8's generated code).
 *
 * The inspector's profile (`BENCH_PROFILE`) samples one thread on the wall clock: a thread that is
 * runnable but not running — preempted inside a system call that woke another process, which on
 * two cores shared by a dozen busy processes is most of them — still counts as busy in the frame it
 * stopped in. perf counts samples on a CPU only, so the shares of all processes add up to the
 * machine, and a system call weighs what it costs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { areaOfUrl } from './flame.js';

/** Node flags that let perf name JavaScript frames: a map of generated code, interpreted frames too. */
export const perfNodeFlags = ['--perf-basic-prof', '--interpreted-frames-native-stack'];

const hz = 499;

/** Why perf cannot sample the machine here (not installed, not permitted), or undefined when it can. */
export function perfUnusable(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-perf-check-'));
  try {
    const r = spawnSync('perf', ['record', '-a', '-g', '-o', join(dir, 'check.data'), '--', 'true'], {
      encoding: 'utf8',
    });
    if (r.error) return `perf is not installed (${r.error.message})`;
    if (r.status !== 0) return `perf record failed: ${(r.stderr ?? '').trim().split('\n')[0] ?? `exit ${r.status}`}`;
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Samples every CPU into `file`, with call chains, until `stop()`: perf writes the recording when
 * it is interrupted (and then ends by the same signal).
 */
export function startOnCpu(file: string): { stop(): Promise<void> } {
  const p = spawn('perf', ['record', '-a', '-g', '-F', String(hz), '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const ended = new Promise<void>((resolve, reject) => {
    p.once('error', reject);
    p.once('exit', (code, signal) =>
      code === 0 || signal === 'SIGINT' ? resolve() : reject(new Error(`perf record: exit ${code}: ${err.trim()}`)),
    );
  });
  return {
    stop: () => {
      p.kill('SIGINT');
      return ended;
    },
  };
}

interface PerfFrame {
  sym: string;
  dso: string;
}

/** perf script's samples: `comm pid` then one frame a line (`addr sym (dso)`), innermost first. */
function* samplesOf(text: string): Generator<{ comm: string; pid: number; frames: PerfFrame[] }> {
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.length > 0);
    const head = lines[0];
    if (!head) continue;
    const m = /^(.*\S)\s+(\d+)\s*$/.exec(head);
    if (!m?.[1] || !m[2]) continue;
    const frames: PerfFrame[] = [];
    for (const l of lines.slice(1)) {
      const f = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/.exec(l);
      if (f?.[1] !== undefined && f[2] !== undefined) frames.push({ sym: f[1], dso: f[2] });
    }
    yield { comm: m[1], pid: Number(m[2]), frames };
  }
}

/** `JS:*name file:line:col` (perf-basic-prof) → the area its code lives in, as flame.ts names them. */
function jsArea(sym: string): string {
  const url = sym
    .replace(/^JS:[*~^+]?/, '')
    .replace(/^\S*\s/, '')
    .replace(/(:\d+)+$/, '');
  return url ? areaOfUrl(url, 2) : '(JavaScript, elsewhere)';
}

const gcFrame = /Scaveng|MarkCompact|ConcurrentMarking|Sweeper|Heap::CollectGarbage|MinorMark|IncrementalMarking/;

/** Where a Node process's sample belongs: the nearest JavaScript frame's area, or what ran without one. */
function nodeArea(frames: readonly PerfFrame[]): string {
  for (const f of frames) if (f.sym.startsWith('JS:')) return jsArea(f.sym);
  if (frames.some((f) => gcFrame.test(f.sym))) return '(garbage collector)';
  if (frames[0]?.dso.includes('kernel')) return '(kernel, outside JavaScript)';
  return '(V8 and Node natives, outside JavaScript)';
}

/** A frame's name in the flame graph: JavaScript as flame.ts writes it, kernel frames marked. */
function frameName(f: PerfFrame): string {
  if (f.sym.startsWith('JS:')) {
    const [fn = '', ...rest] = f.sym.replace(/^JS:[*~^+]?/, '').split(' ');
    const where = rest
      .join(' ')
      .replace(/^file:\/\//, '')
      .replace(/^.*node_modules\//, '~/')
      .replace(/^\/.*?\/((services|packages|apps|bench)\/)/, '$1')
      .replace(/:\d+$/, '');
    return `${fn || '(anonymous)'} ${where}`;
  }
  if (f.dso.includes('kernel')) return `[k] ${f.sym}`;
  return f.sym === '[unknown]' ? `(${f.dso.split('/').pop() ?? 'unknown'})` : f.sym;
}

export interface OnCpuReport {
  samples: number;
  /** per cent of all samples by process (as named by the caller, else by command) */
  processes: [string, number][];
  /** the named Node processes' samples, per cent of all */
  node: number;
  /** per cent of the named Node processes' samples, by area */
  nodeAreas: [string, number][];
  /** folded stacks, the process outermost */
  folded: Map<string, number>;
}

/**
 * Reads a perf recording: `named` gives the processes the bench knows (pid → name); those named
 * Node processes are split by area. Samples of other processes are named by their command
 * (`swapper` is the idle CPU).
 */
export function readOnCpu(
  file: string,
  named: ReadonlyMap<number, string>,
  nodePids: ReadonlySet<number>,
): OnCpuReport {
  return onCpuOf(perfScript(file), named, nodePids);
}

/** A recording's samples as `perf script` prints them, the fields `onCpuOf` reads. */
export function perfScript(file: string): string {
  const r = spawnSync('perf', ['script', '-i', file, '-F', 'comm,pid,ip,sym,dso'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`perf script: exit ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  return r.stdout;
}

/** Shares as the sections print them: "js's node 31.1, PostgreSQL 25.9, …" */
export const shareList = (xs: readonly [string, number][]): string => xs.map(([k, v]) => `${k} ${v}`).join(', ');

/** The report of `perf script -F comm,pid,ip,sym,dso` output (see `readOnCpu`). */
export function onCpuOf(
  script: string,
  named: ReadonlyMap<number, string>,
  nodePids: ReadonlySet<number>,
): OnCpuReport {
  const processes = new Map<string, number>();
  const areas = new Map<string, number>();
  const folded = new Map<string, number>();
  let samples = 0;
  let nodeSamples = 0;
  for (const s of samplesOf(script)) {
    samples++;
    const who =
      named.get(s.pid) ??
      (s.comm === 'swapper' ? '(idle)' : s.comm === 'postgres' ? 'PostgreSQL' : s.comm.replace(/\/\d+$/, ''));
    processes.set(who, (processes.get(who) ?? 0) + 1);
    if (nodePids.has(s.pid)) {
      nodeSamples++;
      const a = nodeArea(s.frames);
      areas.set(a, (areas.get(a) ?? 0) + 1);
    }
    const stack = [who, ...s.frames.map(frameName).reverse()].join(';');
    folded.set(stack, (folded.get(stack) ?? 0) + 1);
  }
  const share = (v: number, of: number) => Math.round((1000 * v) / Math.max(1, of)) / 10;
  const pct = (m: Map<string, number>, top: number, of: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]): [string, number] => [k, share(v, of)]);
  return {
    samples,
    processes: pct(processes, 10, samples),
    node: share(nodeSamples, samples),
    nodeAreas: pct(areas, 16, nodeSamples),
    folded,
  };
}

/** Removes the code maps `--perf-basic-prof` wrote for these processes (they grow for a process's life). */
export function removePerfMaps(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      unlinkSync(`/tmp/perf-${pid}.map`);
    } catch {
      // none written
    }
  }
}
