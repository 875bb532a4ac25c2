// the one publisher now lives in @yrd/audit-events; re-exported for callers that took it from here
export { AuditPublisher } from '@yrd/audit-events';
export type { AuditLog, ConsistencyView, TracedRecord, TracePage, VerifyResult } from './app/audit-log.js';
export type { AuditExport } from './domain/export.js';
export { type AuditOptions, auditMigrations, type RunningAudit, startAudit } from './service.js';
