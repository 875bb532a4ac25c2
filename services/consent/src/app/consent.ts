/**
 * Consent use cases: applications (共享申请) and their review, grants (授权), data subjects' consents
 * (授权书), and the Authorize decision the provider's exchange asks for before serving.
 *
 * The provider province is authoritative for applications and grants of its resources: a requester
 * province forwards an application over the consent lane and reads it back from there.
 *
 * Every fact of that lifecycle goes on the audit trail (留痕) of the province that stores it: see
 * "the audit trail" below for the order of database write and publish.
 */
import { createPublicKey, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import type { AuditSink } from '@yrd/audit-events';
import type { Principal, ProvinceKey, TrustList } from '@yrd/auth';
import { asAppError, conflict, forbidden, internal, invalid, notFound, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import type { auditV1, catalogV1, consentV1 } from '@yrd/proto';
import { isProvince, type Province, provinceOfResourceId, type SubjectRefs } from '@yrd/region';
import { z } from 'zod';
import {
  canFetchConsentOverLane,
  canRead,
  canRevokeGrant,
  type ExchangeRecordView,
  type Viewer,
  worklistFilter,
} from '../domain/access.js';
import { denialCodes, noteCodes } from '../domain/codes.js';
import {
  accessPath,
  addWorkingDays,
  type ConsentView,
  conditionsRequireSubjectConsent,
  type Decision,
  decide,
  type Grade,
  type GrantView,
  grades,
  isGovernment,
  isUnresolved,
  type Mode,
  modes,
  piiKinds,
  type Requester,
  type ResourcePolicyView,
  requesterKinds,
  sharingModes,
  sharingModesFor,
  sharingTiers,
  type UnresolvedConsent,
} from '../domain/index.js';
import { changedRules, defaultRules, type PolicyRules, workflowRules } from '../domain/rules.js';
import {
  type Actor,
  decideStep,
  initialState,
  isOverdue,
  type WorkflowCommand,
  type WorkflowContext,
  type WorkflowState,
} from '../domain/workflow.js';
import { signedBytes } from './artefact.js';
import {
  applicationStepped,
  applicationSubmitted,
  consentCreated,
  consentRevoked,
  grantRevoked,
  rulesChanged,
} from './audit.js';
import type { Application, ApplicationStep, ConsentStore, Grant, RulesVersion, StoredConsent } from './ports.js';

type Resource = catalogV1.Resource;

export interface ApplicationInput {
  resourceId: string;
  purpose: string;
  legalBasis: string;
  items: string[];
  validUntil: string;
  modes: Mode[];
  /** requests per minute asked for under the grant (default 60) */
  ratePerMinute?: number | undefined;
}

export interface ConsentInput {
  requesterAgency: string;
  requesterProvince: Province;
  resourceId: string;
  items: string[];
  purpose: string;
  validUntil: string;
  /** once: good for one fetch; periodic (the default): any number until it expires */
  fetchType?: 'once' | 'periodic' | undefined;
}

/** The local catalogue (own entries plus the regional view of the others' published ones). */
export interface ResourceLookup {
  /** undefined when the catalogue has no such published entry */
  get(id: string): Promise<Resource | undefined>;
  /** the entry and, when the province's 负面清单 covers it, that line */
  lookup?(id: string): Promise<catalogV1.GetResourceResponse | undefined>;
}

/** The revocation register: grants and consents revoked anywhere in the region (see revocations.ts). */
export interface RevocationCheck {
  isRevoked(id: string): boolean;
}

/** The consent services of the other provinces, reached over the consent lanes. */
export interface ConsentPeers {
  apply(provider: Province, by: Principal, input: ApplicationInput): Promise<Application>;
  getApplication(provider: Province, by: Principal, id: string): Promise<Application>;
  fetchConsent(issuer: Province, id: string): Promise<consentV1.ConsentArtefact>;
  /** asks the provider province's data authority to coordinate a rejected application */
  requestCoordination(provider: Province, by: Principal, id: string, reason: string): Promise<Application>;
  /** tells every province that a grant or consent is revoked */
  announceRevocation(kind: 'grant' | 'consent', id: string, at: string): Promise<void>;
}

/** The province an id was issued by: `zj-app-…`, `sh-consent-…`, `zj-grant-…`. */
export function provinceOfId(id: string): Province | undefined {
  const p = id.split('-', 1)[0];
  return isProvince(p) ? p : undefined;
}

const itemView = z.object({
  name: z.string(),
  grade: z.enum(grades),
  subLevel: z.number().transform((n) => (n > 0 ? n : null)),
  personalInfo: z.boolean(),
  sensitivePersonalInfo: z.boolean(),
  piiKind: z
    .string()
    .transform((s) => (s === '' ? 'none' : s))
    .pipe(z.enum(piiKinds)),
});
const resourceView = z.object({
  id: z.string(),
  province: z.enum(['sh', 'js', 'zj', 'ah']),
  version: z.number(),
  sharingTier: z.enum(sharingTiers),
  openTier: z.enum(sharingTiers),
  grade: z.enum(grades),
  legalBasis: z.string(),
  sharingModes: z.array(z.enum(sharingModes)),
  items: z.array(itemView),
  sharingConditions: z.string(),
});

/** A catalogue entry as the policy sees it, validated at the boundary. */
export function toPolicyView(r: Resource): ResourcePolicyView {
  const parsed = resourceView.safeParse(r);
  if (!parsed.success)
    throw internal('CONSENT.BAD_CATALOGUE_ENTRY', `catalogue entry ${r.id} cannot be read: ${parsed.error.message}`);
  const { sharingConditions, ...view } = parsed.data;
  return { ...view, subjectConsent: conditionsRequireSubjectConsent(sharingConditions) };
}

export class ConsentApp {
  private readonly trustKeys = new Map<Province, KeyObject>();
  private rulesCache: { at: number; rules: RulesVersion } | undefined;
  /**
   * Grants read by Authorize, kept for 2 s: a grant's scope does not change, its expiry is checked
   * against the time of each decision, and a revocation anywhere reaches the revocation register at
   * once, which Authorize consults first — so the copy can never let a revoked grant through.
   */
  private readonly grantCache = new Map<string, { at: number; grant: Grant | undefined }>();

  constructor(
    private readonly province: Province,
    private readonly repo: ConsentStore,
    private readonly catalog: ResourceLookup,
    private readonly peers: ConsentPeers,
    private readonly audit: AuditSink,
    private readonly key: ProvinceKey,
    private readonly subjectRefs: SubjectRefs,
    trust: TrustList,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    /** without one, only the issuer's own word (its table, or the live fetch) says what is revoked */
    private readonly revocations?: RevocationCheck,
  ) {
    for (const [p, jwk] of Object.entries(trust)) {
      if (isProvince(p) && jwk) this.trustKeys.set(p, createPublicKey({ key: jwk, format: 'jwk' }));
    }
  }

  // --- applications ---

  /** At the requester's province: validate, then hand the application to the provider province. */
  async submitApplication(by: Principal, input: ApplicationInput): Promise<Application> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '请在本省提交申请 apply at your own province');
    const resource = await this.resource(input.resourceId);
    this.validateApplication(by, resource, input);
    const provider = provinceOfResourceId(resource.id);
    if (!provider) throw invalid('CONSENT.UNKNOWN_RESOURCE', `资源编号无效 bad resource id ${resource.id}`);
    if (provider === this.province) return this.acceptApplication(by, input);
    return this.peers.apply(provider, by, input);
  }

  /** At the provider: the authoritative checks against its own entry, then store with a due date. */
  async acceptApplication(by: Principal, input: ApplicationInput): Promise<Application> {
    const resource = await this.resource(input.resourceId);
    if (resource.province !== this.province) {
      throw invalid('CONSENT.WRONG_PROVIDER', `资源 ${resource.id} 不由本省提供 not provided by ${this.province}`);
    }
    this.validateApplication(by, resource, input);
    const now = this.clock();
    const at = now.toISOString();
    const { version, rules } = await this.rules();
    const start = initialState(
      { grade: resource.grade as Grade, requesterAgency: by.agency, requesterProvince: by.province },
      this.workflowContext(rules, now),
    );
    const app: Application = {
      id: `${this.province}-app-${randomUUID()}`,
      requesterUser: by.sub,
      requesterAgency: by.agency,
      requesterProvince: by.province,
      resourceId: resource.id,
      resourceVersion: resource.version,
      providerProvince: this.province,
      providerAgency: resource.provider?.creditCode ?? '',
      ratePerMinute: input.ratePerMinute || 60,
      purpose: input.purpose,
      legalBasis: input.legalBasis,
      items: [...new Set(input.items)],
      modes: [...new Set(input.modes)],
      validUntil: new Date(input.validUntil).toISOString(),
      status: start.status,
      reason: '',
      decidedBy: '',
      decidedAt: '',
      grantId: '',
      dueAt: start.dueAt,
      createdAt: at,
      grade: start.grade,
      firstApprovedBy: '',
      legalDuty: false,
      coordinated: false,
      escalated: false,
      rulesVersion: version,
      steps: [],
      overdue: false,
    };
    const step: ApplicationStep = {
      seq: 1,
      action: 'submitted',
      fromStatus: '',
      toStatus: app.status,
      actorUser: by.sub,
      actorAgency: by.agency,
      at,
      reason: '',
    };
    await this.repo.insertApplication(app, step);
    await this.recordOrWithdraw(applicationSubmitted(this.province, app), () => this.repo.withdrawApplication(app.id));
    return { ...app, steps: [step] };
  }

  private validateApplication(by: Principal, resource: Resource, input: ApplicationInput) {
    const view = toPolicyView(resource);
    const path = accessPath(by.kind, view);
    if (path === 'closed') {
      const basis = view.legalBasis.trim() || '未登记 none recorded';
      if (isGovernment(by.kind)) {
        throw forbidden(
          'CONSENT.NOT_SHARED',
          `资源 ${view.id} 不予共享，依据：${basis} / not shared; legal basis: ${basis}`,
        );
      }
      throw forbidden(
        'CONSENT.NOT_OPEN',
        `资源 ${view.id} 非开放 / not open to ${by.kind} requesters; legal basis: ${basis}`,
      );
    }
    if (path === 'implicit' || path === 'open') {
      throw conflict(
        'CONSENT.NO_APPLICATION_NEEDED',
        `资源 ${view.id} 无条件共享/开放，无需申请 / unconditional: no application needed`,
      );
    }
    if (view.grade === 'core' && view.province !== by.province) {
      throw forbidden('CONSENT.CORE_DATA_LOCAL', `核心数据不出省 core data of ${view.province} stays in its province`);
    }
    const known = new Set(view.items.map((i) => i.name));
    const unknown = input.items.filter((i) => !known.has(i));
    if (unknown.length > 0)
      throw invalid('CONSENT.UNKNOWN_ITEM', `资源无以下信息项 unknown items: ${unknown.join(', ')}`);
    const until = Date.parse(input.validUntil);
    if (!Number.isFinite(until) || until <= this.clock().getTime()) {
      throw invalid('CONSENT.VALID_UNTIL_PAST', '有效期须晚于当前时间 validUntil must be in the future');
    }
    const unsupported = input.modes.filter((m) => !sharingModesFor(m).some((s) => view.sharingModes.includes(s)));
    if (unsupported.length > 0) {
      throw invalid(
        'CONSENT.MODE_NOT_ALLOWED',
        `资源不支持以下方式 the resource's sharing modes do not carry: ${unsupported.join(', ')}`,
      );
    }
    // a grant to subscribe could never be used: a feed cannot carry each person's consent
    if (view.subjectConsent && input.modes.includes('subscribe')) {
      throw forbidden(
        denialCodes.consentNotSubscribable,
        `资源 ${view.id} 的共享条件要求逐人取得本人授权，不能订阅 / its sharing conditions require each data subject's consent, which a subscription cannot carry`,
      );
    }
  }

  /** At the provider: a reviewer of the agency that provides the resource approves or rejects. */
  decideApplication(
    by: Principal,
    id: string,
    d: {
      decision: 'approve' | 'reject';
      reason: string;
      legalDuty?: boolean | undefined;
      /** the provider may grant fewer requests per minute than asked, never more */
      ratePerMinute?: number | undefined;
    },
  ) {
    return this.step(
      by,
      id,
      (actor) => ({
        type: 'providerDecision',
        by: actor,
        approve: d.decision === 'approve',
        reason: d.reason,
        legalDuty: d.legalDuty ?? false,
      }),
      d.ratePerMinute === undefined ? {} : { ratePerMinute: d.ratePerMinute },
    );
  }

  /** 符合性审查: the provider province's data authority checks an application before the provider. */
  complianceReview(by: Principal, id: string, d: { decision: 'pass' | 'fail'; reason: string }) {
    return this.step(by, id, (actor) => ({
      type: 'complianceReview',
      by: actor,
      pass: d.decision === 'pass',
      reason: d.reason,
    }));
  }

  /** The second level the rules ask for (important data by default), by the data authority. */
  secondApproval(by: Principal, id: string, d: { decision: 'approve' | 'reject'; reason: string }) {
    return this.step(by, id, (actor) => ({
      type: 'secondApproval',
      by: actor,
      approve: d.decision === 'approve',
      reason: d.reason,
    }));
  }

  /** At the requester's province: ask the provider's data authority to coordinate (协调) a rejection. */
  async requestCoordination(by: Principal, id: string, reason: string): Promise<Application> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '请在本省提出协调申请 ask at your own province');
    const provider = provinceOfId(id);
    if (!provider) throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    if (provider !== this.province) return this.peers.requestCoordination(provider, by, id, reason);
    return (await this.acceptCoordination(by, id, reason)).application;
  }

  /** At the provider: the requester's coordination request (from any province). */
  acceptCoordination(by: Principal, id: string, reason: string) {
    return this.step(by, id, (actor) => ({ type: 'requestCoordination', by: actor, reason }));
  }

  /** 协调: the data authority decides a coordination, or an overdue application escalated to it. */
  coordinate(by: Principal, id: string, d: { decision: 'approve' | 'reject'; reason: string; legalDuty?: boolean }) {
    return this.step(
      by,
      id,
      (actor) => ({ type: 'coordinate', by: actor, approve: d.decision === 'approve', reason: d.reason }),
      d.legalDuty === undefined ? {} : { legalDuty: d.legalDuty },
    );
  }

  /**
   * Marks every application past its due date as expired and escalated to the data authority (run
   * periodically). Returns the ids it expired.
   */
  async sweepOverdue(): Promise<string[]> {
    const at = this.clock().toISOString();
    const lapsed = await this.repo.expireLapsed(at);
    if (lapsed.grants + lapsed.consents > 0) this.logger.info(lapsed, 'lapsed grants and consents expired');
    const done: string[] = [];
    for (const app of await this.repo.overdueApplications(at)) {
      try {
        await this.step(systemActor(this.province), app.id, () => ({ type: 'expire' }), { system: true });
        done.push(app.id);
      } catch (err) {
        // another replica expired it first, or the audit trail is down: the next sweep retries
        this.logger.warn({ applicationId: app.id, err: (err as Error).message }, 'overdue application not expired');
      }
    }
    return done;
  }

  /** A worklist at the provider: its agency's applications for a reviewer, all for the data authority. */
  async listApplications(by: Principal, f: { status?: string | undefined; overdue?: boolean | undefined }) {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '只能查看本省的申请 worklists are your own province’s');
    const scope = worklistFilter(by, this.province);
    if (!scope) throw forbidden('AUTH.ROLE_REQUIRED', '需要审核人或管理员角色 reviewer or admin role required');
    const at = this.clock().toISOString();
    const list = await this.repo.listApplications({
      status: f.status,
      providerAgency: scope.scope === 'providerAgency' ? scope.providerAgency : undefined,
      limit: 500,
    });
    // the list and a read by id follow the same rows of the matrix
    const flagged = list
      .filter((a) => canRead(by, applicationRecord(a)).allow)
      .map((a) => ({ ...a, overdue: isOverdue(stateOf(a), at) }));
    return f.overdue === undefined ? flagged : flagged.filter((a) => a.overdue === f.overdue);
  }

  /**
   * One workflow step: the decider says whether `by` may take it now and what follows; the step, the
   * new state and any grant are written together, only if nobody moved the application meanwhile.
   */
  private async step(
    by: Principal,
    id: string,
    command: (actor: Actor) => WorkflowCommand,
    opts: { legalDuty?: boolean; ratePerMinute?: number; system?: boolean } = {},
  ): Promise<{ application: Application; grant?: Grant }> {
    const app = await this.repo.getApplication(id);
    // only who may see an application is told why a step is refused; the platform's own sweep may
    if (!app || (!opts.system && !canRead(by, applicationRecord(app)).allow))
      throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    const resource = await this.catalog.get(app.resourceId);
    const here = by.province === this.province;
    const actor: Actor = {
      user: by.sub,
      agency: by.agency,
      province: by.province,
      ofProvider: here && resource?.provider?.creditCode === by.agency,
      dataAuthority: here && by.roles.includes('admin'),
      reviewer: by.roles.includes('reviewer'),
    };
    const now = this.clock();
    const at = now.toISOString();
    const { rules } = await this.rules();
    const cmd = command(actor);
    const result = decideStep(stateOf(app), cmd, this.workflowContext(rules, now));
    if (!result.ok) {
      // possibly a retry after AUDIT.UNAVAILABLE: the step is stored, so make sure its event is
      if (result.kind === 'conflict' && app.steps.length > 1) {
        const last = app.steps[app.steps.length - 1];
        if (last) await this.record(applicationStepped(this.province, app, last));
      }
      const make = { invalid, forbidden, conflict }[result.kind];
      throw make(result.code, result.message);
    }
    const final = result.state.status === 'approved' || result.state.status === 'rejected';
    const legalDuty = opts.legalDuty ?? result.state.legalDuty;
    if (opts.ratePerMinute !== undefined && opts.ratePerMinute > app.ratePerMinute) {
      throw invalid(
        'CONSENT.RATE_ABOVE_REQUEST',
        `批准的频次不能高于申请的 ${app.ratePerMinute} 次/分钟 a grant cannot allow more than was asked for`,
      );
    }
    const ratePerMinute = Math.min(opts.ratePerMinute ?? app.ratePerMinute, app.ratePerMinute);
    let grant: Grant | undefined;
    if (result.grant) {
      if (Date.parse(app.validUntil) <= now.getTime())
        throw conflict('CONSENT.APPLICATION_EXPIRED', '申请的有效期已过 the requested validity has already ended');
      grant = {
        id: `${this.province}-grant-${randomUUID()}`,
        applicationId: app.id,
        requesterAgency: app.requesterAgency,
        requesterProvince: app.requesterProvince as Province,
        resourceId: app.resourceId,
        resourceVersion: app.resourceVersion,
        items: app.items,
        purpose: app.purpose,
        modes: app.modes as Mode[],
        validFrom: at,
        validUntil: app.validUntil,
        status: 'active',
        legalDuty,
        revokedAt: '',
        ratePerMinute,
      };
    }
    const reason = 'reason' in cmd ? cmd.reason.trim() : '';
    const step: ApplicationStep = {
      seq: app.steps.length + 1,
      action: result.action,
      fromStatus: app.status,
      toStatus: result.state.status,
      actorUser: by.sub,
      actorAgency: by.agency,
      at,
      reason,
    };
    const next: Application = {
      ...app,
      status: result.state.status,
      dueAt: result.state.dueAt,
      firstApprovedBy: result.state.firstApprovedBy,
      legalDuty,
      ratePerMinute,
      coordinated: result.state.coordinated,
      escalated: result.state.escalated,
      ...(final ? { reason, decidedBy: by.sub, decidedAt: at, grantId: grant?.id ?? '' } : {}),
      steps: [...app.steps, step],
      overdue: false,
    };
    if (!(await this.repo.advance(next, app.status, step, grant)))
      throw conflict('CONSENT.ALREADY_DECIDED', '申请已被他人处理 the application was moved on meanwhile');
    await this.record(applicationStepped(this.province, next, step));
    return grant ? { application: next, grant } : { application: next };
  }

  private workflowContext(rules: PolicyRules, now: Date): WorkflowContext {
    return {
      rules: workflowRules(rules),
      at: now.toISOString(),
      due: (days) => addWorkingDays(now, days).toISOString(),
    };
  }

  // --- the province's rules ---

  /** The rules in force (cached briefly; a change here takes effect at once). */
  async rules(): Promise<RulesVersion> {
    const now = Date.now();
    if (this.rulesCache && now - this.rulesCache.at < 5000) return this.rulesCache.rules;
    const current = (await this.repo.currentRules()) ?? {
      version: 0,
      rules: defaultRules,
      changedBy: '',
      changedAt: '',
      reason: '默认规则 the defaults',
      changedFields: [],
    };
    this.rulesCache = { at: now, rules: current };
    return current;
  }

  rulesHistory() {
    return this.repo.rulesHistory();
  }

  async rulesAt(version: number): Promise<RulesVersion> {
    const r =
      version === 0
        ? { ...(await this.rules()), version: 0, rules: defaultRules }
        : await this.repo.rulesVersion(version);
    if (!r) throw notFound('CONSENT.RULES_NOT_FOUND', `没有第 ${version} 版规则 no rules version ${version}`);
    return r;
  }

  /** The province admin changes the rules: a new version, kept and audited; a reason is required. */
  async updateRules(by: Principal, input: PolicyRules, reason: string): Promise<RulesVersion> {
    if (by.province !== this.province || !by.roles.includes('admin'))
      throw forbidden('CONSENT.ADMIN_REQUIRED', '规则由本省管理员维护 the province admin edits the rules');
    if (reason.trim() === '')
      throw invalid('CONSENT.REASON_REQUIRED', '修改规则须说明理由 a rule change needs a reason');
    this.rulesCache = undefined;
    const current = await this.rules();
    const changed = changedRules(current.rules, input);
    if (changed.length === 0) return current;
    const next: RulesVersion = {
      version: current.version + 1,
      rules: input,
      changedBy: by.sub,
      changedAt: this.clock().toISOString(),
      reason: reason.trim(),
      changedFields: changed,
    };
    if (!(await this.repo.insertRules(next)))
      throw conflict(
        'CONSENT.RULES_CHANGED',
        '规则已被他人修改，请刷新后重试 the rules changed meanwhile; reload and retry',
      );
    this.rulesCache = { at: Date.now(), rules: next };
    await this.record(rulesChanged(this.province, next, by.agency, next.rules));
    return next;
  }

  /** Anywhere: an application lives at its provider; other provinces read it over the lane. */
  async getApplication(by: Principal, id: string): Promise<Application> {
    const provider = provinceOfId(id);
    if (!provider) throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    if (provider !== this.province) return this.peers.getApplication(provider, by, id);
    const app = await this.repo.getApplication(id);
    if (!app || !canRead(by, applicationRecord(app)).allow)
      throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    return { ...app, overdue: isOverdue(stateOf(app), this.clock().toISOString()) };
  }

  /** At the provider, for another province's lane: only the province that applied gets an answer. */
  async getApplicationFor(requesterProvince: Province, by: Principal, id: string): Promise<Application> {
    const app = await this.repo.getApplication(id);
    if (!app || by.province !== requesterProvince || !canRead(by, applicationRecord(app)).allow) {
      throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    }
    return { ...app, overdue: isOverdue(stateOf(app), this.clock().toISOString()) };
  }

  // --- grants ---

  async getGrant(by: Principal, id: string): Promise<Grant> {
    return (await this.visibleGrant(by, id)).grant;
  }

  /** A grant `by` may see, with whose it is; 404 for anyone else, as if it did not exist. */
  private async visibleGrant(by: Viewer, id: string): Promise<{ grant: Grant; record: ExchangeRecordView }> {
    const g = await this.repo.getGrant(id);
    const record = g && (await this.grantRecord(g));
    if (!g || !record || !canRead(by, record).allow)
      throw notFound('CONSENT.GRANT_NOT_FOUND', `授权不存在 no grant ${id}`);
    return { grant: g, record };
  }

  /** Whose a grant is: the providing agency is the one its application was made to. */
  private async grantRecord(g: Grant): Promise<ExchangeRecordView> {
    const app = await this.repo.getApplication(g.applicationId);
    // an application stored before the providing agency was kept on it: the catalogue says
    const providerAgency = app?.providerAgency || (await this.catalog.get(g.resourceId))?.provider?.creditCode || '';
    return {
      kind: 'grant',
      province: this.province,
      requesterProvince: g.requesterProvince,
      requesterAgency: g.requesterAgency,
      providerAgency,
    };
  }

  async revokeGrant(by: Principal, id: string): Promise<Grant> {
    const { grant: g, record } = await this.visibleGrant(by, id);
    if (!canRevokeGrant(by, record)) {
      throw forbidden(
        'CONSENT.NOT_YOUR_RESOURCE',
        '只能撤销本单位资源的授权 revoke grants of your own agency’s resources',
      );
    }
    if (g.status === 'revoked') {
      await this.record(grantRevoked(this.province, g, by)); // a retry after AUDIT.UNAVAILABLE
      return g;
    }
    const at = this.clock().toISOString();
    await this.repo.revokeGrant(id, at);
    this.grantCache.delete(id);
    // the revocation reaches every province first: it must not wait on the audit trail
    await this.peers.announceRevocation('grant', id, at);
    const revoked: Grant = { ...g, status: 'revoked', revokedAt: at };
    await this.record(grantRevoked(this.province, revoked, by));
    return revoked;
  }

  // --- consents ---

  async createConsent(by: Principal, input: ConsentInput): Promise<StoredConsent> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '授权书由本人所在省签发 consents are issued at your own province');
    if (Date.parse(input.validUntil) <= this.clock().getTime()) {
      throw invalid('CONSENT.VALID_UNTIL_PAST', '有效期须晚于当前时间 validUntil must be in the future');
    }
    // a consent names a published entry of the regional catalogue and only items that entry has
    const view = toPolicyView(await this.resource(input.resourceId));
    const known = new Set(view.items.map((i) => i.name));
    const unknown = input.items.filter((i) => !known.has(i));
    if (unknown.length > 0)
      throw invalid('CONSENT.UNKNOWN_ITEM', `资源无以下信息项 unknown items: ${unknown.join(', ')}`);
    return this.issueConsent(by, input);
  }

  /** Signs, stores and records a consent whose input has been checked. */
  private async issueConsent(by: Principal, input: ConsentInput): Promise<StoredConsent> {
    const unsigned: consentV1.ConsentArtefact = {
      id: `${this.province}-consent-${randomUUID()}`,
      subjectRef: subjectRefOf(by, this.subjectRefs),
      requesterAgency: input.requesterAgency,
      requesterProvince: input.requesterProvince,
      resourceId: input.resourceId,
      items: [...new Set(input.items)],
      purpose: input.purpose,
      validUntil: new Date(input.validUntil).toISOString(),
      status: 'active',
      fetchType: input.fetchType ?? 'periodic',
      alg: 'Ed25519',
      signature: '',
      keyId: this.key.kid,
      createdAt: this.clock().toISOString(),
      revokedAt: '',
    };
    const signature = sign(null, Buffer.from(signedBytes(unsigned)), this.key.privateKey).toString('base64url');
    const c: StoredConsent = { ...unsigned, signature, subjectUser: by.sub };
    await this.repo.insertConsent(c);
    await this.recordOrWithdraw(consentCreated(this.province, c), () => this.repo.withdrawConsent(c.id));
    return c;
  }

  /** Seeds load once, when the province has no consents yet. */
  async seedConsents(entries: { subject: Principal; input: ConsentInput }[]): Promise<number> {
    if ((await this.repo.countConsents()) > 0) return 0;
    // seeds are written as the node starts, before the other provinces' entries have reached its
    // catalogue; their entries and items are checked by the seeds' own tests instead
    for (const e of entries) await this.issueConsent(e.subject, e.input);
    return entries.length;
  }

  /** A data subject's own consents, newest first. */
  async myConsents(by: Principal): Promise<StoredConsent[]> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '请在本人所在省查看授权书 consents are listed at your own province');
    const mine = await this.repo.consentsOf(by.sub);
    return mine.filter(
      (c) => canRead(by, { kind: 'consent', province: this.province, subjectUser: c.subjectUser }).allow,
    );
  }

  async getConsent(by: Principal, id: string): Promise<StoredConsent> {
    const c = await this.repo.getConsent(id);
    if (!c || !canRead(by, { kind: 'consent', province: this.province, subjectUser: c.subjectUser }).allow)
      throw notFound('CONSENT.CONSENT_NOT_FOUND', `授权书不存在 no consent ${id}`);
    return c;
  }

  async revokeConsent(by: Principal, id: string): Promise<StoredConsent> {
    const c = await this.getConsent(by, id);
    if (c.status === 'revoked') {
      await this.record(consentRevoked(this.province, c)); // a retry after AUDIT.UNAVAILABLE
      return c;
    }
    const at = this.clock().toISOString();
    await this.repo.revokeConsent(id, at);
    // the revocation reaches every province first: it must not wait on the audit trail
    await this.peers.announceRevocation('consent', id, at);
    const revoked: StoredConsent = { ...c, status: 'revoked', revokedAt: at };
    await this.record(consentRevoked(this.province, revoked));
    return revoked;
  }

  /** For another province's lane: only the province that provides the consented resource may read it. */
  async consentFor(requesterProvince: Province, id: string): Promise<consentV1.ConsentArtefact> {
    const c = await this.repo.getConsent(id);
    if (!c || !canFetchConsentOverLane(requesterProvince, provinceOfResourceId(c.resourceId)))
      throw notFound('CONSENT.CONSENT_NOT_FOUND', `授权书不存在 no consent ${id}`);
    const { subjectUser: _omit, ...artefact } = c;
    return artefact;
  }

  /** Checks an artefact against its issuing province's key from the regional trust list. */
  verifyConsent(c: consentV1.ConsentArtefact): boolean {
    const issuer = provinceOfId(c.id);
    const key = issuer ? this.trustKeys.get(issuer) : undefined;
    if (!key || c.signature === '') return false;
    try {
      return verify(null, Buffer.from(signedBytes(c)), key, Buffer.from(c.signature, 'base64url'));
    } catch {
      return false;
    }
  }

  // --- the decision ---

  private async grantForDecision(id: string): Promise<Grant | undefined> {
    const now = Date.now();
    const hit = this.grantCache.get(id);
    if (hit && now - hit.at < 2000) return hit.grant;
    const grant = await this.repo.getGrant(id);
    this.grantCache.set(id, { at: now, grant });
    if (this.grantCache.size > 10_000) this.grantCache.delete(this.grantCache.keys().next().value ?? '');
    return grant;
  }

  /** At the provider. A denial is an answer (allow=false), never an error. */
  async authorize(req: consentV1.AuthorizeRequest): Promise<consentV1.AuthorizeResponse> {
    const requester = toRequester(req.requester);
    const mode = req.mode === '' ? 'query' : req.mode;
    if (!(modes as readonly string[]).includes(mode)) throw invalid('CONSENT.BAD_MODE', `unknown mode ${req.mode}`);
    const found = this.catalog.lookup
      ? await this.catalog.lookup(req.resourceId)
      : { resource: await this.catalog.get(req.resourceId), negativeListing: undefined };
    const resource = found?.resource;
    if (!resource) {
      return denied(
        req,
        'CONSENT.UNKNOWN_RESOURCE',
        `目录中无资源 ${req.resourceId} / no catalogue entry ${req.resourceId}`,
      );
    }
    if (resource.province !== this.province) {
      throw invalid('CONSENT.WRONG_PROVIDER', `资源 ${resource.id} 不由本省提供 not provided by ${this.province}`);
    }
    const grant = req.grantId ? await this.grantForDecision(req.grantId) : undefined;
    const revoked = (id: string) => this.revocations?.isRevoked(id) === true;
    // A named consent is always looked up and judged, never dropped: one that cannot be found or
    // does not verify is refused for that (an issuer out of reach is a 503, not a refusal). The
    // revocation register holds what was revoked anywhere: a consent it holds is refused without
    // asking its issuer, which may be out of reach.
    const consent: ConsentView | UnresolvedConsent | undefined = req.consentId
      ? revoked(req.consentId)
        ? { id: req.consentId, unresolved: 'revoked' }
        : await this.loadConsent(req.consentId)
      : undefined;
    const at = req.at || this.clock().toISOString();
    const { version: rulesVersion, rules } = await this.rules();
    const decision: Decision = decide({
      requester,
      resource: toPolicyView(resource),
      requestedItems: req.items,
      mode: mode as Mode,
      purpose: req.purpose,
      ...(grant ? { grant: grantView(grant, at, revoked(grant.id)) } : {}),
      ...(consent ? { consent } : {}),
      ...(req.subjectRef ? { subjectRef: req.subjectRef } : {}),
      maskOverrides: rules.masking,
      ...(found?.negativeListing ? { negativeList: [resource.id] } : {}),
      at,
    });
    const reliedOn = decision.reasons.find((r) => r.code === noteCodes.consented);
    if (decision.allow && consent && !isUnresolved(consent) && consent.fetchType === 'once' && reliedOn) {
      // the one fetch a once-only consent allows: of two racing fetches, one gets it
      if (!(await this.repo.useConsent(consent.id, at, `${requester.province}:${requester.agency}`)))
        return { ...usedConsent(req, resource.version, reliedOn.ruleId), rulesVersion };
    }
    return {
      allow: decision.allow,
      allowedItems: decision.allowedItems,
      masking: Object.entries(decision.masking).map(([item, profile]) => ({ item, profile })),
      reasons: decision.reasons.map((r) => ({ ruleId: r.ruleId, code: r.code, message: r.message })),
      denialCode: decision.denialCode ?? '',
      grantId: grant?.id ?? '',
      consentId: consent?.id ?? '',
      resourceVersion: resource.version,
      rulesVersion,
      ratePerMinute: decision.allow ? (grant?.ratePerMinute ?? 0) : 0,
    };
  }

  /**
   * The consent a request names, from its issuer: this province's own table, or the issuing
   * province over its consent lane, checked against that province's key. Throws 503 when the issuer
   * cannot be asked; everything else is an answer the decision judges.
   */
  private async loadConsent(id: string): Promise<ConsentView | UnresolvedConsent> {
    const unknown: UnresolvedConsent = { id, unresolved: 'unknown' };
    const issuer = provinceOfId(id);
    // not an id any province issues (nor one safe to hand to a database): nobody has it
    if (!issuer || !consentIdPattern.test(id)) return unknown;
    let c: consentV1.ConsentArtefact | undefined;
    if (issuer === this.province) {
      c = await this.repo.getConsent(id);
    } else {
      try {
        c = await this.peers.fetchConsent(issuer, id);
      } catch (err) {
        const e = asAppError(err);
        // the issuer says it has none this province may read
        if (e.kind === 'not_found' || e.kind === 'invalid') return unknown;
        this.logger.warn({ consentId: id, code: e.code }, 'consent could not be fetched from its issuer');
        throw unavailable(
          'CONSENT.ISSUER_UNAVAILABLE',
          `授权书签发省（${issuer}）暂时无法访问，请稍后重试 / the province that issued consent ${id} cannot be reached; retry shortly`,
          { cause: err },
        );
      }
      if (!this.verifyConsent(c)) {
        this.logger.warn({ consentId: id }, 'consent signature does not verify; refused');
        return { id, unresolved: 'forged' };
      }
    }
    if (!c || !isProvince(c.requesterProvince)) return unknown;
    const status = c.status === 'revoked' ? 'revoked' : c.status === 'expired' ? 'expired' : 'active';
    return {
      id: c.id,
      requesterAgency: c.requesterAgency,
      requesterProvince: c.requesterProvince,
      resourceId: c.resourceId,
      items: c.items,
      purpose: c.purpose,
      validUntil: c.validUntil,
      status,
      subjectRef: c.subjectRef,
      fetchType: c.fetchType === 'once' ? 'once' : 'periodic',
      // the provider keeps the record of a once-only consent's fetch
      used: c.fetchType === 'once' ? await this.repo.consentUsed(c.id) : false,
    };
  }

  // --- the audit trail ---
  //
  // Order: the database first, then the audit event, built from the row as committed and published
  // with an event id that is stable per fact (`<id>:submitted`, `<id>:decided`, `<id>:revoked`, …).
  // Publishing first would be worse: a failed or lost-race write would leave the log holding a
  // decision that never happened (two racing reviewers would put an approval on record for what the
  // database stored as a rejection). So:
  // - a state change (decision, revocation) stays committed when the publish fails; the caller gets
  //   503 AUDIT.UNAVAILABLE, and its retry finds the row already changed and re-publishes the same
  //   event — deduplicated by JetStream's window and by the audit log's event id — without a second
  //   write (a decision retry still answers 409 ALREADY_DECIDED, after the event is on record);
  // - a new row (application, consent) has no id the caller knows yet, so a retry could not find it:
  //   it is withdrawn before the 503 instead, and the retry starts afresh. Only if the database
  //   also fails then does an unaudited row remain; the error log names it for re-driving.
  // If the ack alone was lost, the log may hold a `submitted`/`created` event of a withdrawn row:
  // it over-records an attempt, which is safer for an audit trail than missing a fact.

  private async record(ev: auditV1.AuditEvent): Promise<void> {
    try {
      await this.audit.publish(ev);
    } catch (err) {
      this.logger.error({ err, eventId: ev.eventId }, 'audit event could not be published');
      throw err;
    }
  }

  private async recordOrWithdraw(ev: auditV1.AuditEvent, withdraw: () => Promise<void>): Promise<void> {
    try {
      await this.audit.publish(ev);
    } catch (err) {
      try {
        await withdraw();
        this.logger.error({ err, eventId: ev.eventId }, 'audit event could not be published; the new row is withdrawn');
      } catch (withdrawErr) {
        this.logger.error(
          { err, withdrawErr, eventId: ev.eventId },
          'audit event could not be published and the new row could not be withdrawn: re-drive its audit event',
        );
      }
      throw err;
    }
  }

  private async resource(id: string): Promise<Resource> {
    const r = await this.catalog.get(id);
    if (!r) throw notFound('CONSENT.UNKNOWN_RESOURCE', `目录中无资源 no catalogue entry ${id}`);
    return r;
  }
}

/** The workflow's view of a stored application. */
function stateOf(a: Application): WorkflowState {
  return {
    status: a.status as WorkflowState['status'],
    grade: (grades as readonly string[]).includes(a.grade) ? (a.grade as Grade) : 'general',
    requesterAgency: a.requesterAgency,
    requesterProvince: a.requesterProvince,
    firstApprovedBy: a.firstApprovedBy,
    legalDuty: a.legalDuty,
    coordinated: a.coordinated,
    escalated: a.escalated,
    dueAt: a.dueAt,
  };
}

/** An application as the access matrix sees it. */
function applicationRecord(a: Application): ExchangeRecordView {
  return {
    kind: 'application',
    province: a.providerProvince,
    requesterProvince: a.requesterProvince,
    requesterAgency: a.requesterAgency,
    providerAgency: a.providerAgency,
  };
}

/** The platform itself, when it expires an overdue application. */
function systemActor(province: Province): Principal {
  return { sub: 'system:deadline', name: '期限监控', province, agency: '', roles: [], kind: 'government' };
}

/**
 * An opaque, stable reference to a data subject; never the identifier itself. The subject's province
 * puts the person's reference in their token (keyed, regional: one person, one reference); an account
 * without one gets a keyed reference to the account, never a plain hash that enumeration could undo.
 */
export function subjectRefOf(p: Principal, refs: SubjectRefs): string {
  return p.subjectRef ?? refs.ofAccount(p.province, p.sub).ref;
}

function grantView(g: Grant, _at: string, revoked = false): GrantView {
  const { applicationId: _a, resourceVersion: _v, revokedAt: _r, ...view } = g;
  return revoked ? { ...view, status: 'revoked' } : view;
}

/** A once-only consent another fetch spent between the decision and this one's claim on it. */
function usedConsent(
  req: consentV1.AuthorizeRequest,
  resourceVersion: number,
  ruleId: string,
): consentV1.AuthorizeResponse {
  const code = denialCodes.consentUsed;
  const message = `授权书 ${req.consentId} 为单次授权，已使用 / Consent ${req.consentId} was for one fetch and has been used`;
  return {
    ...denied(req, code, message),
    reasons: [{ ruleId, code, message }],
    resourceVersion,
  };
}

/** What a consent id issued by a province looks like: `<province>-consent-<uuid>`. */
const consentIdPattern = /^[a-z]{2}-consent-[0-9A-Za-z-]{1,64}$/;

function toRequester(a: consentV1.AuthorizeRequest['requester']): Requester {
  if (!a || !isProvince(a.province))
    throw invalid('CONSENT.BAD_REQUESTER', '请求方省份无效 requester province is missing or unknown');
  const kind = a.requesterKind === '' ? 'government' : a.requesterKind;
  if (!(requesterKinds as readonly string[]).includes(kind))
    throw invalid('CONSENT.BAD_REQUESTER', `unknown requester kind ${kind}`);
  return { province: a.province, agency: a.agencyCode, userId: a.userId, kind: kind as Requester['kind'] };
}

function denied(req: consentV1.AuthorizeRequest, code: string, message: string): consentV1.AuthorizeResponse {
  return {
    allow: false,
    allowedItems: [],
    masking: [],
    reasons: [{ ruleId: 'R-RESOURCE', code, message }],
    denialCode: code,
    grantId: req.grantId,
    consentId: req.consentId,
    resourceVersion: 0,
    rulesVersion: 0,
    ratePerMinute: 0,
  };
}
