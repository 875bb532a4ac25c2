import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths that may hold personal data. Logs never carry it: the values are replaced before writing.
 * (Identifiers of people travel as hashes in the platform; this is the net under that rule.)
 */
export const redactPaths = [
  'req.headers.authorization',
  '*.authorization',
  '*.token',
  '*.requesterToken',
  '*.key',
  '*.claims',
  '*.records',
  '*.idNumber',
  '*.name',
  '*.phone',
  '*.address',
  'key',
  'claims',
  'records',
  'token',
];

export interface LoggerConfig {
  level?: string;
  name: string;
  pretty?: boolean;
  base?: Record<string, unknown>;
}

/** One root logger per service; components take `logger.child({ component })`. */
export function createLogger(cfg: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name: cfg.name,
    level: cfg.level ?? 'info',
    base: { ...(cfg.base ?? {}) },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** For tests: a logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
