/**
 * The exchange bench's load generator, a process of its own (bench/src/exchange.ts forks it): a
 * closed loop of `concurrency` workers over undici (HTTP) or a NATS connection (the raw baseline and
 * the ladder), each sending its next request when the last one returns.
 *
 * For the exchange it behaves as the province's users' clients would: each worker picks a requester
 * (several users of 上海, 江苏 and 安徽, each with their own grant) and a resource, a key from ten
 * thousand records, and sends the user's bearer token. The tokens are short-lived and renewed before
 * they expire: this process plays the province's sign-in service, signing with the province key
 * (`@yrd/auth` signToken, as the dev-token route does) so the region sees new tokens as it would.
 */
import { createHistogram } from 'node:perf_hooks';
import { audiences, loadProvinceKey, type Principal, type ProvinceKey, signToken } from '@yrd/auth';
import { createLogger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type NatsCredentials } from '@yrd/nats';
import type { Province } from '@yrd/region';
import { Agent, request } from 'undici';
import { serveCalls } from './ipc.js';
import { type LadderClientConfig, LadderRequester, type LadderStep, ladderUser, pays } from './ladder.js';

type Jwk = Parameters<typeof loadProvinceKey>[1];

export interface ExchangeTarget {
  edge: string;
  user: Principal;
  resourceId: string;
  /** absent: an unconditional resource, no grant needed */
  grantId?: string;
  keyItem: string;
  /** the item a verification claims */
  claimItem: string;
}

export type Job =
  | { kind: 'raw'; natsUrl: string; credentials: NatsCredentials; subject: string; requestBytes: number }
  | { kind: 'ladder'; step: LadderStep; cfg: LadderClientConfig }
  | {
      kind: 'exchange';
      mode: 'query' | 'verify';
      purpose: string;
      targets: ExchangeTarget[];
      /** per resource: [key value, claim value] of each record */
      keys: Record<string, [string, string][]>;
      /** the province keys of the requesters (this process signs their users' tokens) */
      provinceKeys: Partial<Record<Province, Jwk>>;
      tokenTtlSeconds: number;
    };

export interface LoadStats {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
  /** this process's CPU per request, µs */
  loadgenCpuUs: number;
  /** user tokens signed during the run */
  tokens: number;
  /** the first refusals seen (status and problem code only) */
  firstErrors: string[];
}

const logger = createLogger({ name: 'bench-loadgen', level: 'warn' });
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, pipelining: 1 });
const connections = new Map<string, Promise<NatsConnection>>();
const nats = (url: string, credentials: NatsCredentials) => {
  const id = `${url} ${credentials.user}`;
  let c = connections.get(id);
  if (!c) {
    c = connectProvince({ servers: url, credentials, name: 'bench/loadgen', logger });
    connections.set(id, c);
  }
  return c;
};

let send: (() => Promise<boolean>) | undefined;
let tokensSigned = 0;
let errorsSeen: string[] = [];

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

async function httpPost(url: string, token: string, body: string): Promise<boolean> {
  const r = await request(url, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await r.body.text();
  if (r.statusCode >= 200 && r.statusCode < 300) return true;
  if (errorsSeen.length < 5) {
    let code = '';
    try {
      code = String((JSON.parse(text) as { code?: unknown }).code ?? '');
    } catch {
      // not problem+json
    }
    errorsSeen.push(`${r.statusCode} ${code}`);
  }
  return false;
}

/** User tokens as a client keeps them: one per user, renewed once two thirds of its life are gone. */
class UserTokens {
  private readonly held = new Map<string, { token: Promise<string>; renewAt: number }>();
  private readonly keys = new Map<Province, ProvinceKey>();

  constructor(
    provinceKeys: Partial<Record<Province, Jwk>>,
    private readonly ttlSeconds: number,
  ) {
    for (const [p, jwk] of Object.entries(provinceKeys) as [Province, Jwk][]) this.keys.set(p, loadProvinceKey(p, jwk));
  }

  token(user: Principal): Promise<string> {
    const now = Date.now();
    const hit = this.held.get(user.sub);
    if (hit && hit.renewAt > now) return hit.token;
    const key = this.keys.get(user.province);
    if (!key) throw new Error(`no key for ${user.province}`);
    const token = signToken(key, user, { audience: audiences.user, ttlSeconds: this.ttlSeconds });
    tokensSigned++;
    this.held.set(user.sub, { token, renewAt: now + (this.ttlSeconds * 1000 * 2) / 3 });
    return token;
  }
}

let userTokens: UserTokens | undefined;

async function prepare(job: Job): Promise<void> {
  if (job.kind === 'raw') {
    const nc = await nats(job.natsUrl, job.credentials);
    const data = new Uint8Array(job.requestBytes).fill(0x62);
    send = async () => {
      await nc.request(job.subject, data, { timeout: 5000 });
      return true;
    };
    return;
  }
  if (job.kind === 'ladder') {
    const { cfg, step } = job;
    const key = loadProvinceKey('sh', cfg.shPrivateJwk);
    const userToken = await signToken(key, ladderUser, { audience: audiences.user, ttlSeconds: 3600 });
    if (pays(step, 'http')) {
      const url = `${cfg.httpUrl}/ladder/${step}`;
      send = () => httpPost(url, userToken, JSON.stringify({ key: { booking_no: pick(cfg.keys) } }));
      return;
    }
    const nc = await nats(cfg.natsUrl, cfg.credentials);
    const requester = new LadderRequester(nc, key, cfg.trust, { request: new Uint8Array(cfg.rawRequestBytes) });
    send = async () => {
      await requester.call(step, userToken, pick(cfg.keys));
      return true;
    };
    return;
  }
  // one client per user for the whole bench: tokens outlive a run and are renewed when due
  userTokens ??= new UserTokens(job.provinceKeys, job.tokenTtlSeconds);
  const tokens = userTokens;
  const path = job.mode === 'query' ? '/api/exchange/v1/queries' : '/api/exchange/v1/verifications';
  send = async () => {
    const t = pick(job.targets);
    const [key, claim] = pick(job.keys[t.resourceId] ?? []);
    const body: Record<string, unknown> = { resourceId: t.resourceId, purpose: job.purpose, key: { [t.keyItem]: key } };
    if (t.grantId) body.grantId = t.grantId;
    // one claim in four does not match, as in life
    if (job.mode === 'verify') body.claims = { [t.claimItem]: Math.random() < 0.75 ? claim : `${claim}0` };
    return httpPost(`${t.edge}${path}`, await tokens.token(t.user), JSON.stringify(body));
  };
}

async function run(opts: { concurrency: number; seconds: number }): Promise<LoadStats> {
  const fn = send;
  if (!fn) throw new Error('prepare a job first');
  const h = createHistogram();
  let ok = 0;
  let err = 0;
  tokensSigned = 0;
  errorsSeen = [];
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const until = t0 + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (Date.now() < until) {
        const s = process.hrtime.bigint();
        let good = false;
        try {
          good = await fn();
        } catch (e) {
          if (errorsSeen.length < 5) errorsSeen.push(e instanceof Error ? e.message.slice(0, 200) : String(e));
        }
        const ns = process.hrtime.bigint() - s;
        if (good) {
          ok++;
          h.record(ns > 0n ? ns : 1n);
        } else err++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const seconds = (Date.now() - t0) / 1000;
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  return {
    requests: ok,
    errors: err,
    seconds,
    throughput: Math.round(ok / seconds),
    p50ms: ok ? ms(h.percentile(50)) : 0,
    p99ms: ok ? ms(h.percentile(99)) : 0,
    maxms: ok ? ms(h.max) : 0,
    loadgenCpuUs: Math.round((cpu.user + cpu.system) / Math.max(1, ok + err)),
    tokens: tokensSigned,
    firstErrors: errorsSeen,
  };
}

serveCalls({
  prepare: (job: Job) => prepare(job),
  run: (opts: { concurrency: number; seconds: number }) => run(opts),
  exit: async () => {
    for (const c of connections.values()) await (await c).close().catch(() => undefined);
    await agent.close();
    setImmediate(() => process.exit(0));
  },
});
