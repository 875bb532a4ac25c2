/**
 * One province node as its own process (how a province runs it outside the demo):
 *   YRD_PROVINCE=zj YRD_NATS_URL=nats://… YRD_NATS_USER=… YRD_NATS_PASSWORD=… \
 *   YRD_PROVINCE_KEY_FILE=zj.jwk YRD_TRUST_LIST_FILE=trust.json YRD_SUBJECT_KEYS_FILE=subject-keys.json \
 *   YRD_DATABASE_URL=postgres://… \
 *   YRD_PUBLIC_BASE_URL=https://zj.yrd.example node --import tsx apps/node/src/main.ts
 * Dev mode (seed users, dev tokens) is off unless asked for, and refused with NODE_ENV=production.
 */

import { readFileSync } from 'node:fs';
import { parseTrustAnchors } from '@yrd/auth';
import { assertDevModeAllowed, envBool, envPublicBaseUrl, envSecrets, parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { provinces, type SubjectKeyring } from '@yrd/region';
import { initTelemetry } from '@yrd/telemetry';
import { startProvinceNode } from './node.js';

const config = parseConfig(
  z.object({
    YRD_PROVINCE: z.enum(provinces),
    YRD_NATS_URL: z.string().min(1),
    YRD_NATS_USER: z.string().min(1),
    YRD_NATS_PASSWORD: z.string().min(1),
    YRD_PROVINCE_KEY_FILE: z.string().min(1),
    /** the regional trust list (public keys): as served at /api/audit/v1/trust-list, or a map of one JWK per province */
    YRD_TRUST_LIST_FILE: z.string().min(1),
    /** the regional subject keyring, {"current":"rk-1","keys":{"rk-1":"<base64url, 32 bytes>"}}, the same in every province */
    YRD_SUBJECT_KEYS_FILE: z.string().min(1),
    YRD_DATABASE_URL: z.string().url().optional(),
    YRD_DATA_DIR: z.string().optional(),
    /** where the province's users reach its edge, e.g. https://zj.yrd.example; default: the edge's own origin */
    YRD_PUBLIC_BASE_URL: envPublicBaseUrl(),
    YRD_DEV_MODE: envBool(false),
    YRD_SEED: envBool(false),
    YRD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    /** default: beside the traces endpoint (…/v1/traces → …/v1/metrics) */
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: z.string().url().optional(),
    NODE_ENV: z.string().optional(),
  }),
  process.env,
);
assertDevModeAllowed(config.YRD_DEV_MODE, config.NODE_ENV);

const logger = createLogger({ name: `yrd-node-${config.YRD_PROVINCE}`, level: config.YRD_LOG_LEVEL });
const telemetry = initTelemetry({
  serviceName: `yrd-node-${config.YRD_PROVINCE}`,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  otlpMetricsEndpoint: config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
});
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

const node = await startProvinceNode({
  province: config.YRD_PROVINCE,
  logger,
  nats: { url: config.YRD_NATS_URL, credentials: { user: config.YRD_NATS_USER, pass: config.YRD_NATS_PASSWORD } },
  dataDir: config.YRD_DATA_DIR,
  databaseUrl: config.YRD_DATABASE_URL,
  // public keys only (a list with a private key part is refused)
  trust: parseTrustAnchors(readJson<unknown>(config.YRD_TRUST_LIST_FILE)),
  // this province's private key, and no other
  privateKey: { file: config.YRD_PROVINCE_KEY_FILE },
  subjectKeys: readJson<SubjectKeyring>(config.YRD_SUBJECT_KEYS_FILE),
  devMode: config.YRD_DEV_MODE,
  seed: config.YRD_SEED,
  // a data source's secretRef (env:NAME) is looked up here, in this process's environment, when used
  exchangeSources: { secrets: envSecrets(process.env), production: config.NODE_ENV === 'production' },
  publicBaseUrl: config.YRD_PUBLIC_BASE_URL,
});
logger.info({ url: node.url, publicBaseUrl: node.publicBaseUrl }, 'province node ready');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: intake first, then NATS drain, then storage');
    void node
      .stop()
      .then(() => telemetry.shutdown())
      .then(() => process.exit(0));
  });
}
