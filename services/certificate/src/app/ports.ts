/** What the use cases store and read; adapters/db.ts is the PostgreSQL/PGlite implementation. */
import type { Province } from '@yrd/region';
import type { CertificateType } from '../domain/catalogue.js';
import type { CertificatePayload, HolderReference } from '../domain/certificate.js';
import type { Disclosure } from '../domain/disclosure.js';
import type { Dispute } from '../domain/dispute.js';
import type { CertificateState, LifecycleEvent } from '../domain/lifecycle.js';
import type { StatusPurpose } from '../domain/status-list.js';
import type { SuiteSigner } from '../domain/suite.js';
import type { UseForward } from '../domain/use-forward.js';

export interface StoredType {
  type: CertificateType;
  createdBy: string;
  updatedAt: string;
}

export interface StoredCertificate {
  id: string;
  typeCode: string;
  issuerCode: string;
  holder: HolderReference;
  credential: string;
  disclosures: Disclosure[];
  payload: CertificatePayload;
  state: CertificateState;
  issuedBy: string;
}

/** 用证清单: a public service (事项) and, per material it asks for, the types that replace it. */
export interface PublicService {
  code: string;
  name: string;
  materials: { material: string; certificateTypes: string[] }[];
  updatedBy: string;
  updatedAt: string;
}

export interface Authorisation {
  id: string;
  holderRef: string;
  user: { province: string; sub: string };
  purpose: string;
  typeCodes: string[];
  validUntil: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface CertificateUse {
  id: string;
  certificateId: string;
  holderRef: string;
  kind: 'fetch' | 'verification';
  user: { province: string; sub: string; agency: string; kind: string };
  serviceCode: string | null;
  purpose: string | null;
  authorisationId: string | null;
  outcome: string;
  at: string;
  /** the province that recorded the use: this one, or the one that verified this province's certificate */
  recordedIn: string;
}

export interface StatusListRow {
  size: number;
  bits: Uint8Array;
  updatedAt: string;
}

export interface CertificateStore {
  getType(code: string): Promise<StoredType | undefined>;
  listTypes(): Promise<StoredType[]>;
  /** inserts (create) or replaces (update) a type; false when create finds it exists */
  putType(t: StoredType, create: boolean): Promise<boolean>;

  nextSerial(issuerCode: string, year: number): Promise<number>;
  keyCertificates(): Promise<{ kid: string; role: string; agency: string | null; compact: string }[]>;
  putKeyCertificate(k: {
    kid: string;
    role: string;
    agency: string | null;
    compact: string;
    at: string;
  }): Promise<void>;

  ensureStatusLists(list: string, size: number, at: string): Promise<void>;
  /** reserves `index` in list pair `list`; false when a certificate owns it already */
  reserveStatusIndex(list: string, index: number): Promise<boolean>;
  statusList(list: string, purpose: StatusPurpose): Promise<StatusListRow | undefined>;

  /** a new version; with `supersede`, the old version's state changes only if still `from`, in one transaction */
  insertCertificate(
    c: StoredCertificate,
    events: readonly LifecycleEvent[],
    supersede?: { state: CertificateState; from: string },
  ): Promise<boolean>;
  getCertificate(id: string): Promise<StoredCertificate | undefined>;
  certificatesOfHolder(holderRef: string): Promise<StoredCertificate[]>;
  /** the holder's current (not superseded) version of a type */
  currentOfHolder(holderRef: string, typeCode: string): Promise<StoredCertificate | undefined>;
  /** moves a version from state `from` to `state`, with the status bits its events set; false when it moved on */
  applyLifecycle(state: CertificateState, from: string, events: readonly LifecycleEvent[]): Promise<boolean>;

  /** true the first time a nonce is seen (until it expires) */
  firstUse(jti: string, expiresAt: string, now: string): Promise<boolean>;

  putForeign(
    kind: 'key_certificate' | 'status_list',
    key: string,
    province: string,
    compact: string,
    at: string,
  ): Promise<void>;
  foreign(kind: 'key_certificate' | 'status_list'): Promise<string[]>;

  putService(s: PublicService): Promise<void>;
  getService(code: string): Promise<PublicService | undefined>;
  listServices(): Promise<PublicService[]>;

  insertAuthorisation(a: Authorisation): Promise<void>;
  authorisationsOfHolder(holderRef: string): Promise<Authorisation[]>;
  getAuthorisation(id: string): Promise<Authorisation | undefined>;
  revokeAuthorisation(id: string, at: string): Promise<boolean>;
  authorisationsFor(holderRef: string, user: { province: string; sub: string }): Promise<Authorisation[]>;

  /** records a use; with `forward`, its send to the issuing province too, in the same transaction */
  insertUse(u: CertificateUse, forward?: { issuer: Province; body: UseForward }): Promise<void>;
  /** keeps a use another province sent: `duplicate` when that province sent it before, `taken` when the id is another's */
  receiveUse(u: CertificateUse): Promise<'stored' | 'duplicate' | 'taken'>;
  /** forwards not yet acknowledged nor refused whose time has come, oldest first */
  dueForwards(now: string, limit: number): Promise<PendingForward[]>;
  forwardSent(id: string, at: string): Promise<void>;
  forwardFailed(id: string, attempts: number, nextAt: string, error: string): Promise<void>;
  forwardRefused(id: string, attempts: number, code: string): Promise<void>;
  usesOfHolder(holderRef: string, limit: number): Promise<CertificateUse[]>;
  hasUsed(certificateId: string, user: { province: string; sub: string }): Promise<boolean>;

  insertDispute(d: Dispute, issuerCode: string): Promise<void>;
  getDispute(id: string): Promise<{ dispute: Dispute; issuerCode: string } | undefined>;
  /** closes a dispute still open; false when it was resolved meanwhile */
  resolveDispute(d: Dispute): Promise<boolean>;
  disputesOfIssuer(issuerCode: string, openOnly: boolean): Promise<Dispute[]>;
}

/**
 * The province's signing keys as the use cases see them (adapters/keys.ts keeps them): the root that
 * certifies keys and signs status lists, one issuer key per issuing agency, the wallet key.
 */
export interface KeyRing {
  root(): SuiteSigner;
  issuer(agencyCode: string): SuiteSigner;
  wallet(): SuiteSigner;
}

/** A use recorded here and not yet acknowledged by the province that issued the certificate. */
export interface PendingForward {
  id: string;
  issuer: Province;
  body: UseForward;
  attempts: number;
}
