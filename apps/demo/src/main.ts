/**
 * `npm start`: the four-province demo on embedded defaults. Starts its own nats-server with the
 * province accounts, then the four province nodes (edge + catalog, consent, exchange, audit each)
 * in this process, loads the seeds once, and prints where to go. Ctrl-C stops everything; the
 * data folder keeps the state (and the province keys) for the next start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { anchorsFrom, keySuite, type TrustList } from '@yrd/auth';
import { assertDevModeAllowed, envBool, envPublicBaseUrl, envSecrets, parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { natsInstallHint } from '@yrd/nats';
import {
  ensureConsoleBuilt,
  generateRegionKeys,
  generateRegionSecrets,
  type Region,
  type RegionKeySource,
  type RegionKeys,
  type RegionSecrets,
  startRegion,
} from '@yrd/node';
import { generateSubjectKeyring, isProvince, type Province, provinceInfo, provinces } from '@yrd/region';
import { initTelemetry } from '@yrd/telemetry';

const config = parseConfig(
  z.object({
    YRD_DATA_DIR: z.string().default('data'),
    YRD_DEV_MODE: envBool(true),
    YRD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    YRD_NATS_PORT: z.coerce.number().int().min(0).max(65535).default(4322),
    YRD_DATABASE_URL: z.string().url().optional(),
    /** default: 7310/7320/7330/7340 and the services after them; random: free ports (tests) */
    YRD_PORTS: z.enum(['default', 'random']).default('default'),
    /** where users reach each province (links in DCAT, Location); default: its edge, http://127.0.0.1:7310 … */
    YRD_PUBLIC_BASE_URL_SH: envPublicBaseUrl(),
    YRD_PUBLIC_BASE_URL_JS: envPublicBaseUrl(),
    YRD_PUBLIC_BASE_URL_ZJ: envPublicBaseUrl(),
    YRD_PUBLIC_BASE_URL_AH: envPublicBaseUrl(),
    /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; unset = no export */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    /** default: beside the traces endpoint (…/v1/traces → …/v1/metrics) */
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: z.string().url().optional(),
    NODE_ENV: z.string().optional(),
    /** false: the API only; the console (控制台) is neither built nor served */
    YRD_CONSOLE: envBool(true),
    /**
     * the provinces set up on the sm2-sm3 suite (国密: SM2 signatures, SM3 hashing), comma-separated;
     * the others on ed25519-sha256. Read when the keys are made (a new data folder): a province's suite
     * is its key's, and a data folder keeps its keys. Default: 上海 on sm2-sm3; '' for none.
     */
    YRD_SM2_PROVINCES: z
      .string()
      .default('sh')
      .transform((v) =>
        v
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      )
      .refine((ps) => ps.every(isProvince), {
        message: `须为省份代码 must be province codes (${provinces.join(', ')})`,
      }),
  }),
  process.env,
);
assertDevModeAllowed(config.YRD_DEV_MODE, config.NODE_ENV);

/**
 * NATS passwords and the regional subject key are made once and kept in secrets.json (mode 600), so a
 * restart keeps identities and references to people. The provinces' keys are kept apart: each
 * province's private key in keys/<p>.private.jwk (mode 600), read by that province's node only, and
 * the public trust list in trust-list.json, which anyone may copy. A data folder from before the split
 * (province keys inside secrets.json) is split on its first start; one from before the subject key
 * gets one added (its old logs keep their unkeyed references; a trace by person still finds them).
 */
function loadSecrets(dir: string): { secrets: RegionSecrets; keySource: RegionKeySource } {
  const file = resolve(dir, 'secrets.json');
  const keysDir = resolve(dir, 'keys');
  const keySource: RegionKeySource = {
    trustListFile: resolve(dir, 'trust-list.json'),
    privateKeyFiles: Object.fromEntries(provinces.map((p) => [p, resolve(keysDir, `${p}.private.jwk`)])) as Record<
      Province,
      string
    >,
  };
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<RegionSecrets> & { keys?: RegionKeys })
    : undefined;
  const fresh = kept === undefined;
  const secrets: RegionSecrets = {
    nats: kept?.nats ?? generateRegionSecrets().nats,
    subjectKeys: kept?.subjectKeys ?? generateSubjectKeyring(),
  };
  if (!existsSync(keySource.trustListFile)) {
    // keys that signed heads before this list existed are valid since always; new ones from now
    const sm2 = Object.fromEntries(config.YRD_SM2_PROVINCES.map((p) => [p, 'sm2-sm3' as const]));
    const keys = kept?.keys ?? generateRegionKeys(sm2);
    const since = kept?.keys ? '1970-01-01T00:00:00.000Z' : new Date().toISOString();
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    for (const p of provinces) {
      writeFileSync(keySource.privateKeyFiles[p], JSON.stringify(keys[p].privateJwk, null, 2), { mode: 0o600 });
    }
    const publicKeys = Object.fromEntries(provinces.map((p) => [p, keys[p].publicJwk])) as TrustList;
    writeFileSync(keySource.trustListFile, JSON.stringify(anchorsFrom(publicKeys, since), null, 2), { mode: 0o644 });
  }
  if (fresh || kept?.keys || !kept?.subjectKeys) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return { secrets, keySource };
}

/**
 * The console each edge serves at `/`, built first when there is no build yet or a source is newer
 * than it. A failed build leaves the API running without the console, and says why.
 */
async function prepareConsole(): Promise<string | undefined> {
  const started = Date.now();
  let built = false;
  try {
    const dir = await ensureConsoleBuilt({
      onStart: (why) => {
        built = true;
        console.log(
          `控制台 console: ${why === 'stale' ? 'sources changed, rebuilding' : 'building'} apps/console (vite)…`,
        );
      },
      // vite's steps, not its list of every file written
      onLine: (line) => {
        if (!/^\s*dist\//.test(line)) console.log(`  ${line.trim()}`);
      },
    });
    if (built) console.log(`控制台 console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return dir;
  } catch (err) {
    console.error(`${(err as Error).message}\n控制台构建失败，仅提供接口 the API runs without the console`);
    return undefined;
  }
}

async function main() {
  const started = Date.now();
  const dataDir = resolve(config.YRD_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logger = createLogger({ name: 'yrd-demo', level: config.YRD_LOG_LEVEL });
  const telemetry = initTelemetry({
    serviceName: 'yrd-demo',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    otlpMetricsEndpoint: config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  });

  // Ctrl-C reaches this process only: the nats-server runs in a process group of its own (see
  // @yrd/nats), so the nodes drain while it is still up and it is stopped last. A repeated signal
  // changes nothing: under `npm start` one Ctrl-C arrives twice (from the terminal, and forwarded by npm).
  let region: Region | undefined;
  let stopping = false;
  /** a signal that came while the nodes were starting: acted on once they are up */
  let pending: string | undefined;
  const stop = async (signal: string) => {
    if (stopping || pending) return;
    if (!region) {
      pending = signal;
      console.log(`\n${signal}: stopping as soon as the nodes are up…`);
      return;
    }
    stopping = true;
    console.log(`\n${signal}: stopping the four province nodes…`);
    try {
      await region.stop();
      await telemetry.shutdown();
    } catch (err) {
      console.error('demo did not stop cleanly:', (err as Error).message);
      process.exit(1);
    }
    console.log('stopped; data kept in', dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const consoleDir = config.YRD_CONSOLE ? await prepareConsole() : undefined;
  try {
    region = await startRegion({
      logger,
      dataDir,
      databaseUrl: config.YRD_DATABASE_URL,
      ...loadSecrets(dataDir),
      natsPort: config.YRD_NATS_PORT,
      ports: config.YRD_PORTS,
      devMode: config.YRD_DEV_MODE,
      seed: true,
      publicBaseUrls: {
        sh: config.YRD_PUBLIC_BASE_URL_SH,
        js: config.YRD_PUBLIC_BASE_URL_JS,
        zj: config.YRD_PUBLIC_BASE_URL_ZJ,
        ah: config.YRD_PUBLIC_BASE_URL_AH,
      },
      exchangeSources: { secrets: envSecrets(process.env), production: config.NODE_ENV === 'production' },
      consoleDir,
    });
  } catch (err) {
    const message = (err as Error).message;
    console.error(
      message.startsWith('nats-server was not found') ? natsInstallHint : `demo failed to start: ${message}`,
    );
    process.exit(1);
  }

  if (pending) {
    const signal = pending;
    pending = undefined;
    return stop(signal);
  }

  const sh = region.nodes.sh.url;
  const publicNote = (n: { url: string; publicBaseUrl: string }) =>
    n.publicBaseUrl === n.url ? '' : `  (public: ${n.publicBaseUrl})`;
  // the console is served at the root of the edge's own origin (its scripts are under /assets/)
  const consoleNote = (n: { url: string }) => (consoleDir ? `  控制台 console ${n.url}/` : '');
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  // each province's crypto suite, from its key in the trust list (国密 for sm2-sm3)
  const suiteNote = (p: Province) => {
    const id = keySuite({ jwk: region!.trust[p] });
    return id === 'sm2-sm3' ? 'sm2-sm3 国密' : id;
  };
  console.log(`
长三角数据共享交换平台 YRD Data Exchange — four-province demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${rss} MB)
${provinces.map((p) => `  ${provinceInfo[p].name.padEnd(4, '\u3000')} ${p}  ${region.nodes[p].url}${publicNote(region.nodes[p])}${consoleNote(region.nodes[p])}  [${suiteNote(p)}]`).join('\n')}
  NATS         ${region.nats.url} (accounts SH, JS, ZJ, AH)
${consoleDir ? `\nOpen a province's console (控制台) in a browser, e.g. ${sh}/ , and sign in as one of its seed users.\n` : ''}
Get a token (dev mode), then call the API:
  curl -fsS ${sh}/api/auth/v1/dev-users
  TOKEN=$(curl -fsS -X POST ${sh}/api/auth/v1/dev-token -H 'content-type: application/json' -d '{"user":"sh-rsj-requester"}' | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).token)')
  curl -fsS -G -H "Authorization: Bearer $TOKEN" ${sh}/api/catalog/v1/resources --data-urlencode q=营业执照
More in README.md, "Try it".

Data: ${dataDir}   Ctrl-C stops everything.
`);
}

void main();
