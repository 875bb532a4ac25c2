// the one publisher now lives in @yrd/audit-events; re-exported for callers that took it from here
export { AuditPublisher } from '@yrd/audit-events';
export type { AuditLog, TracedRecord, VerifyResult } from './app/audit-log.js';
export { type AuditOptions, auditMigrations, type RunningAudit, startAudit } from './service.js';
