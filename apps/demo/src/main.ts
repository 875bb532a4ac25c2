/**
 * `npm start`: the four-province demo on embedded defaults. Starts its own nats-server with the
 * province accounts, then the four province nodes (edge + catalog, consent, exchange, audit each)
 * in this process, loads the seeds once, and prints where to go. Ctrl-C stops everything; the
 * data folder keeps the state for the next start.
 */

import type { JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateProvinceKey, type TrustList } from '@yrd/auth';
import { assertDevModeAllowed, envBool, parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { generateCredentials, type NatsCredentials, natsInstallHint, startNatsServer } from '@yrd/nats';
import { type ProvinceNode, startProvinceNode } from '@yrd/node';
import { type Province, provinceInfo, provinces } from '@yrd/region';

const config = parseConfig(
  z.object({
    YRD_DATA_DIR: z.string().default('data'),
    YRD_DEV_MODE: envBool(true),
    YRD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    YRD_NATS_PORT: z.coerce.number().int().min(0).max(65535).default(4322),
    YRD_DATABASE_URL: z.string().url().optional(),
    NODE_ENV: z.string().optional(),
  }),
  process.env,
);
assertDevModeAllowed(config.YRD_DEV_MODE, config.NODE_ENV);

interface Secrets {
  nats: Record<Province, NatsCredentials>;
  keys: Record<Province, { privateJwk: JsonWebKey; publicJwk: JsonWebKey }>;
}

/** Province keys and NATS passwords are made once and kept (mode 600) so a restart keeps identities. */
function loadSecrets(dir: string): Secrets {
  const file = resolve(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  const keys = {} as Secrets['keys'];
  for (const p of provinces) keys[p] = generateProvinceKey(p);
  const secrets: Secrets = { nats: generateCredentials(), keys };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function main() {
  const started = Date.now();
  const dataDir = resolve(config.YRD_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logger = createLogger({ name: 'yrd-demo', level: config.YRD_LOG_LEVEL });
  const secrets = loadSecrets(dataDir);
  const trust = Object.fromEntries(provinces.map((p) => [p, secrets.keys[p].publicJwk])) as TrustList;

  let nats: Awaited<ReturnType<typeof startNatsServer>>;
  try {
    nats = await startNatsServer({
      dir: resolve(dataDir, 'nats'),
      port: config.YRD_NATS_PORT,
      credentials: secrets.nats,
    });
  } catch (err) {
    console.error((err as Error).message.includes('not found') ? natsInstallHint : (err as Error).message);
    process.exit(1);
  }

  const nodes: ProvinceNode[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the four province nodes…`);
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await nats.stop();
    console.log('stopped; data kept in', dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    for (const p of provinces) {
      nodes.push(
        await startProvinceNode({
          province: p,
          logger,
          nats: { url: nats.url, credentials: secrets.nats[p] },
          dataDir: resolve(dataDir, p),
          databaseUrl: config.YRD_DATABASE_URL,
          trust,
          privateJwk: secrets.keys[p].privateJwk,
          devMode: config.YRD_DEV_MODE,
          seed: true,
        }),
      );
    }
  } catch (err) {
    console.error('demo failed to start:', (err as Error).message);
    await stop('error');
    return;
  }

  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(`
长三角数据共享交换平台 YRD Data Exchange — four-province demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${rss} MB)
${nodes.map((n) => `  ${provinceInfo[n.province].name.padEnd(4, '\u3000')} ${n.province}  ${n.url}`).join('\n')}
  NATS           ${nats.url} (accounts SH, JS, ZJ, AH)

Get a token (dev mode), then call the API:
  curl -s ${nodes[0]?.url}/api/auth/v1/dev-users
  TOKEN=$(curl -s -X POST ${nodes[0]?.url}/api/auth/v1/dev-token -H 'content-type: application/json' -d '{"user":"sh-rsj-requester"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authorization: Bearer $TOKEN" '${nodes[0]?.url}/api/catalog/v1/resources?q=营业执照'

Data: ${dataDir}   Ctrl-C stops everything.
`);
}

void main();
