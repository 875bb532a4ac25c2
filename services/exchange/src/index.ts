export type { DatasetSeed } from './adapters/db.js';
export type { FeedOptions, Feeds } from './feeds.js';
export {
  type ExchangeOptions,
  exchangeOptionsSchema,
  type ParsedExchangeOptions,
  parseExchangeOptions,
} from './options.js';
export {
  buildExchange,
  type ExchangeModule,
  exchangeMigrations,
  type RunningExchange,
  startExchange,
} from './service.js';
