/**
 * The exchange's options, as the node (or a test) hands them to `buildExchange`: one zod schema,
 * parsed once at build. The secret resolver passes through as given (checked to be a function, not
 * wrapped); a bad option stops the build with an error that names it.
 */
import { parseOptions, type SecretResolver, timerMs } from '@yrd/config';
import { z } from 'zod';
import type { PolicyDecider } from './app/exchange.js';
import type { FeedOptions } from './feeds.js';

const count = (max: number) =>
  z
    .number({ error: '须为数字 must be a number' })
    .int({ error: '须为整数 must be a whole number' })
    .positive({ error: '须大于 0 must be greater than 0' })
    .max(max, { error: `不得超过 ${max} must be at most ${max}` });

const strictObject = <S extends z.ZodRawShape>(shape: S, what: string) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `未知选项 unknown option(s): ${iss.keys.join(', ')}` : `须为对象 ${what}`,
  });

/** Every delivery tunable of subscriptions (订阅), each optional: a default fills what is absent. */
const feedShape = {
  batchSize: count(10_000).optional(),
  idleWaitMs: timerMs().optional(),
  decisionTtlMs: timerMs().optional(),
  retryMinMs: timerMs().optional(),
  retryMaxMs: timerMs().optional(),
  recheckMs: timerMs().optional(),
  deliverTimeoutMs: timerMs().optional(),
  providerTimeoutMs: timerMs().optional(),
  retentionDays: count(3650).optional(),
  ackWaitMs: timerMs().optional(),
} satisfies Record<keyof FeedOptions, z.ZodType>;

const feeds = strictObject(feedShape, 'feed options must be an object').refine(
  (f) => f.retryMinMs === undefined || f.retryMaxMs === undefined || f.retryMinMs <= f.retryMaxMs,
  { error: '重试最短间隔不得大于最长间隔 retryMinMs must not exceed retryMaxMs', path: ['retryMinMs'] },
);

const dataset = strictObject(
  {
    resourceId: z
      .string({ error: '须为资源标识 must be a resource id' })
      .min(1, { error: '不能为空 must not be empty' }),
    keyItems: z.array(z.string({ error: '须为信息项名 must be item names' }), {
      error: '须为信息项列表 must be a list',
    }),
    records: z.array(z.record(z.string(), z.string({ error: '记录的值须为文本 record values must be text' })), {
      error: '须为记录列表 must be a list of records',
    }),
  },
  'a dataset must be an object',
);

const shape = {
  /** records this province serves; loaded once, when the table is empty */
  datasets: z.array(dataset, { error: '须为数据集列表 must be a list of datasets' }).optional(),
  /** how long a requester waits for the provider province (default 5000 ms) */
  timeoutMs: timerMs().optional(),
  /**
   * how long a request being served holds its id (default 6 × timeoutMs): a crash leaves the id
   * held no longer than this, after which a retry is served
   */
  replayLeaseMs: timerMs().optional(),
  /** how often this exchange announces it is up (default 1000 ms); silent for 3 beats = down */
  presenceBeatMs: timerMs().optional(),
  /**
   * data sources: how a source's secretRef is looked up (none: it never resolves), and whether this
   * is production, where plain http to another host is refused
   */
  sources: strictObject(
    {
      secrets: z
        .custom<SecretResolver>((v) => typeof v === 'function', {
          error: '须为按引用取密钥的函数 must be a function from a secret reference to its value',
        })
        .optional(),
      production: z.boolean({ error: '须为 true 或 false must be true or false' }).optional(),
    },
    'source options must be an object',
  ).optional(),
  /** subscriptions (订阅): delivery tunables, timeouts and feed retention */
  feeds: feeds.optional(),
  /**
   * the province's consent decision point when it runs in this process (the node's all-in-one
   * mode): asked directly, as a function call, instead of over gRPC to `grpcAddress.consent`. The
   * same use case answers either way; only the hop (serialising, HTTP/2, a deadline) is saved.
   */
  policy: z
    .custom<PolicyDecider>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { authorize?: unknown }).authorize === 'function',
      { error: '须有 authorize 方法 must have an authorize method' },
    )
    .optional(),
} satisfies Record<string, z.ZodType>;

export const exchangeOptionsSchema = strictObject(shape, 'exchange options must be an object');

/** What the exchange is built with (as given; see exchangeOptionsSchema). */
export type ExchangeOptions = z.input<typeof exchangeOptionsSchema>;
export type ParsedExchangeOptions = z.output<typeof exchangeOptionsSchema>;

/** The options checked once; a bad one throws a ConfigError naming each field at fault. */
export function parseExchangeOptions(value: unknown): ParsedExchangeOptions {
  return parseOptions(exchangeOptionsSchema, value, '交换服务选项无效 invalid exchange options');
}
