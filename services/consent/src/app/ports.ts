/**
 * What the consent use cases need from outside: the records they keep and the one interface they
 * keep them through, the catalogue, the revocation register and the other provinces. They live on
 * the app side so that the app never imports an adapter; the adapters implement them (the database
 * adapter `ConsentStore`, the gRPC catalogue `ResourceLookup`, the NATS lanes `ConsentPeers`) and
 * service.ts hands them in.
 */
import type { Principal } from '@yrd/auth';
import type { catalogV1, consentV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { GrantView, Mode } from '../domain/index.js';
import type { PolicyRules } from '../domain/rules.js';

export type Application = consentV1.ApplicationView;

export type ApplicationStep = consentV1.ApplicationStep;

export interface Grant extends GrantView {
  applicationId: string;
  resourceVersion: number;
  revokedAt: string;
  /** requests per minute the requester may make under the grant */
  ratePerMinute: number;
}

export interface StoredConsent extends consentV1.ConsentArtefact {
  subjectUser: string;
}

/** One version of the province's rules, with who changed them, when and why. */
export interface RulesVersion {
  version: number;
  rules: PolicyRules;
  changedBy: string;
  changedAt: string;
  reason: string;
  changedFields: string[];
}

/** A worklist query: applications by stage, of one provider agency or the whole province. */
export interface ApplicationFilter {
  status?: string | undefined;
  providerAgency?: string | undefined;
  limit: number;
}

/** The consent service's storage of applications, grants, consents and rules. */
export interface ConsentStore {
  /** A new application and its first step, atomically. */
  insertApplication(a: Application, step: ApplicationStep): Promise<void>;
  /** Removes an application nobody has been told of (its audit event could not be published). */
  withdrawApplication(id: string): Promise<void>;
  getApplication(id: string): Promise<Application | undefined>;
  /** Several at once, in two reads (the requester's list asks for up to a hundred); missing ones left out. */
  getApplications(ids: readonly string[]): Promise<Application[]>;
  /**
   * Moves an application one step (with the grant an approval creates) atomically, only from the
   * stage `from` the step was decided on; false when the application had moved on already.
   */
  advance(a: Application, from: string, step: ApplicationStep, grant?: Grant): Promise<boolean>;
  /** Applications still waiting on someone whose due date has passed. */
  overdueApplications(at: string, limit?: number): Promise<Application[]>;
  listApplications(f: ApplicationFilter): Promise<Application[]>;

  currentRules(): Promise<RulesVersion | undefined>;
  rulesVersion(version: number): Promise<RulesVersion | undefined>;
  rulesHistory(): Promise<RulesVersion[]>;
  /** Stores a version of the rules; false when that version number is taken (a concurrent change). */
  insertRules(r: RulesVersion): Promise<boolean>;

  getGrant(id: string): Promise<Grant | undefined>;
  revokeGrant(id: string, at: string): Promise<void>;
  /** Grants and consents past their validity become expired. */
  expireLapsed(at: string): Promise<{ grants: number; consents: number }>;

  consentsOf(subjectUser: string): Promise<StoredConsent[]>;
  insertConsent(c: StoredConsent): Promise<void>;
  /** Removes a consent nobody has been handed yet (its audit event could not be published). */
  withdrawConsent(id: string): Promise<void>;
  countConsents(): Promise<number>;
  getConsent(id: string): Promise<StoredConsent | undefined>;
  consentUsed(id: string): Promise<boolean>;
  /** Records the one fetch of a once-only consent; false when it was already used (a racing fetch). */
  useConsent(id: string, at: string, requester: string): Promise<boolean>;
  revokeConsent(id: string, at: string): Promise<void>;
}

/**
 * 我的申请 at the requester's province: which applications its requesters submitted, to which
 * province, and the state last read from there. The application itself lives at the provider.
 */
export interface OutgoingApplication {
  id: string;
  providerProvince: Province;
  resourceId: string;
  requesterAgency: string;
  requesterUser: string;
  submittedAt: string;
  /** the provider's state when last read ('' never read) */
  lastStatus: string;
  /** the grant an approval created, as last read */
  grantId: string;
  lastSeenAt: string;
}

/** One page of an agency's outgoing applications, newest first. */
export interface OutgoingFilter {
  requesterAgency: string;
  /** by the state last read from the provider */
  status?: string | undefined;
  /** only those whose last read state is not one of these */
  notStatus?: readonly string[] | undefined;
  offset: number;
  limit: number;
}

/** The requester province's record of its outgoing applications. */
export interface OutgoingStore {
  recordOutgoing(o: OutgoingApplication): Promise<void>;
  listOutgoing(f: OutgoingFilter): Promise<{ rows: OutgoingApplication[]; total: number }>;
  /** the state just read from the provider */
  noteOutgoing(id: string, status: string, grantId: string, at: string): Promise<void>;
}

/** What the provider answers for a batch of applications: those the caller may see, and their grants. */
export interface ApplicationsAnswer {
  applications: Application[];
  grants: Grant[];
}

/** The local catalogue (own entries plus the regional view of the others' published ones). */
export interface ResourceLookup {
  /** undefined when the catalogue has no such published entry */
  get(id: string): Promise<catalogV1.Resource | undefined>;
  /** the entry and, when the province's 负面清单 covers it, that line */
  lookup?(id: string): Promise<catalogV1.GetResourceResponse | undefined>;
}

/** The revocation register: grants and consents revoked anywhere in the region (see revocations.ts). */
export interface RevocationCheck {
  isRevoked(id: string): boolean;
}

/** What a requester asks for in an application (共享申请). */
export interface ApplicationInput {
  resourceId: string;
  purpose: string;
  legalBasis: string;
  items: string[];
  validUntil: string;
  modes: Mode[];
  /** requests per minute asked for under the grant (default 60) */
  ratePerMinute?: number | undefined;
  /**
   * The requester's Idempotency-Key: the same key from the same user names the same application, so
   * a submission sent again answers the application it filed instead of filing another
   */
  idempotencyKey?: string | undefined;
}

/** The consent services of the other provinces, reached over the consent lanes. */
export interface ConsentPeers {
  apply(provider: Province, by: Principal, input: ApplicationInput): Promise<Application>;
  getApplication(provider: Province, by: Principal, id: string): Promise<Application>;
  /** one grant of the caller's agency, read where it lives: at the provider */
  getGrant(provider: Province, by: Principal, id: string): Promise<Grant>;
  /** several applications of the caller's agency at once (at most 100), with their grants */
  applications(provider: Province, by: Principal, ids: string[]): Promise<ApplicationsAnswer>;
  fetchConsent(issuer: Province, id: string): Promise<consentV1.ConsentArtefact>;
  /** asks the provider province's data authority to coordinate a rejected application */
  requestCoordination(provider: Province, by: Principal, id: string, reason: string): Promise<Application>;
  /** tells every province that a grant or consent is revoked */
  announceRevocation(kind: 'grant' | 'consent', id: string, at: string): Promise<void>;
}
