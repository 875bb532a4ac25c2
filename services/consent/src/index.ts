export { canonicalJson } from './app/artefact.js';
export {
  Applications,
  Authorization,
  ConsentApp,
  Consents,
  Grants,
  ProvinceRules,
  provinceOfId,
} from './app/consent.js';
export * from './domain/index.js';
export {
  buildConsent,
  type ConsentModule,
  type ConsentOptions,
  consentMigrations,
  consentOptionsSchema,
  type RunningConsent,
  type SeedConsent,
  startConsent,
} from './service.js';
