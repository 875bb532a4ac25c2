/**
 * Writes the super-cluster's nats-server configs, one per node of each province:
 *
 *   npm run federation:config -- <outdir> [--nodes 3] [--replicas 3]
 *     [--host 'nats-{i}.nats.yrd-{p}.svc.cluster.local'] [--gateway-host '<pattern>']
 *     [--client-port 4222] [--cluster-port 6222] [--gateway-port 7222] [--http-port 8222]
 *     [--store-dir /data/jetstream] [--tls-dir /etc/nats/tls] [--secrets <file>]
 *
 * In a pattern, {p} is the province code, {i} the node's index and {node} its server name
 * (`<p>-nats-<i>`). It writes:
 *   <outdir>/<p>/<node>.conf     each node's config (it holds secrets: mode 0600)
 *   <outdir>/<p>/credentials.json the province account's user, for the province's services
 *   <outdir>/region.json          the description without its secrets
 *   <outdir>/secrets.json         every secret of the run (0600); a later run given it (--secrets, or
 *                                 finding it in <outdir>) keeps the passwords, so nodes can be
 *                                 rolled one by one
 * A province's operator gets its own folder; the gateway passwords of the other provinces are in it,
 * since its nodes dial them (docs/federation.md, "trust model").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Province, provinces } from '@yrd/region';
import {
  checkRegion,
  clusterName,
  describeRegion,
  type FederationTls,
  type RegionDescription,
  renderFederation,
} from '../federation.js';
import type { NatsCredentials } from '../server-config.js';

type Secrets = Pick<RegionDescription, 'credentials' | 'gatewayCredentials' | 'routeCredentials'>;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const usage = `usage: npm run federation:config -- <outdir> [--nodes N] [--replicas R] [--host PATTERN]
  [--gateway-host PATTERN] [--client-port P] [--cluster-port P] [--gateway-port P] [--http-port P]
  [--store-dir DIR] [--tls-dir DIR] [--secrets FILE]`;

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${name}: 端口无效 not a port: ${value}`);
  return n;
}

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name}: 须为 1 到 ${max} must be 1 to ${max}`);
  return n;
}

function isCredentials(v: unknown): v is NatsCredentials {
  const c = v as Partial<NatsCredentials> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.user === 'string' && typeof c.pass === 'string' && c.pass !== ''
  );
}

/** Reads an earlier run's secrets.json; every province's three credentials must be there. */
function readSecrets(file: string): Secrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--secrets: 无法读取 cannot read ${file}: ${(err as Error).message}`);
  }
  const out = parsed as Partial<Record<keyof Secrets, Partial<Record<Province, unknown>>>>;
  for (const key of ['credentials', 'gatewayCredentials', 'routeCredentials'] as const) {
    for (const p of provinces) {
      if (!isCredentials(out[key]?.[p])) throw new UsageError(`--secrets: ${file} 缺少 lacks ${key}.${p}`);
    }
  }
  return out as Secrets;
}

function parseOrExplain(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        nodes: { type: 'string' },
        replicas: { type: 'string' },
        host: { type: 'string' },
        'gateway-host': { type: 'string' },
        'client-port': { type: 'string' },
        'cluster-port': { type: 'string' },
        'gateway-port': { type: 'string' },
        'http-port': { type: 'string' },
        'store-dir': { type: 'string' },
        'tls-dir': { type: 'string' },
        secrets: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

export function buildRegion(argv: string[]): { outdir: string; region: RegionDescription } {
  const { values, positionals } = parseOrExplain(argv);
  const [outArg, ...extra] = positionals;
  if (!outArg || extra.length > 0) throw new UsageError(usage);
  const outdir = resolve(outArg);
  const nodes = count('nodes', values.nodes, 3, 7);
  const replicas = count('replicas', values.replicas, Math.min(nodes, 3), 5);
  const hostPattern = values.host ?? 'nats-{i}.nats.yrd-{p}.svc.cluster.local';
  const gatewayPattern = values['gateway-host'];
  const fill = (pattern: string, p: Province, i: number) =>
    pattern.replaceAll('{node}', `${p}-nats-${i}`).replaceAll('{p}', p).replaceAll('{i}', String(i));
  const ports = {
    client: port('client-port', values['client-port'], 4222),
    cluster: port('cluster-port', values['cluster-port'], 6222),
    gateway: port('gateway-port', values['gateway-port'], 7222),
    http: port('http-port', values['http-port'], 8222),
  };
  const tlsDir = values['tls-dir'];
  const tls: Record<string, FederationTls> = {};
  const described = describeRegion({
    replicas,
    nodes: (p) =>
      Array.from({ length: nodes }, (_, i) => {
        const name = `${p}-nats-${i}`;
        if (tlsDir) {
          tls[name] = {
            certFile: join(tlsDir, 'tls.crt'),
            keyFile: join(tlsDir, 'tls.key'),
            caFile: join(tlsDir, 'ca.crt'),
          };
        }
        return {
          name,
          host: fill(hostPattern, p, i),
          ...(gatewayPattern ? { gatewayHost: fill(gatewayPattern, p, i) } : {}),
          clientPort: ports.client,
          clusterPort: ports.cluster,
          gatewayPort: ports.gateway,
          httpPort: ports.http,
          storeDir: values['store-dir'] ?? '/data/jetstream',
        };
      }),
  });
  const secretsFile =
    values.secrets ?? (existsSync(join(outdir, 'secrets.json')) ? join(outdir, 'secrets.json') : undefined);
  const region: RegionDescription = {
    ...described,
    ...(secretsFile ? readSecrets(secretsFile) : {}),
    ...(tlsDir ? { tls } : {}),
  };
  const problems = checkRegion(region);
  if (problems.length > 0) throw new UsageError(`描述无效 invalid region description:\n  ${problems.join('\n  ')}`);
  return { outdir, region };
}

/** Writes the configs and returns the files written, relative to `outdir`. */
export function writeFederationConfig(outdir: string, region: RegionDescription): string[] {
  const written: string[] = [];
  const put = (rel: string, text: string, mode: number) => {
    writeFileSync(join(outdir, rel), text, { mode });
    written.push(rel);
  };
  mkdirSync(outdir, { recursive: true });
  const configs = renderFederation(region);
  for (const p of provinces) {
    mkdirSync(join(outdir, p), { recursive: true });
    for (const [node, text] of Object.entries(configs[p])) put(join(p, `${node}.conf`), text, 0o600);
    put(
      join(p, 'credentials.json'),
      `${JSON.stringify({ cluster: clusterName(p), ...region.credentials[p] }, null, 2)}\n`,
      0o600,
    );
  }
  const { credentials, gatewayCredentials, routeCredentials, ...shape } = region;
  put('region.json', `${JSON.stringify(shape, null, 2)}\n`, 0o644);
  put('secrets.json', `${JSON.stringify({ credentials, gatewayCredentials, routeCredentials }, null, 2)}\n`, 0o600);
  return written;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === new URL(import.meta.url).pathname;
if (isMain) {
  try {
    const { outdir, region } = buildRegion(process.argv.slice(2));
    const files = writeFederationConfig(outdir, region);
    process.stdout.write(`${files.length} files written to ${outdir}\n`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  }
}
