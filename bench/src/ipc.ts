/**
 * The exchange bench's processes talk over Node's IPC channel: the parent calls a named command in
 * a child and waits for its answer. Small and typed at the call site; nothing here is on the path
 * that is measured (the children measure, the parent only starts and stops them).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

interface Call {
  id: number;
  cmd: string;
  args: unknown;
}
interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

type Handler = (args: never) => unknown;

/** In a child: answers the parent's calls with `handlers`. */
export function serveCalls(handlers: Record<string, Handler>): void {
  const send = (a: Answer) => process.send?.(a);
  process.on('message', (m: Call) => {
    const handler = handlers[m.cmd];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown command ${m.cmd}`);
        send({ id: m.id, ok: true, result: await (handler as (args: unknown) => unknown)(m.args) });
      } catch (err) {
        send({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
    })();
  });
  // the parent gone, nothing is left to do here
  process.on('disconnect', () => process.exit(0));
}

export class Child {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly process: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    opts: { env?: NodeJS.ProcessEnv; execArgv?: string[]; stdoutFile?: string },
  ) {
    const out = opts.stdoutFile ? openSync(opts.stdoutFile, 'a') : 'ignore';
    this.process = fork(script, [], {
      execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])],
      env: opts.env ?? process.env,
      stdio: ['ignore', out, 'inherit', 'ipc'],
    });
    if (typeof out === 'number') closeSync(out);
    this.process.on('message', (a: Answer) => {
      const w = this.waiting.get(a.id);
      if (!w) return;
      this.waiting.delete(a.id);
      if (a.ok) w.resolve(a.result);
      else w.reject(new Error(`${name}: ${a.error ?? 'failed'}`));
    });
    this.exited = new Promise((done) => {
      this.process.once('exit', (code, signal) => {
        for (const w of this.waiting.values()) w.reject(new Error(`${name} exited (${code ?? signal})`));
        this.waiting.clear();
        done();
      });
    });
  }

  call<T>(cmd: string, args?: unknown): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, cmd, args: args ?? null } satisfies Call);
    });
  }

  /** Asks the child to end (its `exit` command), then waits; SIGKILL after `ms`. */
  async stop(ms = 30_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
    try {
      await this.call('exit').catch(() => undefined);
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** CPU time (user + system, all threads) a process has used so far, in µs, from /proc. */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / 100;
  } catch {
    return 0;
  }
}

/** Read and write system calls a process has made so far (all threads), from /proc/<pid>/io. */
export function syscalls(pid: number): { reads: number; writes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
    return { reads: field('syscr'), writes: field('syscw') };
  } catch {
    return { reads: 0, writes: 0 };
  }
}
