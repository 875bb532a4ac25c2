/**
 * Applications (共享申请) and their review: a requester applies at its own province, which hands the
 * application to the provider province; there the workflow (domain/workflow.ts) decides each step —
 * compliance review, the provider's decision, a second approval, coordination, expiry — and an
 * approval creates the grant.
 *
 * The provider province is authoritative for applications of its resources: a requester province
 * forwards an application over the consent lane and reads it back from there.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type Province, provinceOfResourceId } from '@yrd/region';
import { canRead, type ExchangeRecordView, worklistFilter } from '../domain/access.js';
import { denialCodes } from '../domain/codes.js';
import {
  accessPath,
  addWorkingDays,
  type Grade,
  grades,
  isGovernment,
  type Mode,
  sharingModesFor,
  workingDaysBetween,
} from '../domain/index.js';
import { type PolicyRules, workflowRules } from '../domain/rules.js';
import {
  type Actor,
  decideStep,
  initialState,
  isOverdue,
  openStatuses,
  type WorkflowCommand,
  type WorkflowContext,
  type WorkflowState,
} from '../domain/workflow.js';
import { applicationStepped, applicationSubmitted } from './audit.js';
import { type Resource, requireResource, toPolicyView, unknownItems } from './catalogue.js';
import { applicationIdFor, idempotencyKeyPattern, provinceOfId } from './ids.js';
import type {
  Application,
  ApplicationInput,
  ApplicationStep,
  ApplicationsAnswer,
  ConsentPeers,
  ConsentStore,
  Grant,
  OutgoingStore,
  ResourceLookup,
} from './ports.js';
import type { ProvinceRules } from './rules.js';
import type { AuditTrail } from './trail.js';

export type { ApplicationInput } from './ports.js';

export interface ApplicationDecision {
  decision: 'approve' | 'reject';
  reason: string;
  legalDuty?: boolean | undefined;
  /** the provider may grant fewer requests per minute than asked, never more */
  ratePerMinute?: number | undefined;
}

export interface ApplicationsDeps {
  province: Province;
  repo: ConsentStore;
  catalog: ResourceLookup;
  peers: ConsentPeers;
  rules: ProvinceRules;
  trail: AuditTrail;
  clock: () => Date;
  logger: Logger;
  /** 我的申请: where the requester's province records what its requesters submitted */
  outgoing?: OutgoingStore | undefined;
}

/** The most applications one `list` over a lane answers. */
export const applicationsPerBatch = 100;

export class Applications {
  private readonly province: Province;
  private readonly repo: ConsentStore;
  private readonly catalog: ResourceLookup;
  private readonly peers: ConsentPeers;
  private readonly rules: ProvinceRules;
  private readonly trail: AuditTrail;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly outgoing: OutgoingStore | undefined;

  constructor(deps: ApplicationsDeps) {
    this.outgoing = deps.outgoing;
    this.province = deps.province;
    this.repo = deps.repo;
    this.catalog = deps.catalog;
    this.peers = deps.peers;
    this.rules = deps.rules;
    this.trail = deps.trail;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  /** At the requester's province: validate, then hand the application to the provider province. */
  async submit(by: Principal, input: ApplicationInput): Promise<Application> {
    if (by.province !== this.province)
      throw forbidden('CONSENT.WRONG_PROVINCE', '请在本省提交申请 apply at your own province');
    const resource = await requireResource(this.catalog, input.resourceId);
    this.validate(by, resource, input);
    const provider = provinceOfResourceId(resource.id);
    if (!provider) throw invalid('CONSENT.UNKNOWN_RESOURCE', `资源编号无效 bad resource id ${resource.id}`);
    const app = provider === this.province ? await this.accept(by, input) : await this.peers.apply(provider, by, input);
    await this.recordOutgoing(by, provider, app);
    return app;
  }

  /**
   * Keeps 我的申请's record of a submitted application. The application stands at the provider
   * whatever happens here, so a failed write is logged rather than refused (a retry would apply twice).
   */
  private async recordOutgoing(by: Principal, provider: Province, app: Application) {
    if (!this.outgoing) return;
    const at = this.clock().toISOString();
    try {
      await this.outgoing.recordOutgoing({
        id: app.id,
        providerProvince: provider,
        resourceId: app.resourceId,
        requesterAgency: by.agency,
        requesterUser: by.sub,
        submittedAt: at,
        lastStatus: app.status,
        grantId: app.grantId,
        lastSeenAt: at,
      });
    } catch (err) {
      this.logger.error({ applicationId: app.id, err: (err as Error).message }, 'outgoing application not recorded');
    }
  }

  /** At the provider: the authoritative checks against its own entry, then store with a due date. */
  async accept(by: Principal, input: ApplicationInput): Promise<Application> {
    if (input.idempotencyKey !== undefined && !idempotencyKeyPattern.test(input.idempotencyKey)) {
      throw invalid('REQUEST.INVALID', '幂等键格式无效 Idempotency-Key must be 8–128 letters, digits or .:_-');
    }
    // a submission sent again with its Idempotency-Key answers what it filed, as it stands now
    const keyed = input.idempotencyKey ? applicationIdFor(this.province, by, input.idempotencyKey) : undefined;
    const filed = keyed ? await this.filedUnder(keyed, by, input) : undefined;
    if (filed) return filed;
    const resource = await requireResource(this.catalog, input.resourceId);
    if (resource.province !== this.province) {
      throw invalid('CONSENT.WRONG_PROVIDER', `资源 ${resource.id} 不由本省提供 not provided by ${this.province}`);
    }
    this.validate(by, resource, input);
    const now = this.clock();
    const at = now.toISOString();
    const { version, rules } = await this.rules.inForce();
    const start = initialState(
      { grade: resource.grade as Grade, requesterAgency: by.agency, requesterProvince: by.province },
      workflowContext(rules, now),
    );
    const app: Application = {
      id: keyed ?? `${this.province}-app-${randomUUID()}`,
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
    try {
      await this.repo.insertApplication(app, step);
    } catch (err) {
      // the same key sent twice at once: the other submission filed it
      const raced = keyed ? await this.filedUnder(keyed, by, input) : undefined;
      if (raced) return raced;
      throw err;
    }
    await this.trail.recordOrWithdraw(applicationSubmitted(this.province, app), () =>
      this.repo.withdrawApplication(app.id),
    );
    return this.viewOf({ ...app, steps: [step] });
  }

  /**
   * The application a user's Idempotency-Key filed, if it was; the same key with another submission
   * is refused rather than answered with an application the user did not ask for this time.
   */
  private async filedUnder(id: string, by: Principal, input: ApplicationInput): Promise<Application | undefined> {
    const app = await this.repo.getApplication(id);
    if (!app) return undefined;
    if (app.requesterProvince !== by.province || app.requesterUser !== by.sub || !sameSubmission(app, input)) {
      throw conflict(
        'CONSENT.IDEMPOTENCY_KEY_REUSED',
        '该幂等键已用于另一份申请，请为新申请使用新的键 the Idempotency-Key was used for a different application; use a new key',
      );
    }
    return this.viewOf(app);
  }

  private validate(by: Principal, resource: Resource, input: ApplicationInput) {
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
    const unknown = unknownItems(view, input.items);
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
  decide(by: Principal, id: string, d: ApplicationDecision) {
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
   * Marks every application past its due date as expired and escalated to the data authority, and
   * grants and consents past their validity as expired (run periodically). Returns the ids of the
   * applications it expired.
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
  async list(by: Principal, f: { status?: string | undefined; overdue?: boolean | undefined }): Promise<Application[]> {
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
    const flagged = list.filter((a) => canRead(by, applicationRecord(a)).allow).map((a) => this.viewOf(a, at));
    return f.overdue === undefined ? flagged : flagged.filter((a) => a.overdue === f.overdue);
  }

  /** Anywhere: an application lives at its provider; other provinces read it over the lane. */
  async get(by: Principal, id: string): Promise<Application> {
    const provider = provinceOfId(id);
    if (!provider) throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    if (provider !== this.province) return this.peers.getApplication(provider, by, id);
    const app = await this.repo.getApplication(id);
    if (!app || !canRead(by, applicationRecord(app)).allow)
      throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    return this.viewOf(app);
  }

  /** At the provider, for another province's lane: only the province that applied gets an answer. */
  async getFor(requesterProvince: Province, by: Principal, id: string): Promise<Application> {
    const app = await this.repo.getApplication(id);
    if (!app || by.province !== requesterProvince || !canRead(by, applicationRecord(app)).allow) {
      throw notFound('CONSENT.APPLICATION_NOT_FOUND', `申请不存在 no application ${id}`);
    }
    return this.viewOf(app);
  }

  /**
   * At the provider, for a requester province (over its lane, or this one's own): several
   * applications at once with the grants their approvals created. Those `by` may not see, or that do
   * not exist, are left out, as `getFor` would answer them "not found".
   */
  async batchFor(requesterProvince: Province, by: Principal, ids: readonly string[]): Promise<ApplicationsAnswer> {
    if (ids.length > applicationsPerBatch) {
      throw invalid(
        'REQUEST.INVALID',
        `一次最多查询 ${applicationsPerBatch} 个申请 at most ${applicationsPerBatch} at once`,
      );
    }
    const at = this.clock().toISOString();
    const answer: ApplicationsAnswer = { applications: [], grants: [] };
    if (by.province !== requesterProvince) return answer;
    const found = new Map((await this.repo.getApplications([...new Set(ids)])).map((a) => [a.id, a]));
    for (const id of new Set(ids)) {
      const app = found.get(id);
      if (!app || !canRead(by, applicationRecord(app)).allow) continue;
      answer.applications.push(this.viewOf(app, at));
      const grant = app.grantId ? await this.repo.getGrant(app.grantId) : undefined;
      if (grant) answer.grants.push(grant);
    }
    return answer;
  }

  /**
   * An application as read: whether its open stage is overdue and how many working days are left
   * until its due date (the provider's calendar; negative when overdue, absent once decided).
   */
  private viewOf(app: Application, at = this.clock().toISOString()): Application {
    const open = (openStatuses as readonly string[]).includes(app.status) && app.dueAt !== '';
    return {
      ...app,
      overdue: isOverdue(stateOf(app), at),
      workingDaysLeft: open ? workingDaysBetween(new Date(at), new Date(app.dueAt)) : undefined,
    };
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
    const { rules } = await this.rules.inForce();
    const cmd = command(actor);
    const result = decideStep(stateOf(app), cmd, workflowContext(rules, now));
    if (!result.ok) {
      // possibly a retry after AUDIT.UNAVAILABLE: the step is stored, so make sure its event is
      if (result.kind === 'conflict' && app.steps.length > 1) {
        const last = app.steps[app.steps.length - 1];
        if (last) await this.trail.record(applicationStepped(this.province, app, last));
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
    await this.trail.record(applicationStepped(this.province, next, step));
    const application = this.viewOf(next, at);
    return grant ? { application, grant } : { application };
  }
}

function workflowContext(rules: PolicyRules, now: Date): WorkflowContext {
  return {
    rules: workflowRules(rules),
    at: now.toISOString(),
    due: (days) => addWorkingDays(now, days).toISOString(),
  };
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

/** Whether an application is what this submission asks for (as `accept` stores it). */
function sameSubmission(app: Application, input: ApplicationInput): boolean {
  const sameSet = (a: readonly string[], b: readonly string[]) => {
    const x = new Set(a);
    const y = new Set(b);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  const until = new Date(input.validUntil);
  return (
    app.resourceId === input.resourceId &&
    app.purpose === input.purpose &&
    app.legalBasis === input.legalBasis &&
    sameSet(app.items, input.items) &&
    sameSet(app.modes, input.modes) &&
    !Number.isNaN(until.getTime()) &&
    new Date(app.validUntil).getTime() === until.getTime() &&
    app.ratePerMinute === (input.ratePerMinute || 60)
  );
}
