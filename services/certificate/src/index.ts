/** @yrd/certificate — 电子证照: the domain, and the service that issues, publishes and verifies. */
export { certificatePublicRoutes } from './adapters/http.js';
export { CertificateApp } from './app/index.js';
export * from './domain/index.js';
export {
  buildCertificate,
  type CertificateModule,
  type CertificateOptions,
  certificateMigrations,
  certificateOptionsSchema,
  certificateRootKey,
  type RunningCertificate,
  startCertificate,
  trustFromAnchors,
} from './service.js';
