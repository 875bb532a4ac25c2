export type { DatasetSeed } from './adapters/db.js';
export { type MaskingProfile, mask, maskingProfiles, maskRecord } from './domain/masking.js';
export { type ExchangeOptions, exchangeMigrations, type RunningExchange, startExchange } from './service.js';
