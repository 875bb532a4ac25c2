/**
 * The edge's options, validated once when it is built: a wrong value stops the node with a message
 * that names the option, rather than an edge that signs dev tokens with another province's key or
 * forwards to a URL that is not one.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ProvinceKey, requesterKinds, roles, type TokenVerifier } from '@yrd/auth';
import { parseOptions } from '@yrd/config';
import type { Logger } from '@yrd/logger';
import { provinces, services } from '@yrd/region';
import type { Registry } from '@yrd/telemetry';
import { z } from 'zod';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const hasMethods = (v: unknown, names: string[]) =>
  isObject(v) && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function');
const isKeyObject = (v: unknown): v is KeyObject =>
  isObject(v) && typeof v.type === 'string' && typeof (v as { export?: unknown }).export === 'function';
const port = z.number().int().min(0).max(65535);
const upstream = z.url({
  protocol: /^https?$/,
  error: '须为 http(s) 地址 must be an http(s) URL',
});

export const devUserSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string(),
  agency: z.string(),
  province: z.enum(provinces),
  roles: z.array(z.enum(roles)),
  kind: z.enum(requesterKinds),
  /** the hashed reference to the person, for a data subject's token */
  subjectRef: z
    .string()
    .regex(/^[0-9a-f]{64}$/, '须为 64 位十六进制哈希 must be the 64-hex hashed subject reference')
    .optional(),
});
export type DevUser = z.infer<typeof devUserSchema>;

export const edgeOptionsSchema = z
  .object({
    province: z.enum(provinces),
    logger: z.custom<Logger>((v) => hasMethods(v, ['child', 'info', 'warn', 'error']), {
      message: '须为 pino 日志器 must be a pino logger',
    }),
    verifier: z.custom<TokenVerifier>((v) => hasMethods(v, ['verifyUser']), {
      message: '须为令牌校验器 must be a TokenVerifier',
    }),
    /**
     * the province's signing key: dev tokens are signed with it, and nothing else at the edge is. Only
     * in dev mode (with `devUsers`): the process facing the internet does not hold the province's
     * private key otherwise.
     */
    key: z
      .custom<ProvinceKey>(
        (v) =>
          isObject(v) &&
          typeof v.kid === 'string' &&
          v.kid.length > 0 &&
          typeof v.province === 'string' &&
          isKeyObject(v.privateKey) &&
          isKeyObject(v.publicKey),
        { message: '须为本省签名密钥 must be a ProvinceKey (province, kid, private and public key)' },
      )
      .optional(),
    /** base URL of each service's HTTP API */
    upstreams: z.object(
      Object.fromEntries(services.map((s) => [s, upstream])) as Record<(typeof services)[number], typeof upstream>,
    ),
    /** dev mode: seed users and the dev-token route; never in production (checked by config) */
    devUsers: z.array(devUserSchema).optional(),
    tokenTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    host: z.string().min(1).optional(),
    /** the public listener (absent or 0: a free port, as in tests) */
    port: port.optional(),
    /** GET /metrics on its own listener, not proxied and not behind the token check (absent: a free port) */
    adminPort: port.optional(),
    /** the province's public base URL, the `servers` of its API document (absent: the origin asked) */
    publicBaseUrl: upstream.optional(),
    /** the built console (index.html and assets/) served at `/`; absent: no console, the API only */
    consoleDir: z.string().min(1).optional(),
    /**
     * services running in the edge's own process (a province node): their requests are handed to
     * them there, not sent over HTTP to their `upstreams` URL (still used for /healthz and the API
     * document)
     */
    local: z
      .partialRecord(
        z.enum(services),
        z.custom<(req: IncomingMessage, res: ServerResponse) => void>((v) => typeof v === 'function', {
          message: '须为请求处理函数 must be a (req, res) handler',
        }),
      )
      .optional(),
    /** the edge's registry (absent: its own, labelled with the province) */
    metrics: z
      .custom<Registry>((v) => hasMethods(v, ['metrics', 'registerMetric']), {
        message: '须为 Prometheus 指标注册表 must be a prom-client Registry',
      })
      .optional(),
  })
  .superRefine((o, ctx) => {
    if (o.devUsers !== undefined && o.key === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: '开发模式须有本省签名密钥 dev mode signs dev tokens: the province key is required',
      });
    }
    // a dev token of this province signed with another province's key would be refused everywhere
    if (isObject(o.key) && o.key.province !== o.province) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: `密钥属于 ${o.key.province}，不是本省 ${o.province} the key is ${o.key.province}'s, not ${o.province}'s`,
      });
    }
  });

export type EdgeOptions = z.input<typeof edgeOptionsSchema>;

/** The options as the edge uses them; throws a ConfigError naming each wrong option. */
export function parseEdgeOptions(options: unknown): z.output<typeof edgeOptionsSchema> {
  return parseOptions(edgeOptionsSchema, options, '边缘网关选项无效 invalid edge options');
}
