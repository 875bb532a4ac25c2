/**
 * Every subject the platform uses, in one place. Subjects that cross provinces exist only as
 * account exports/imports (see server-config.ts); everything else stays inside one account.
 */
import type { Province } from '@yrd/region';

export const subjects = {
  /** request lane of requester R into provider P; exported by P to R only */
  exchangeLane: (provider: Province, requester: Province, mode: string) => `xchg.${provider}.from.${requester}.${mode}`,
  /** what provider P's exchange listens on (every lane, the broker fills in the requester) */
  exchangeLanes: (provider: Province) => `xchg.${provider}.from.*.*`,
  catalogEvents: (p: Province) => `catalog.${p}.events`,
  catalogSync: (p: Province) => `catalog.${p}.sync`,
  revocations: (p: Province) => `consent.${p}.revocations`,
  /** JetStream subjects of a province's own audit stream (internal to its account) */
  audit: (p: Province, kind: string) => `audit.${p}.${kind}`,
  auditAll: (p: Province) => `audit.${p}.>`,
} as const;

export const auditStream = (p: Province) => `AUDIT_${p.toUpperCase()}`;
