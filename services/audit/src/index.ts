export type { AuditLog, TracedRecord, VerifyResult } from './app/audit-log.js';
export { AuditPublisher } from './publisher.js';
export { type AuditOptions, auditMigrations, type RunningAudit, startAudit } from './service.js';
