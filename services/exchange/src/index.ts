export type { DatasetSeed } from './adapters/db.js';
export type { FeedOptions, Feeds } from './feeds.js';
export { type ExchangeOptions, exchangeMigrations, type RunningExchange, startExchange } from './service.js';
