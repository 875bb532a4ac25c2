/** The auditor's own check of what the audit API shows (docs/audit-format.md), in the browser. */
export * from './checks';
export type { Cosignature, SignedHead, TrustKey, TrustList } from './signatures';
export { checkpointText } from './signatures';
export type { HashName, SuiteId } from './suites';
