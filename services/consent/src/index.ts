export { canonicalJson } from './app/artefact.js';
export { ConsentApp, provinceOfId } from './app/consent.js';
export * from './domain/index.js';
export {
  type ConsentOptions,
  consentMigrations,
  type RunningConsent,
  type SeedConsent,
  startConsent,
} from './service.js';
