/**
 * One province node as five processes (`service.ts <name>`): the four services and the edge, each
 * spawned with its own environment — its own PGlite folder, the province's NATS account on a real
 * nats-server, its keys from files, its siblings' addresses. Through the edge (forwarding over HTTP,
 * dev mode for a token): a catalogue search, and a call to each other service, one of which (the
 * exchange's source check) asks the catalogue over gRPC. A service stopped with SIGTERM exits 0 and,
 * started again on its data without the seeds, is answered through the edge again. Every process stops
 * on SIGTERM with status 0, and each service's database proves it started from the empty cluster the
 * processes were handed. A service whose broker does not answer JetStream yet waits for it rather than
 * exiting. A wrong configuration stops a process with status 78, naming each variable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TrustList } from '@yrd/auth';
import { openDatabase, sql } from '@yrd/db';
import { freePort, type RunningNats, startNatsServer } from '@yrd/nats';
import { checkHealth } from '@yrd/proto';
import { generateSubjectKeyring, provinces, services } from '@yrd/region';
import { seedsFor } from '@yrd/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProvinceProcesses, startProvinceProcesses } from './province-processes.js';
import { generateRegionKeys } from './region.js';
import { serviceBundleFile } from './service-bundle.js';
import { type ProcessName, parseServiceConfig, serviceVariables } from './service-config.js';

const province = 'sh';
const entry = seedsFor(province).resources[0];
/** the catalogue serves on for this long after SIGTERM (the others stop taking requests at once) */
const catalogGraceMs = 2000;

async function until<T>(check: () => Promise<T | undefined>, what: string, ms: number): Promise<T> {
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

describe('one configuration schema per service', () => {
  let dir = '';
  const keys = generateRegionKeys();
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const trustFile = () =>
    file('trust.json', JSON.stringify(Object.fromEntries(provinces.map((p) => [p, keys[p].publicJwk]))));
  /** a consent service's environment, its files written */
  const consentEnv = (trust: string) => ({
    YRD_PROVINCE: 'sh',
    YRD_PROVINCE_KEY_FILE: file('sh.jwk', JSON.stringify(keys.sh.privateJwk)),
    YRD_TRUST_LIST_FILE: trust,
    YRD_SUBJECT_KEYS_FILE: file('subject-keys.json', JSON.stringify(generateSubjectKeyring())),
    YRD_NATS_URL: 'nats://nats.yrd-sh.svc:4222',
    YRD_NATS_USER: 'sh',
    YRD_NATS_PASSWORD_FILE: file('nats-password', ' s3cret\n'),
    YRD_DATA_DIR: join(dir, 'consent'),
    YRD_CATALOG_GRPC: 'catalog.yrd-sh.svc:7315',
  });
  let trust = '';
  let consent: ReturnType<typeof consentEnv>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-service-config-'));
    trust = trustFile();
    consent = consentEnv(trust);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const refusal = (name: ProcessName, env: Record<string, string>) => {
    try {
      parseServiceConfig(name, env);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('reads a service’s variables and the files they name; ports default to the province’s', () => {
    const c = parseServiceConfig('consent', consent);
    expect(c).toMatchObject({
      YRD_PROVINCE: 'sh',
      YRD_NATS_PASSWORD_FILE: 's3cret',
      YRD_CATALOG_GRPC: 'catalog.yrd-sh.svc:7315',
      YRD_SEED: false,
      YRD_DATABASE_POOL_SIZE: 4,
    });
    expect(c.YRD_HTTP_PORT).toBeUndefined();
    expect(c.YRD_PROVINCE_KEY_FILE.jwk).toEqual(keys.sh.privateJwk);
    expect(parseServiceConfig('consent', { ...consent, YRD_CATALOG_GRPC: '[::1]:7315' }).YRD_CATALOG_GRPC).toBe(
      '[::1]:7315',
    );
  });

  it.each([
    ['another province’s key', { YRD_PROVINCE: 'zj' }, /^ {2}YRD_PROVINCE_KEY_FILE: .*not zj's in the trust list/m],
    ['two passwords', { YRD_NATS_PASSWORD: 'x' }, /^ {2}YRD_NATS_PASSWORD_FILE: .*not both/m],
    ['two databases', { YRD_DATABASE_URL: 'postgres://db/yrd_sh' }, /^ {2}YRD_DATA_DIR: .*not both/m],
    ['a database that is not PostgreSQL', { YRD_DATABASE_URL: 'mysql://db/yrd' }, /^ {2}YRD_DATABASE_URL: .*postgres/m],
    ['a gRPC address without a port', { YRD_CATALOG_GRPC: 'catalog' }, /^ {2}YRD_CATALOG_GRPC: .*host:port/m],
    ['a pool of none', { YRD_DATABASE_POOL_SIZE: '0' }, /^ {2}YRD_DATABASE_POOL_SIZE: .*at least 1/m],
    [
      'an empty cluster for PostgreSQL',
      { YRD_DATABASE_URL: 'postgres://db/yrd_sh', YRD_DATA_DIR: '', YRD_PGLITE_EMPTY_CLUSTER_FILE: '/dev/null' },
      /^ {2}YRD_PGLITE_EMPTY_CLUSTER_FILE: .*only with a PGlite folder/m,
    ],
    [
      'an empty cluster that is not there',
      { YRD_PGLITE_EMPTY_CLUSTER_FILE: '/nonexistent/cluster.tar.gz' },
      /^ {2}YRD_PGLITE_EMPTY_CLUSTER_FILE: .*cannot read the empty cluster .*ENOENT/m,
    ],
  ])('refuses %s, naming the variable', (_what, change, message) => {
    expect(refusal('consent', { ...consent, ...change })).toMatch(message);
  });

  it('refuses an empty cluster file that is not a gzipped tarball, and reads one that is', () => {
    const said = refusal('consent', { ...consent, YRD_PGLITE_EMPTY_CLUSTER_FILE: file('cluster.tar', 'PG_VERSION') });
    expect(said).toMatch(/^ {2}YRD_PGLITE_EMPTY_CLUSTER_FILE: .*not a gzipped cluster tarball/m);
    const gz = join(dir, 'cluster.tar.gz');
    writeFileSync(gz, gzipSync('PG_VERSION'));
    const bytes = parseServiceConfig('consent', {
      ...consent,
      YRD_PGLITE_EMPTY_CLUSTER_FILE: gz,
    }).YRD_PGLITE_EMPTY_CLUSTER_FILE;
    expect(bytes && gunzipSync(bytes).toString()).toBe('PG_VERSION');
  });

  it('never quotes a private key file it cannot read as a key', () => {
    const said = refusal('consent', { ...consent, YRD_PROVINCE_KEY_FILE: file('bad.jwk', '{"d":"SECRET-PART"') });
    expect(said).toMatch(/^ {2}YRD_PROVINCE_KEY_FILE: 私钥无效 not a valid private key/m);
    expect(said).not.toContain('SECRET-PART');
  });

  it('asks the catalogue for its public base URL, and refuses dev mode at the edge in production', () => {
    const { YRD_CATALOG_GRPC: _catalog, ...catalog } = consent;
    expect(refusal('catalog', catalog)).toMatch(/^ {2}YRD_PUBLIC_BASE_URL: 未设置 not set/m);
    const edge = {
      YRD_PROVINCE: 'sh',
      YRD_PROVINCE_KEY_FILE: consent.YRD_PROVINCE_KEY_FILE,
      YRD_TRUST_LIST_FILE: trust,
      YRD_CATALOG_URL: 'http://catalog:7311',
      YRD_CONSENT_URL: 'http://consent:7312',
      YRD_EXCHANGE_URL: 'http://exchange:7313',
      YRD_AUDIT_URL: 'http://audit:7314',
      YRD_CERTIFICATE_URL: 'http://certificate:7319',
    };
    expect(parseServiceConfig('edge', edge).YRD_DEV_MODE).toBe(false);
    const said = refusal('edge', { ...edge, YRD_DEV_MODE: 'true', NODE_ENV: 'production' });
    expect(said).toMatch(/^ {2}YRD_DEV_MODE: .*NODE_ENV=production/m);
    expect(said).toMatch(/^ {2}YRD_SUBJECT_KEYS_FILE: .*dev mode/m);
    // outside dev mode the edge signs nothing: it needs no private key; in dev mode it does
    const { YRD_PROVINCE_KEY_FILE: _key, ...keyless } = edge;
    expect(parseServiceConfig('edge', keyless).YRD_PROVINCE_KEY_FILE).toBeUndefined();
    expect(refusal('edge', { ...keyless, YRD_DEV_MODE: 'true' })).toMatch(/^ {2}YRD_PROVINCE_KEY_FILE: .*dev mode/m);
  });
});

describe('a province node as five processes', () => {
  let dir: string;
  let nats: RunningNats;
  let node: ProvinceProcesses;

  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${node.edgeUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const token = async (user: string) => {
    const r = await api('POST', '/api/auth/v1/dev-token', undefined, { user });
    expect(r.status).toBe(200);
    return r.body.token as string;
  };
  const search = (t: string) =>
    api('GET', `/api/catalog/v1/resources?q=${encodeURIComponent(entry?.name ?? '')}&pageSize=5`, t);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-services-'));
    nats = await startNatsServer({ dir: join(dir, 'nats') });
    const keys = generateRegionKeys();
    node = await startProvinceProcesses({
      province,
      dir: join(dir, province),
      nats: { url: nats.url, credentials: nats.credentials[province] },
      privateJwk: keys[province].privateJwk,
      trustList: Object.fromEntries(provinces.map((p) => [p, keys[p].publicJwk])) as TrustList,
      subjectKeys: generateSubjectKeyring(),
      env: {
        all: { YRD_STOP_TIMEOUT_MS: '8000' },
        catalog: { YRD_STOP_GRACE_MS: String(catalogGraceMs) },
        // one service is given its NATS password in the environment, the others in a file
        consent: { YRD_NATS_PASSWORD: nats.credentials[province].pass, YRD_NATS_PASSWORD_FILE: '' },
      },
    });
    await node.healthy(90_000);
  }, 120_000);

  afterAll(async () => {
    // whatever a failed test left running
    await node?.kill();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each service is healthy on its own: /healthz over HTTP, the standard gRPC health check', async () => {
    const health = await api('GET', '/healthz');
    expect(health.body).toMatchObject({
      status: 'ok',
      province,
      services: { catalog: 'ok', consent: 'ok', exchange: 'ok', audit: 'ok', certificate: 'ok' },
    });
    for (const name of ['catalog', 'consent', 'exchange', 'audit', 'certificate'] as const) {
      const { http, grpc, admin } = node.ports[name];
      for (const probe of ['/healthz', '/readyz']) {
        const own = await fetch(`http://127.0.0.1:${http}${probe}`);
        expect(own.status).toBe(200);
        expect(await own.json()).toMatchObject({ status: 'ok', service: name, province, nats: 'connected' });
      }
      expect(await (await fetch(`http://127.0.0.1:${http}/livez`)).json()).toEqual({ status: 'ok', service: name });
      expect(await checkHealth(`127.0.0.1:${grpc}`)).toBe('SERVING');
      // each serves its own metrics on its admin port
      expect((await fetch(`http://127.0.0.1:${admin}/metrics`)).status).toBe(200);
    }
  });

  it('the edge forwards over HTTP to each service; the exchange asks the catalogue over gRPC', async () => {
    const requester = await token('sh-dsj-requester');
    const found = await search(requester);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toContain(entry?.id);

    const applications = await api('GET', '/api/consent/v1/outgoing-applications', requester);
    expect(applications.status).toBe(200);
    expect(applications.body).toMatchObject({ applications: [], total: 0 });

    // the source check looks the entry up in the catalogue process (gRPC), no cross-province exchange
    const admin = await token('sh-admin');
    const source = await api('DELETE', `/api/exchange/v1/sources/${entry?.id}`, admin);
    expect(source.status).toBe(200);
    // the providing agency came from the catalogue's entry
    expect(source.body).toMatchObject({
      resourceId: entry?.id,
      kind: 'embedded',
      providerCode: entry?.providerCreditCode,
    });
    const missing = await api('DELETE', '/api/exchange/v1/sources/sh.310000-DSJ-99999', admin);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('EXCHANGE.RESOURCE_NOT_FOUND');

    const trustList = await api('GET', '/api/audit/v1/trust-list');
    expect(trustList.status).toBe(200);
    expect(Object.keys(trustList.body.provinces).sort()).toEqual([...provinces].sort());
  });

  it('a service stopped with SIGTERM exits 0; started again on its data, the edge answers again', async () => {
    const requester = await token('sh-dsj-requester');
    const before = await search(requester);
    // searches sent straight to the catalogue as it is told to stop: within its grace period it
    // answers every one (without one, those not yet read as the listener closes are reset)
    const direct = `http://127.0.0.1:${node.ports.catalog.http}/api/catalog/v1/resources?q=${encodeURIComponent(entry?.name ?? '')}`;
    const burst = Array.from({ length: 40 }, () =>
      fetch(direct, { headers: { authorization: `Bearer ${requester}` } }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
      ),
    );
    await Promise.race(burst);
    const catalogUrl = `http://127.0.0.1:${node.ports.catalog.http}`;
    expect((await fetch(`${catalogUrl}/readyz`)).status).toBe(200);
    const stopping = node.terminate('catalog', catalogGraceMs + 10_000);
    // within the grace period: not ready (a load balancer stops sending), alive, and every answer
    // closes its connection so kept-alive clients reconnect elsewhere rather than being reset
    const draining = await until(
      async () => {
        const r = await fetch(`${catalogUrl}/readyz`);
        return r.status === 503 ? r : undefined;
      },
      'the catalogue saying it is draining',
      catalogGraceMs,
    );
    expect(await draining.json()).toMatchObject({ code: 'NODE.DRAINING', service: 'catalog' });
    expect(draining.headers.get('connection')).toBe('close');
    const live = await fetch(`${catalogUrl}/livez`);
    expect(live.status).toBe(200);
    const served = await fetch(direct, { headers: { authorization: `Bearer ${requester}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('connection')).toBe('close');
    await served.arrayBuffer();
    expect(await checkHealth(`127.0.0.1:${node.ports.catalog.grpc}`)).toBe('NOT_SERVING');
    const stopped = await stopping;
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeGreaterThanOrEqual(catalogGraceMs);
    expect(stopped.ms).toBeLessThan(catalogGraceMs + 8000);
    expect(await Promise.all(burst)).toEqual(burst.map(() => 200));

    const down = await search(requester);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('HTTP.UPSTREAM_UNAVAILABLE');
    // the exchange, which asks the catalogue over gRPC, says so too
    const admin = await token('sh-admin');
    const sourceDown = await api('DELETE', `/api/exchange/v1/sources/${entry?.id}`, admin);
    expect(sourceDown.status).toBe(503);
    expect(sourceDown.body.code).toBe('EXCHANGE.CATALOG_UNAVAILABLE');
    // where the catalogue lives and how the socket failed are for the log, not for the caller
    expect(JSON.stringify(sourceDown.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}\b/);

    // without the seeds: what it finds, it kept
    node.start('catalog', { YRD_SEED: 'false' });
    const again = await until(
      async () => {
        const r = await search(requester);
        return r.status === 200 ? r : undefined;
      },
      'the catalogue answering through the edge again',
      30_000,
    );
    expect(again.body.total).toBe(before.body.total);
    expect(again.body.items.map((i: { id: string }) => i.id)).toContain(entry?.id);
    // the exchange's gRPC client finds the catalogue where it was (once its reconnect backoff is over)
    await until(
      async () =>
        (await api('DELETE', `/api/exchange/v1/sources/${entry?.id}`, admin)).status === 200 ? true : undefined,
      'the exchange reaching the catalogue over gRPC again',
      20_000,
    );
  });

  it('every process stops on SIGTERM with status 0 within seconds', async () => {
    const exits = await node.stop(catalogGraceMs + 10_000);
    for (const [name, exit] of Object.entries(exits) as [ProcessName, (typeof exits)[ProcessName]][]) {
      const said = node.processes.get(name)?.output().slice(-2000);
      expect(exit, `${name}: ${said}`).toMatchObject({ code: 0, signal: null });
      expect(exit.ms).toBeLessThan((name === 'catalog' ? catalogGraceMs : 0) + 8000);
    }
  });

  it('each service’s database started from the one empty cluster it was handed, not its own initdb', async () => {
    // initdb draws a new system identifier; a cluster loaded from a tarball keeps the tarball's
    const identifier = async (dataDir?: string) => {
      const h = await openDatabase(dataDir ? { dataDir } : {});
      try {
        const [row] = await h.rows<{ id: string }>(sql`select system_identifier::text as id from pg_control_system()`);
        return row?.id;
      } finally {
        await h.close();
      }
    };
    // this test file's clusters start from the run's empty cluster, which startProvinceProcesses handed on
    const handed = await identifier();
    expect(handed).toMatch(/^\d+$/);
    for (const name of services) {
      expect(node.env[name].YRD_PGLITE_EMPTY_CLUSTER_FILE, name).toBe(join(dir, province, 'empty-cluster.tar.gz'));
      expect(await identifier(join(dir, province, name, 'pgdata')), name).toBe(handed);
    }
  });

  it('a stop while the broker is not there yet ends the wait for it at once, with status 0', async () => {
    // a port nothing listens on: the service keeps trying its first NATS connection (for up to a minute)
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const address = probe.address();
    await new Promise((done) => probe.close(done));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const p = node.start('audit', {
      YRD_NATS_URL: `nats://127.0.0.1:${address.port}`,
      YRD_NATS_CONNECT_WITHIN_MS: '60000',
    });
    await until(
      async () => (p.output().includes('first connection failed, trying again') ? true : undefined),
      'the audit service retrying its first NATS connection',
      30_000,
    );
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    expect(exit, p.output().slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    // not the fatal "did not start" (status 1) of a start that failed on its own
    expect(p.output()).not.toContain('did not start');
  });

  it('a broker without JetStream yet is asked again, not fatal: the service is ready once the broker is back with it', async () => {
    // a second broker of the same accounts and users on a port of its own, first without JetStream
    // (as a broker restarting, or too busy to answer its JetStream API, looks to a starting service)
    const brokerDir = join(dir, 'nats-late-jetstream');
    const port = await freePort();
    let broker = await startNatsServer({ dir: brokerDir, port, credentials: nats.credentials, jetstream: false });
    try {
      const p = node.start('audit', {
        YRD_NATS_URL: broker.url,
        YRD_DATA_DIR: join(dir, 'audit-late-jetstream'),
        YRD_HTTP_PORT: '0',
        YRD_GRPC_PORT: '0',
        YRD_ADMIN_PORT: '0',
        // the harness's processes log at warn; this one says when it is ready
        YRD_LOG_LEVEL: 'info',
      });
      // waits for what the process says; one that exits meanwhile ends the wait at once, with its output
      const said = async (what: string, line: string) => {
        await until(
          async () => (p.child.exitCode !== null || p.output().includes(line) ? true : undefined),
          what,
          30_000,
        ).catch(() => undefined);
        if (!p.output().includes(line)) {
          throw new Error(`no ${what} (exit ${p.child.exitCode}):\n${p.output().slice(-3000)}`);
        }
      };
      await said('the audit service asking JetStream again', 'no answer at start, trying again');
      await broker.stop();
      broker = await startNatsServer({ dir: brokerDir, port, credentials: nats.credentials });
      await said('the audit service ready on the broker with JetStream', 'audit ready');
      // and healthy there: connected, its consumer taking events in
      const url = /"url":"(http:[^"]+)"[^\n]*audit ready/.exec(p.output())?.[1];
      expect(url, p.output().slice(-2000)).toBeDefined();
      const health = await until(
        async () => {
          const r = await fetch(`${url}/healthz`);
          return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : undefined;
        },
        'the audit service healthy',
        15_000,
      );
      expect(health).toMatchObject({ status: 'ok', nats: 'connected' });
      p.child.kill('SIGTERM');
      const exit = await p.exited;
      expect(exit, p.output().slice(-2000)).toMatchObject({ code: 0, signal: null });
      expect(p.output()).not.toContain('did not start');
    } finally {
      await broker.stop();
    }
  }, 90_000);

  it('refuses a wrong or missing value with status 78, naming each variable', async () => {
    const p = node.start('exchange', {
      YRD_CONSENT_GRPC: 'consent without a port',
      YRD_NATS_URL: '',
      YRD_DATABASE_URL: 'postgres://127.0.0.1/yrd_sh',
      YRD_PROVINCE_KEY_FILE: join(dir, 'no-such.jwk'),
    });
    const { code } = await p.exited;
    const said = p.output();
    expect(code).toBe(78);
    expect(said).toContain('invalid configuration');
    for (const variable of ['YRD_CONSENT_GRPC', 'YRD_NATS_URL', 'YRD_DATA_DIR', 'YRD_PROVINCE_KEY_FILE'])
      expect(said).toMatch(new RegExp(`^  ${variable}: .*[\\u4e00-\\u9fff].* [a-z]`, 'm'));
    expect(said).not.toContain('YRD_CATALOG_GRPC');

    // the bundle the processes run, and the sources through tsx, know the same services
    for (const entry of [[serviceBundleFile], ['--import', 'tsx', resolve(import.meta.dirname, 'service.ts')]]) {
      const unknown = spawn(process.execPath, [...entry, 'gateway'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let said = '';
      unknown.stderr?.on('data', (b: Buffer) => {
        said += b.toString();
      });
      expect(await new Promise((done) => unknown.once('exit', done))).toBe(64);
      expect(said).toContain('没有该服务 no such service: "gateway"');
    }
    expect(serviceVariables('edge')).not.toContain('YRD_NATS_URL');
    expect(serviceVariables('catalog')).toContain('YRD_PUBLIC_BASE_URL');
  });
});
