// the one publisher now lives in @yrd/audit-events; re-exported for callers that took it from here
export { AuditPublisher } from '@yrd/audit-events';
/** the audit ingestion's durable consumer on the province's AUDIT stream (its lag is a metric) */
export { AUDIT_CONSUMER } from './adapters/nats.js';
export type { AuditLog, ConsistencyView, TracedRecord, TracePage, VerifyResult } from './app/audit-log.js';
export type { AuditExport } from './domain/export.js';
export {
  type AuditModule,
  type AuditOptions,
  auditMigrations,
  auditOptionsSchema,
  buildAudit,
  type RunningAudit,
  startAudit,
} from './service.js';
