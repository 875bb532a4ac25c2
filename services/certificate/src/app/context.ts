/** What every use case of the certificate service gets: storage, trust, time, randomness, the audit port. */
import type { AuditSink } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import type { Logger } from '@yrd/logger';
import type { Province, SubjectRefs } from '@yrd/region';
import type { WorkingDays } from '../domain/dispute.js';
import type { SuiteVerifier } from '../domain/suite.js';
import type { CertificateStore } from './ports.js';
import type { ProvinceTrust } from './trust.js';

export interface CertificateContext {
  province: Province;
  store: CertificateStore;
  trust: ProvinceTrust;
  subjectRefs: SubjectRefs;
  clock: () => Date;
  audit: AuditSink;
  logger: Logger;
  workingDays: WorkingDays;
  disputeDays: number;
  /** Cache-Control max-age of the public status lists and keys */
  statusListMaxAge: number;
  verifier: SuiteVerifier;
  randomBytes: (n: number) => Uint8Array;
  /** told when a use was queued for another province (use-forwarding.ts), so it leaves at once */
  forwarding: { wake(): void };
}

/** Who a principal is in records: never a personal number, only ids the token carries. */
export const actorOf = (p: Principal) => ({ province: p.province, sub: p.sub, agency: p.agency, kind: p.kind });

/** Today in China time, YYYY-MM-DD (certificate dates are Beijing dates). */
export const chinaToday = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
