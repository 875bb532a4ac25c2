/**
 * Configuration is parsed once, in main.ts, from the environment with a zod schema; nothing else
 * reads process.env. A bad value stops the process with a message that names the variable.
 */
import { z } from 'zod';

export { z };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * A service's options, given in code (by the node, a test, a bench), checked once when the service is
 * built: a wrong one throws a ConfigError whose lines name each field at fault — `what` says whose
 * options they are, in Chinese and English.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new ConfigError(`${what}:\n${lines.join('\n')}`);
}

/** setTimeout and setInterval hold at most 2^31 − 1 ms; a longer wait fires at once, every millisecond. */
export const maxTimerMs = 2_147_483_647;

/** A wait or a period in whole milliseconds, at least `min` (default 1), at most what a timer holds. */
export const timerMs = (min = 1) =>
  z
    .number({ error: '须为毫秒数 must be a number of milliseconds' })
    .int({ error: '须为整数毫秒 must be whole milliseconds' })
    .min(min, { error: min > 0 ? '须大于 0 must be greater than 0' : '不得为负 must not be negative' })
    .max(maxTimerMs, { error: '不得超过 2147483647 毫秒 must be at most 2147483647 ms (24.8 days)' });

/** "true"/"1"/"yes" → true; anything else false; absent → the default. */
export const envBool = (def: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())));

export const envPort = (def: number) => z.coerce.number().int().min(0).max(65535).default(def);

/**
 * Dev mode (dev tokens, seed users) must be impossible to switch on by accident in production:
 * it needs YRD_DEV_MODE=true, and NODE_ENV=production refuses it outright.
 */
export function assertDevModeAllowed(devMode: boolean, nodeEnv: string | undefined) {
  if (devMode && nodeEnv === 'production') {
    throw new ConfigError('YRD_DEV_MODE=true is refused when NODE_ENV=production');
  }
}

/**
 * Looks a secret up by reference at the moment it is needed, so a rotated value is picked up
 * without a restart and the value never sits in a config object that might be logged.
 * `undefined` means "not set" (or a scheme this resolver does not know).
 */
export type SecretResolver = (ref: string) => string | undefined;

const envRef = /^env:([A-Z_][A-Z0-9_]{0,127})$/;

/**
 * Secrets named `env:NAME`, read from the environment main.ts hands over — main.ts stays the only
 * place that touches process.env; services get this function, not the environment.
 */
export function envSecrets(env: Readonly<Record<string, string | undefined>>): SecretResolver {
  return (ref) => {
    const name = envRef.exec(ref)?.[1];
    if (!name) return undefined;
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
}

/**
 * Where a province's users reach the platform (its edge, or the gateway in front of it), e.g.
 * `https://sh.yrd.example` or `https://gw.example/yrd-sh`. Every link the platform hands out
 * (DCAT export, `Location`) starts with it, so it is configured, never taken from a request's
 * Host or X-Forwarded-* headers, which any caller can set. Returned without a trailing slash.
 */
export function publicBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`not a URL: ${JSON.stringify(value.slice(0, 80))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('must be http(s)');
  if (url.username || url.password) throw new ConfigError('must not carry credentials');
  if (url.search || url.hash || value.includes('?') || value.includes('#'))
    throw new ConfigError('must not carry a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** An optional public base URL in the environment (see publicBaseUrl); absent or empty = undefined. */
export const envPublicBaseUrl = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        return publicBaseUrl(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `public base URL ${(err as Error).message}` });
        return z.NEVER;
      }
    });
