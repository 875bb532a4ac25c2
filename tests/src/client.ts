/** A small HTTP client for the journeys: tokens per seed user, JSON in and out, problems as data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '@yrd/logger';
import { generateRegionSecrets, type Region, startRegion } from '@yrd/node';
import { type Province, provinces } from '@yrd/region';

export interface Response<T = Record<string, unknown>> {
  status: number;
  body: T;
  contentType: string;
}

export class RegionClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly region: Region) {}

  url(p: Province) {
    return this.region.nodes[p].url;
  }

  /** A seed user's bearer token, issued by the user's own province (dev mode). */
  async token(user: string): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const p = provinces.find((x) => user.startsWith(`${x}-`));
    if (!p) throw new Error(`cannot tell the province of ${user}`);
    const r = await this.call(p, 'POST', '/api/auth/v1/dev-token', { body: { user } });
    if (r.status !== 200) throw new Error(`no token for ${user}: ${JSON.stringify(r.body)}`);
    const t = String(r.body.token);
    this.tokens.set(user, t);
    return t;
  }

  async as<T = Record<string, unknown>>(
    user: string,
    p: Province,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    return this.call<T>(p, method, path, {
      body,
      headers: { authorization: `Bearer ${await this.token(user)}`, ...headers },
    });
  }

  async call<T = Record<string, unknown>>(
    p: Province,
    method: string,
    path: string,
    opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Response<T>> {
    const hasBody = opts.body !== undefined || opts.raw !== undefined;
    const res = await fetch(`${this.url(p)}${path}`, {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
      ...(hasBody ? { body: opts.raw ?? JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : {}) as T,
    };
  }
}

/** Polls until `check` returns a value (eventual consistency), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The four-province region on its seeds, in memory on random ports, for one test file. */
export async function startSeededRegion(
  name: string,
  opts: { logger?: Logger; consoleDir?: string; suites?: Parameters<typeof generateRegionSecrets>[0] } = {},
): Promise<{ region: Region; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `yrd-e2e-${name}-`));
  const region = await startRegion({
    logger: opts.logger ?? silentLogger(),
    dataDir: dir,
    inMemory: true,
    // each province's crypto suite (default ed25519-sha256), chosen with its key
    ...(opts.suites ? { secrets: generateRegionSecrets(opts.suites) } : {}),
    ports: 'random',
    devMode: true,
    seed: true,
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
  });
  return {
    region,
    stop: async () => {
      await region.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
