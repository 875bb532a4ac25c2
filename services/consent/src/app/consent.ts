/**
 * The consent service's use cases, wired once: applications (共享申请) and their review, grants
 * (授权), data subjects' consents (授权书), the province's rules, and the Authorize decision the
 * provider's exchange asks for before serving. Each lives in its own module; this one builds them
 * over the same ports and hands them out.
 *
 * Every fact of that lifecycle goes on the audit trail (留痕) of the province that stores it: see
 * trail.ts for the order of database write and publish.
 */
import type { AuditSink } from '@yrd/audit-events';
import type { Principal, ProvinceKey, TrustList } from '@yrd/auth';
import type { Logger } from '@yrd/logger';
import type { consentV1 } from '@yrd/proto';
import type { Province, SubjectRefs } from '@yrd/region';
import type { PolicyRules } from '../domain/rules.js';
import { type ApplicationDecision, Applications } from './applications.js';
import { Authorization } from './authorize.js';
import { type ConsentInput, Consents } from './consents.js';
import { Grants } from './grants.js';
import { OutgoingApplications } from './outgoing.js';
import type {
  Application,
  ApplicationInput,
  ConsentPeers,
  ConsentStore,
  Grant,
  OutgoingStore,
  ResourceLookup,
  RevocationCheck,
  RulesVersion,
  StoredConsent,
} from './ports.js';
import { ProvinceRules } from './rules.js';
import { AuditTrail } from './trail.js';
import { TrustKeys } from './trust.js';

export { type ApplicationDecision, Applications } from './applications.js';
export { Authorization } from './authorize.js';
export { type ConsentInput, Consents } from './consents.js';
export { Grants } from './grants.js';
export { provinceOfId } from './ids.js';
export { OutgoingApplications, type OutgoingGrant, type OutgoingView } from './outgoing.js';
export { ProvinceRules } from './rules.js';

export interface ConsentAppDeps {
  province: Province;
  repo: ConsentStore;
  /** 我的申请: the record of what this province's requesters submitted */
  outgoing: OutgoingStore;
  catalog: ResourceLookup;
  peers: ConsentPeers;
  audit: AuditSink;
  key: ProvinceKey;
  subjectRefs: SubjectRefs;
  /** the regional trust list: verifies consent artefacts issued by other provinces */
  trust: Partial<TrustList>;
  clock: () => Date;
  logger: Logger;
  /** without one, only the issuer's own word (its table, or the live fetch) says what is revoked */
  revocations?: RevocationCheck | undefined;
}

/**
 * The use cases of one province's consent service. The adapters each take the use case they serve
 * (`applications`, `grants`, `consents`, `rules`, `authorization`); the methods below are the same
 * use cases under their former names, one line each, for callers in the same process (the node's
 * tests, the bench) that hold the service as a whole.
 */
export class ConsentApp {
  readonly rules: ProvinceRules;
  readonly applications: Applications;
  /** 我的申请 / 我的授权 at the requester's province */
  readonly outgoing: OutgoingApplications;
  readonly grants: Grants;
  readonly consents: Consents;
  readonly authorization: Authorization;

  constructor(deps: ConsentAppDeps) {
    const { province, repo, catalog, peers, clock, logger } = deps;
    const trail = new AuditTrail(deps.audit, logger);
    this.rules = new ProvinceRules(province, repo, trail, clock);
    this.applications = new Applications({
      province,
      repo,
      catalog,
      peers,
      rules: this.rules,
      trail,
      clock,
      logger,
      outgoing: deps.outgoing,
    });
    this.outgoing = new OutgoingApplications({
      province,
      store: deps.outgoing,
      applications: this.applications,
      peers,
      catalog,
      clock,
      logger,
    });
    this.grants = new Grants({ province, repo, catalog, peers, trail, clock });
    this.consents = new Consents({
      province,
      repo,
      catalog,
      peers,
      trail,
      key: deps.key,
      trust: new TrustKeys(deps.trust),
      subjectRefs: deps.subjectRefs,
      clock,
      logger,
    });
    this.authorization = new Authorization({
      province,
      catalog,
      grants: this.grants,
      consents: this.consents,
      rules: this.rules,
      revocations: deps.revocations,
      clock,
    });
  }

  // --- applications ---
  submitApplication(by: Principal, input: ApplicationInput): Promise<Application> {
    return this.applications.submit(by, input);
  }
  acceptApplication(by: Principal, input: ApplicationInput): Promise<Application> {
    return this.applications.accept(by, input);
  }
  decideApplication(by: Principal, id: string, d: ApplicationDecision) {
    return this.applications.decide(by, id, d);
  }
  complianceReview(by: Principal, id: string, d: { decision: 'pass' | 'fail'; reason: string }) {
    return this.applications.complianceReview(by, id, d);
  }
  secondApproval(by: Principal, id: string, d: { decision: 'approve' | 'reject'; reason: string }) {
    return this.applications.secondApproval(by, id, d);
  }
  requestCoordination(by: Principal, id: string, reason: string): Promise<Application> {
    return this.applications.requestCoordination(by, id, reason);
  }
  acceptCoordination(by: Principal, id: string, reason: string) {
    return this.applications.acceptCoordination(by, id, reason);
  }
  coordinate(by: Principal, id: string, d: { decision: 'approve' | 'reject'; reason: string; legalDuty?: boolean }) {
    return this.applications.coordinate(by, id, d);
  }
  sweepOverdue(): Promise<string[]> {
    return this.applications.sweepOverdue();
  }
  listApplications(by: Principal, f: { status?: string | undefined; overdue?: boolean | undefined }) {
    return this.applications.list(by, f);
  }
  getApplication(by: Principal, id: string): Promise<Application> {
    return this.applications.get(by, id);
  }
  getApplicationFor(requesterProvince: Province, by: Principal, id: string): Promise<Application> {
    return this.applications.getFor(requesterProvince, by, id);
  }

  // --- the province's rules ---
  rulesInForce(): Promise<RulesVersion> {
    return this.rules.inForce();
  }
  rulesHistory(): Promise<RulesVersion[]> {
    return this.rules.history();
  }
  rulesAt(version: number): Promise<RulesVersion> {
    return this.rules.at(version);
  }
  updateRules(by: Principal, input: PolicyRules, reason: string): Promise<RulesVersion> {
    return this.rules.update(by, input, reason);
  }

  // --- grants ---
  getGrant(by: Principal, id: string): Promise<Grant> {
    return this.grants.get(by, id);
  }
  revokeGrant(by: Principal, id: string): Promise<Grant> {
    return this.grants.revoke(by, id);
  }

  // --- consents ---
  createConsent(by: Principal, input: ConsentInput): Promise<StoredConsent> {
    return this.consents.create(by, input);
  }
  seedConsents(entries: { subject: Principal; input: ConsentInput }[]): Promise<number> {
    return this.consents.seed(entries);
  }
  myConsents(by: Principal): Promise<StoredConsent[]> {
    return this.consents.mine(by);
  }
  getConsent(by: Principal, id: string): Promise<StoredConsent> {
    return this.consents.get(by, id);
  }
  revokeConsent(by: Principal, id: string): Promise<StoredConsent> {
    return this.consents.revoke(by, id);
  }
  consentFor(requesterProvince: Province, id: string): Promise<consentV1.ConsentArtefact> {
    return this.consents.forLane(requesterProvince, id);
  }
  verifyConsent(c: consentV1.ConsentArtefact): boolean {
    return this.consents.verify(c);
  }

  // --- the decision ---
  authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse> {
    return this.authorization.authorize(req);
  }
}
