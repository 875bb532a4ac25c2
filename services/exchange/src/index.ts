export type { DatasetSeed } from './adapters/db.js';
export { type ExchangeOptions, exchangeMigrations, type RunningExchange, startExchange } from './service.js';
