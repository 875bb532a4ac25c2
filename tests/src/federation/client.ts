/** HTTP to the provinces' edges (each on its users' link): tokens per seed user, JSON in and out. */
import { type Province, provinces } from '@yrd/region';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** how long the call took, ms */
  ms: number;
}

export class FederationClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly edges: Record<Province, string>) {}

  async call<T = Record<string, unknown>>(
    p: Province,
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Answer<T>> {
    const t0 = performance.now();
    const res = await fetch(`${this.edges[p]}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, ms };
  }

  /** A seed user's token, from the user's own province (dev mode). */
  async token(user: string): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const p = provinces.find((x) => user.startsWith(`${x}-`));
    if (!p) throw new Error(`cannot tell the province of ${user}`);
    const r = await this.call<{ token?: string }>(p, 'POST', '/api/auth/v1/dev-token', { body: { user } });
    if (r.status !== 200 || !r.body.token) throw new Error(`no token for ${user}: ${JSON.stringify(r.body)}`);
    this.tokens.set(user, r.body.token);
    return r.body.token;
  }

  async as<T = Record<string, unknown>>(
    user: string,
    p: Province,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return this.call<T>(p, method, path, {
      body,
      headers: { authorization: `Bearer ${await this.token(user)}`, ...headers },
    });
  }
}

/** Polls `check` until it returns a value, or fails after `ms` saying what it waited for. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/**
 * Sends a probe every `everyMs`, each on its own (one that hangs does not hold the next back), until
 * one is answered as `ok` says; then waits for those sent before it. Returns the earliest probe that
 * was ok (when it was sent, since the start, and its answer) and every probe's answer.
 */
export async function firstProbe<T>(
  what: string,
  send: (i: number) => Promise<T>,
  ok: (answer: T) => boolean,
  o: { everyMs?: number; withinMs?: number } = {},
): Promise<{ sentAt: number; answer: T; all: { sentAt: number; answer: T }[] }> {
  const t0 = performance.now();
  const probes: Promise<{ sentAt: number; answer: T }>[] = [];
  const settled: { sentAt: number; answer: T }[] = [];
  for (let i = 0; ; i++) {
    const sentAt = performance.now() - t0;
    if (sentAt > (o.withinMs ?? 60_000)) throw new Error(`${what}: not within ${o.withinMs ?? 60_000} ms`);
    probes.push(
      send(i).then((answer) => {
        const p = { sentAt, answer };
        settled.push(p);
        return p;
      }),
    );
    await new Promise((r) => setTimeout(r, o.everyMs ?? 250));
    const hit = settled.find((p) => ok(p.answer));
    if (hit) {
      const all = await Promise.all(probes);
      const first = all.filter((p) => ok(p.answer)).sort((a, b) => a.sentAt - b.sentAt)[0] ?? hit;
      return { ...first, all };
    }
  }
}
