/**
 * What an integration test of a service needs, made once: a temporary folder, a real nats-server
 * with the province accounts (random port), province keys with their trust list, and `deps(p)`
 * that hands out a ServiceDeps with its own NATS connection and an in-memory PGlite. `close()`
 * undoes all of it, last made first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  type ProvinceKey,
  signToken,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { type DatabaseHandle, openDatabase } from '@yrd/db';
import { silentLogger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type RunningNats, startNatsServer } from '@yrd/nats';
import { generateSubjectKeyring, type Province, provinces, type ServiceName, SubjectRefs } from '@yrd/region';
import type { ServiceDeps } from '@yrd/runtime';
import { metricsRegistry } from '@yrd/telemetry';

/** A service's HTTP reply as a test reads it. */
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
  body: Record<string, any>;
}

export interface Testbed {
  dir: string;
  nats: RunningNats;
  trust: TrustList;
  verifier: TokenVerifier;
  key(p: Province): ProvinceKey;
  /** references to people under this testbed's generated regional subject key (every province's deps) */
  subjectRefs: SubjectRefs;
  /** a NATS connection with province p's account credentials */
  connect(p: Province): Promise<NatsConnection>;
  /** everything a service of province p needs; ports are random */
  deps(
    p: Province,
    opts?: { grpcAddress?: Partial<Record<ServiceName, string>>; db?: DatabaseHandle; clock?: () => Date },
  ): Promise<ServiceDeps>;
  /** a user's bearer token, signed by the user's province */
  token(principal: Principal, ttlSeconds?: number): Promise<string>;
  /**
   * calls a service's HTTP API as a user (a principal, whose token is signed here, or a bearer
   * token): a body that is not a string is sent as JSON, and the reply is read as JSON
   */
  http(
    base: string,
    as: Principal | string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** registers something to undo at close (e.g. a started service) */
  defer(fn: () => Promise<void>): void;
  /** awaits a started service (anything with stop()), stops it at close, and hands it back */
  started<T extends { stop(): Promise<void> }>(service: T | Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function createTestbed(): Promise<Testbed> {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-test-'));
  const undo: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const nats = await startNatsServer({ dir });
  undo.push(() => nats.stop());
  const jwks = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p)])) as Record<
    Province,
    ReturnType<typeof generateProvinceKey>
  >;
  const trust = Object.fromEntries(provinces.map((p) => [p, jwks[p].publicJwk])) as TrustList;
  const keys = new Map(provinces.map((p) => [p, loadProvinceKey(p, jwks[p].privateJwk)]));
  const key = (p: Province) => keys.get(p) as ProvinceKey;
  const verifier = new TokenVerifier(trust);
  const logger = silentLogger();
  const subjectRefs = new SubjectRefs(generateSubjectKeyring());

  const connect = async (p: Province) => {
    const nc = await connectProvince({
      servers: nats.url,
      credentials: nats.credentials[p],
      name: `test/${p}`,
      logger,
    });
    undo.push(() => nc.close());
    return nc;
  };

  const token = (principal: Principal, ttlSeconds = 600) =>
    signToken(key(principal.province), principal, { audience: audiences.user, ttlSeconds });

  return {
    dir,
    nats,
    trust,
    verifier,
    key,
    subjectRefs,
    connect,
    async deps(p, opts = {}) {
      const db = opts.db ?? (await openDatabase());
      if (!opts.db) undo.push(() => db.close());
      return {
        province: p,
        logger,
        db,
        nc: await connect(p),
        verifier,
        key: key(p),
        subjectRefs,
        grpcAddress: {
          catalog: '',
          consent: '',
          exchange: '',
          audit: '',
          certificate: '',
          ...(opts.grpcAddress ?? {}),
        },
        ports: { http: 0, grpc: 0, admin: 0 },
        // a registry of its own per deps: several provinces' services share this process
        metrics: metricsRegistry({ province: p }),
        clock: opts.clock ?? (() => new Date()),
      };
    },
    token,
    async http(base, as, method, path, body, headers = {}) {
      const bearer = typeof as === 'string' ? as : await token(as);
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Reply['body'] };
    },
    defer: (fn) => void undo.push(fn),
    async started(service) {
      const s = await service;
      undo.push(() => s.stop());
      return s;
    },
    async close() {
      for (const fn of undo.reverse()) {
        try {
          await fn();
        } catch {
          // keep undoing the rest
        }
      }
    },
  };
}
