/**
 * The configuration of one service run as its own process (service.ts): one zod schema per service,
 * read once from the environment. Each schema asks only for what its service uses — the addresses of
 * the siblings it calls, its own database, its NATS account, its keys from files, its ports — and a
 * wrong or missing value stops the process with a line naming the variable, in Chinese and English.
 * Files named by a variable (keys, trust list, subject keyring, NATS password) are read and checked
 * here too, so a wrong path is reported as that variable's fault.
 *
 * `serviceVariables(name)` lists a process's variables from its schema (the README has the table).
 */

import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseTrustAnchors, type TrustAnchors } from '@yrd/auth';
import { envBool, envPublicBaseUrl, parseOptions, z } from '@yrd/config';
import { exportPublicJwk, importPrivateJwk, suiteOfJwk } from '@yrd/crypto-suite';
import { type Province, provinces, type ServiceName, type SubjectKeyring, SubjectRefs, services } from '@yrd/region';

/** What `service.ts <name>` runs: one of the four services, or the edge. */
export const processNames = [...services, 'edge'] as const;
export type ProcessName = (typeof processNames)[number];

export function isProcessName(v: string | undefined): v is ProcessName {
  return (processNames as readonly string[]).includes(v ?? '');
}

const notSet = '未设置 not set';
const text = () =>
  z
    .string({ error: (i) => (i.input === undefined ? notSet : '须为文本 must be text') })
    .trim()
    .min(1, { error: notSet });
/** An optional variable set to the empty string counts as not set (as a shell or a manifest may leave it). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const optionalText = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const province = z.enum(provinces, {
  error: (i) =>
    i.input === undefined ? notSet : `须为 ${provinces.join('、')} 之一 must be one of ${provinces.join(', ')}`,
});

/** A port; absent or empty: the service's default port for its province (defaultPorts), 0: any free port. */
const port = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: '须为 0–65535 的端口号 must be a port number, 0–65535' });
        return z.NEVER;
      }
      return n;
    });

/** host:port of a sibling's gRPC server (`catalog.yrd-sh.svc:7315`, `127.0.0.1:7315`, `[::1]:7315`). */
const grpcAddress = () =>
  text().regex(/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
    error: '须为 主机:端口 must be host:port, e.g. catalog.yrd-sh.svc:7315',
  });

const httpUrl = () =>
  z.url({
    protocol: /^https?$/,
    error: (i) => (i.input === undefined ? notSet : '须为 http(s) 地址 must be an http(s) URL'),
  });

const whole = (min: number, def: number) =>
  z.coerce
    .number({ error: '须为整数 must be a whole number' })
    .int({ error: '须为整数 must be a whole number' })
    .min(min, { error: `不得小于 ${min} must be at least ${min}` })
    .default(def);

/** A file, read now as bytes; `read` turns them into what the service uses and throws to refuse it. */
const binaryFile = <T>(what: { zh: string; en: string }, read: (bytes: Buffer) => T) =>
  text().transform((path, ctx) => {
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      ctx.addIssue({ code: 'custom', message: `无法读取${what.zh} cannot read the ${what.en} at ${path}: ${reason}` });
      return z.NEVER;
    }
    try {
      return read(content);
    } catch (err) {
      const reason = (err as Error).message.slice(0, 300);
      ctx.addIssue({ code: 'custom', message: `${what.zh}无效 not a valid ${what.en} (${path}): ${reason}` });
      return z.NEVER;
    }
  });

/** A file, read now as UTF-8 text; `read` turns it into what the service uses and throws to refuse it. */
const file = <T>(what: { zh: string; en: string }, read: (text: string) => T) =>
  binaryFile(what, (bytes) => read(bytes.toString('utf8')));

/** A secret file's JSON: a parse error's message would quote the secret, so it is not passed on. */
function secretJson(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    throw new Error('不是 JSON not JSON');
  }
}

/**
 * the province's private signing key, a JWK of its crypto suite — Ed25519 (ed25519-sha256) or SM2
 * (sm2-sm3, { kty: 'EC', crv: 'SM2', x, y, d }): checked here, never logged
 */
const privateKeyFile = () =>
  file(
    { zh: '私钥', en: 'private key' },
    (t): { jwk: JsonWebKey; publicX: string | undefined; publicY: string | undefined } => {
      const jwk = secretJson(t) as JsonWebKey;
      let pub: { x: string; y?: string };
      try {
        const key =
          suiteOfJwk(jwk) === 'sm2-sm3' ? importPrivateJwk(jwk) : createPrivateKey({ key: jwk, format: 'jwk' });
        if (key.type !== 'private') throw new Error('not a private key');
        pub = exportPublicJwk(createPublicKey(key));
      } catch {
        // the library's message may quote the key: say what is wrong without it
        throw new Error('须为 Ed25519 或 SM2 私钥 JWK must be an Ed25519 or SM2 private JWK');
      }
      return { jwk, publicX: pub.x, publicY: pub.y };
    },
  );

const trustListFile = () =>
  file({ zh: '信任列表', en: 'trust list' }, (t): TrustAnchors => parseTrustAnchors(JSON.parse(t)));

const subjectKeysFile = () =>
  file({ zh: '主体密钥', en: 'subject keyring' }, (t): SubjectKeyring => {
    const ring = secretJson(t) as SubjectKeyring;
    // refuses a keyring it could not use (a short key, a current id that is not among the keys)
    new SubjectRefs(ring);
    return ring;
  });

/** A gzipped tarball (the bytes, for PGlite's loadDataDir); what it holds PGlite checks as it opens it. */
const emptyClusterFile = () =>
  binaryFile({ zh: '空集群文件', en: 'empty cluster' }, (bytes) => {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      throw new Error('不是 gzip 压缩的集群归档 not a gzipped cluster tarball (emptyClusterTarball())');
    }
    return bytes;
  });

const secretFile = () => file({ zh: '密码文件', en: 'password file' }, (t) => t.trim());

/** What every process reads: who it is, its keys, where it listens, how it logs. */
const common = {
  YRD_PROVINCE: province,
  /** the province's private key (JWK); only this province's processes read it */
  YRD_PROVINCE_KEY_FILE: privateKeyFile(),
  /** the regional trust list (public keys), as served at /api/audit/v1/trust-list */
  YRD_TRUST_LIST_FILE: trustListFile(),
  /** the address every listener binds (0.0.0.0 in a container) */
  YRD_HOST: optionalText(),
  YRD_HTTP_PORT: port(),
  YRD_ADMIN_PORT: port(),
  /**
   * after SIGTERM, how long the process goes on serving before it stops taking requests: the time
   * whatever routes to it needs to stop sending (a connection arriving as the listener closes is reset)
   */
  YRD_STOP_GRACE_MS: whole(0, 0),
  /** how long a stop may then take (in-flight requests, NATS drain, database) before the process gives up */
  YRD_STOP_TIMEOUT_MS: whole(1000, 20_000),
  YRD_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: '须为 fatal、error、warn、info、debug、trace、silent 之一 must be a pino level',
    })
    .default('info'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(httpUrl()),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: optional(httpUrl()),
  NODE_ENV: optionalText(),
};

/** What each of the four services reads beside: its NATS account, its database, its gRPC port. */
const backend = {
  ...common,
  YRD_GRPC_PORT: port(),
  /** one URL: the cluster's other nodes are learnt from it (in Kubernetes, the cluster's Service) */
  YRD_NATS_URL: text().regex(/^(nats|tls):\/\/[^\s,]+$/, { error: '须为一个 nats:// 地址 must be one nats:// URL' }),
  YRD_NATS_USER: text(),
  /**
   * how long the first connection to NATS, and then each JetStream set-up step of the start, is tried
   * again (a broker still starting, or too busy to answer) before the process gives up
   */
  YRD_NATS_CONNECT_WITHIN_MS: whole(0, 30_000),
  /** the account password, or a file holding it (a mounted secret): one of the two */
  YRD_NATS_PASSWORD: optionalText(),
  YRD_NATS_PASSWORD_FILE: optional(secretFile()),
  /** the regional subject keyring, the same in every province */
  YRD_SUBJECT_KEYS_FILE: subjectKeysFile(),
  /** PostgreSQL, or … */
  YRD_DATABASE_URL: optional(
    z.url({ protocol: /^postgres(ql)?$/, error: '须为 postgres:// 地址 must be a postgres:// URL' }),
  ),
  YRD_DATABASE_POOL_SIZE: whole(1, 4),
  /** … an embedded PGlite database in this folder, this process's own */
  YRD_DATA_DIR: optionalText(),
  /**
   * with YRD_DATA_DIR: a new folder's cluster starts from this empty one (`emptyClusterTarball()` of the
   * same PGlite) instead of running initdb, 6-7 s of CPU here; for starting many processes at once
   */
  YRD_PGLITE_EMPTY_CLUSTER_FILE: optional(emptyClusterFile()),
};

/** load the demo seeds on first start, each service its own part (the audit service has none) */
const seed = { YRD_SEED: envBool(false) };

type Issue = { path: string; message: string };
type Check<T> = (cfg: T) => Issue[];

const keyInTrustList: Check<{
  YRD_PROVINCE: Province;
  /** absent (the edge outside dev mode): nothing to check */
  YRD_PROVINCE_KEY_FILE?: { publicX: string | undefined; publicY?: string | undefined } | undefined;
  YRD_TRUST_LIST_FILE: TrustAnchors;
}> = (c) =>
  // a variable already refused has said so
  typeof c.YRD_TRUST_LIST_FILE?.provinces !== 'object' ||
  typeof c.YRD_PROVINCE_KEY_FILE?.publicX !== 'string' ||
  !(provinces as readonly unknown[]).includes(c.YRD_PROVINCE) ||
  c.YRD_TRUST_LIST_FILE.provinces[c.YRD_PROVINCE].keys.some(
    // an SM2 key has y too: both coordinates must be the list's
    (k) => k.jwk.x === c.YRD_PROVINCE_KEY_FILE?.publicX && k.jwk.y === c.YRD_PROVINCE_KEY_FILE?.publicY,
  )
    ? []
    : [
        {
          path: 'YRD_PROVINCE_KEY_FILE',
          message: `该私钥不是信任列表 (YRD_TRUST_LIST_FILE) 中 ${c.YRD_PROVINCE} 的密钥 this key is not ${c.YRD_PROVINCE}'s in the trust list (YRD_TRUST_LIST_FILE)`,
        },
      ];

const oneOf = (a: string, b: string, what: string) => (c: Record<string, unknown>) => {
  const has = (k: string) => c[k] !== undefined;
  if (has(a) && has(b)) return [{ path: b, message: `与 ${a} 只能设其一 set ${a} or ${b}, not both (${what})` }];
  if (!has(a) && !has(b)) return [{ path: a, message: `须设置 ${a} 或 ${b} set ${a} or ${b} (${what})` }];
  return [];
};

const backendChecks = [
  keyInTrustList,
  oneOf('YRD_NATS_PASSWORD', 'YRD_NATS_PASSWORD_FILE', 'NATS 账户密码 the NATS account password'),
  oneOf(
    'YRD_DATABASE_URL',
    'YRD_DATA_DIR',
    '本服务的数据库：PostgreSQL 或 PGlite 目录 the service’s database: PostgreSQL or a PGlite folder',
  ),
  (c: Record<string, unknown>) =>
    c.YRD_PGLITE_EMPTY_CLUSTER_FILE !== undefined && c.YRD_DATA_DIR === undefined
      ? [
          {
            path: 'YRD_PGLITE_EMPTY_CLUSTER_FILE',
            message: '仅用于 PGlite 目录 (YRD_DATA_DIR) only with a PGlite folder (YRD_DATA_DIR)',
          },
        ]
      : [],
];

/** Dev mode (seed users, dev tokens) needs YRD_DEV_MODE=true and is refused with NODE_ENV=production. */
const devModeAllowed: Check<{ YRD_DEV_MODE: boolean; NODE_ENV: string | undefined }> = (c) =>
  c.YRD_DEV_MODE && c.NODE_ENV === 'production'
    ? [
        {
          path: 'YRD_DEV_MODE',
          message: '生产环境 (NODE_ENV=production) 不得开启开发模式 refused when NODE_ENV=production',
        },
      ]
    : [];

/**
 * The schema with checks across variables. They run even when a variable was refused, so one start
 * reports every fault; each check skips a value that is not there or was refused (z.NEVER).
 */
function checked<S extends z.ZodObject, T extends z.output<S>>(schema: S, checks: Check<T>[]) {
  return schema.check(
    z.superRefine(
      (value, ctx) => {
        for (const check of checks) {
          for (const issue of check(value as T))
            ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
        }
      },
      { when: () => true },
    ),
  );
}

export const serviceSchemas = {
  catalog: checked(
    z.object({
      ...backend,
      ...seed,
      /** where users reach the province's edge: links the catalogue hands out (DCAT, Location) start with it */
      YRD_PUBLIC_BASE_URL: envPublicBaseUrl().pipe(z.string({ error: notSet })),
    }),
    backendChecks,
  ),
  consent: checked(z.object({ ...backend, ...seed, YRD_CATALOG_GRPC: grpcAddress() }), backendChecks),
  exchange: checked(
    z.object({ ...backend, ...seed, YRD_CATALOG_GRPC: grpcAddress(), YRD_CONSENT_GRPC: grpcAddress() }),
    backendChecks,
  ),
  audit: checked(
    z.object({
      ...backend,
      /** the exchange's admin listener (…/metrics), for the exchange statistics; absent: none */
      YRD_EXCHANGE_METRICS_URL: optional(httpUrl()),
    }),
    backendChecks,
  ),
  certificate: checked(
    z.object({
      ...backend,
      ...seed,
      /**
       * where the certificate service keeps its issuer and wallet keys (private JWK files, made at first
       * use); absent: in memory for this process only (its certificates' keys die with it)
       */
      YRD_CERTIFICATE_KEY_DIR: optionalText(),
    }),
    backendChecks,
  ),
  edge: checked(
    z.object({
      ...common,
      /** dev mode only: the edge signs dev tokens with it; otherwise it signs nothing and needs no private key */
      YRD_PROVINCE_KEY_FILE: optional(privateKeyFile()),
      YRD_CATALOG_URL: httpUrl(),
      YRD_CONSENT_URL: httpUrl(),
      YRD_EXCHANGE_URL: httpUrl(),
      YRD_AUDIT_URL: httpUrl(),
      YRD_CERTIFICATE_URL: httpUrl(),
      /** where users reach the edge (the API document's `servers`); absent: the origin asked */
      YRD_PUBLIC_BASE_URL: envPublicBaseUrl(),
      /** the built console served at `/`; absent: the API only */
      YRD_CONSOLE_DIR: optionalText(),
      YRD_DEV_MODE: envBool(false),
      /** dev mode only: the seed subjects' tokens carry references made with it */
      YRD_SUBJECT_KEYS_FILE: optional(subjectKeysFile()),
    }),
    [
      keyInTrustList,
      devModeAllowed,
      (c) =>
        c.YRD_DEV_MODE && !c.YRD_SUBJECT_KEYS_FILE
          ? [{ path: 'YRD_SUBJECT_KEYS_FILE', message: '开发模式下须设置 required in dev mode' }]
          : [],
      (c) =>
        c.YRD_DEV_MODE && !c.YRD_PROVINCE_KEY_FILE
          ? [{ path: 'YRD_PROVINCE_KEY_FILE', message: '开发模式下须设置 required in dev mode (dev tokens)' }]
          : [],
    ],
  ),
} satisfies Record<ProcessName, z.ZodType>;

export type ServiceConfig<N extends ProcessName> = z.output<(typeof serviceSchemas)[N]>;
export type BackendConfig = ServiceConfig<ServiceName>;

/** Reads one process's configuration; a ConfigError lists each variable at fault. */
export function parseServiceConfig<N extends ProcessName>(
  name: N,
  env: Record<string, string | undefined>,
): ServiceConfig<N> {
  return parseOptions(
    serviceSchemas[name],
    env,
    `配置无效，${name} 未启动 invalid configuration, ${name} did not start`,
  ) as ServiceConfig<N>;
}

/** Every variable a process reads, in its schema's order (the README's table and the test follow it). */
export function serviceVariables(name: ProcessName): string[] {
  return Object.keys(serviceSchemas[name].shape);
}
