export { type AuditEventInit, auditEvent, sha256Hex } from './event.js';
export { AUDIT_UNAVAILABLE, type AuditFailure, AuditPublisher, type AuditSink, type Published } from './publisher.js';
