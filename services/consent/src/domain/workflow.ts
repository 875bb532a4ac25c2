// The application workflow (共享申请 审核流程) as a decider: a pure `decide(state, command, ctx)` that
// either refuses the command with a stable code or returns the next state and the step to record.
// Time, people and the province's rules come in as arguments; nothing here reads a clock.
//
//   submitted by the requester
//     → compliance_review  (符合性审查 by the province's data authority, when the rules ask for it)
//     → submitted          (the provider agency's review, within the response deadline)
//     → second_approval    (a second level for grades the rules name, by the data authority)
//     → approved (a grant) | rejected (with a reason)
//   rejected → coordination (协调: the requester cites its statutory duty) → approved | rejected (final)
//   any open stage past its due date → expired, escalated to the data authority, who may then
//   approve or reject as in coordination.

import type { Grade } from './types.js';

export const applicationStatuses = [
  'compliance_review',
  'submitted',
  'second_approval',
  'coordination',
  'approved',
  'rejected',
  'expired',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/** Stages someone still has to act on; each has a due date. */
export const openStatuses: readonly ApplicationStatus[] = [
  'compliance_review',
  'submitted',
  'second_approval',
  'coordination',
];

/** The parts of the province's rules the workflow reads. */
export interface WorkflowRules {
  /** working days the provider has to answer (国发〔2016〕51号: 10) */
  responseDays: number;
  complianceReview: { enabled: boolean; days: number };
  /** grades whose approval needs a second level */
  secondApprovalGrades: readonly Grade[];
  secondApprovalDays: number;
  coordinationDays: number;
}

export interface WorkflowState {
  status: ApplicationStatus;
  /** the resource's grade when the application was made */
  grade: Grade;
  requesterAgency: string;
  requesterProvince: string;
  /** the provider's reviewer who approved at the first level, if any */
  firstApprovedBy: string;
  legalDuty: boolean;
  /** a coordination already took place: its outcome is final */
  coordinated: boolean;
  escalated: boolean;
  dueAt: string;
}

export interface Actor {
  user: string;
  agency: string;
  province: string;
  /** the agency that provides the resource is the actor's */
  ofProvider: boolean;
  /** the province's data authority (数据主管部门): the admin role of the provider province */
  dataAuthority: boolean;
  reviewer: boolean;
}

export type WorkflowCommand =
  | { type: 'complianceReview'; by: Actor; pass: boolean; reason: string }
  | { type: 'providerDecision'; by: Actor; approve: boolean; reason: string; legalDuty: boolean }
  | { type: 'secondApproval'; by: Actor; approve: boolean; reason: string }
  | { type: 'requestCoordination'; by: Actor; reason: string }
  | { type: 'coordinate'; by: Actor; approve: boolean; reason: string }
  | { type: 'expire' };

export type StepAction =
  | 'submitted'
  | 'compliance_passed'
  | 'compliance_failed'
  | 'approved'
  | 'first_level_approved'
  | 'rejected'
  | 'second_level_approved'
  | 'second_level_rejected'
  | 'coordination_requested'
  | 'coordinated_approved'
  | 'coordinated_rejected'
  | 'expired';

export interface WorkflowContext {
  rules: WorkflowRules;
  /** now, ISO 8601 */
  at: string;
  /** the due date `days` working days after `at` (the working-day calendar lives outside) */
  due: (days: number) => string;
}

export type WorkflowResult =
  | { ok: true; state: WorkflowState; action: StepAction; grant: boolean }
  | { ok: false; code: string; kind: 'invalid' | 'forbidden' | 'conflict'; message: string };

/** Where a new application starts, and when it is due. */
export function initialState(
  base: Omit<WorkflowState, 'status' | 'dueAt' | 'firstApprovedBy' | 'legalDuty' | 'coordinated' | 'escalated'>,
  ctx: WorkflowContext,
): WorkflowState {
  const compliance = ctx.rules.complianceReview.enabled;
  return {
    ...base,
    status: compliance ? 'compliance_review' : 'submitted',
    dueAt: ctx.due(compliance ? ctx.rules.complianceReview.days : ctx.rules.responseDays),
    firstApprovedBy: '',
    legalDuty: false,
    coordinated: false,
    escalated: false,
  };
}

export function isOverdue(s: WorkflowState, at: string): boolean {
  return openStatuses.includes(s.status) && s.dueAt !== '' && Date.parse(s.dueAt) < Date.parse(at);
}

export function decideStep(s: WorkflowState, c: WorkflowCommand, ctx: WorkflowContext): WorkflowResult {
  const reasonRequired = (r: string, what: string): WorkflowResult | undefined =>
    r.trim() === ''
      ? refuse('invalid', 'CONSENT.REASON_REQUIRED', `${what}须说明理由 a reason is required`)
      : undefined;
  const next = (status: ApplicationStatus, action: StepAction, o: Partial<WorkflowState> = {}, grant = false) =>
    ({ ok: true, state: { ...s, ...o, status }, action, grant }) as const;

  switch (c.type) {
    case 'complianceReview': {
      if (!c.by.dataAuthority)
        return refuse(
          'forbidden',
          'CONSENT.DATA_AUTHORITY_REQUIRED',
          '符合性审查由数据主管部门进行 the data authority reviews compliance',
        );
      if (s.status !== 'compliance_review') return wrongStage(s, '符合性审查 compliance review');
      if (c.pass) return next('submitted', 'compliance_passed', { dueAt: ctx.due(ctx.rules.responseDays) });
      return reasonRequired(c.reason, '审查不通过') ?? next('rejected', 'compliance_failed', { dueAt: '' });
    }
    case 'providerDecision': {
      if (!c.by.ofProvider || !c.by.reviewer)
        return refuse(
          'forbidden',
          'CONSENT.NOT_YOUR_RESOURCE',
          '只能审核本单位提供的资源 review applications for your own agency’s resources',
        );
      if (s.status !== 'submitted') return wrongStage(s, '提供方审核 the provider’s review');
      if (!c.approve) return reasonRequired(c.reason, '驳回') ?? next('rejected', 'rejected', { dueAt: '' });
      if (ctx.rules.secondApprovalGrades.includes(s.grade)) {
        return next('second_approval', 'first_level_approved', {
          firstApprovedBy: c.by.user,
          legalDuty: c.legalDuty,
          dueAt: ctx.due(ctx.rules.secondApprovalDays),
        });
      }
      return next('approved', 'approved', { legalDuty: c.legalDuty, dueAt: '' }, true);
    }
    case 'secondApproval': {
      if (!c.by.dataAuthority)
        return refuse(
          'forbidden',
          'CONSENT.DATA_AUTHORITY_REQUIRED',
          '二级审批由数据主管部门进行 the data authority gives the second approval',
        );
      if (s.status !== 'second_approval') return wrongStage(s, '二级审批 second-level approval');
      if (c.by.user === s.firstApprovedBy)
        return refuse(
          'forbidden',
          'CONSENT.SAME_APPROVER',
          '二级审批须由另一人进行 the second level is another person',
        );
      if (c.approve) return next('approved', 'second_level_approved', { dueAt: '' }, true);
      return reasonRequired(c.reason, '二级审批不同意') ?? next('rejected', 'second_level_rejected', { dueAt: '' });
    }
    case 'requestCoordination': {
      if (c.by.agency !== s.requesterAgency || c.by.province !== s.requesterProvince)
        return refuse(
          'forbidden',
          'CONSENT.NOT_YOUR_APPLICATION',
          '只能为本单位的申请申请协调 only the applying agency asks for coordination',
        );
      if (s.status !== 'rejected') return wrongStage(s, '协调 coordination (after a rejection)');
      if (s.coordinated)
        return refuse(
          'conflict',
          'CONSENT.ALREADY_COORDINATED',
          '已经协调，结果为最终结果 coordination already decided this application',
        );
      return (
        reasonRequired(c.reason, '申请协调（说明履职需要）') ??
        next('coordination', 'coordination_requested', { dueAt: ctx.due(ctx.rules.coordinationDays) })
      );
    }
    case 'coordinate': {
      if (!c.by.dataAuthority)
        return refuse(
          'forbidden',
          'CONSENT.DATA_AUTHORITY_REQUIRED',
          '协调由数据主管部门进行 the data authority coordinates',
        );
      if (s.status !== 'coordination' && s.status !== 'expired')
        return wrongStage(s, '协调 coordination (or an escalated, overdue application)');
      const missing = reasonRequired(c.reason, '协调结论');
      if (missing) return missing;
      return c.approve
        ? next('approved', 'coordinated_approved', { coordinated: true, dueAt: '' }, true)
        : next('rejected', 'coordinated_rejected', { coordinated: true, dueAt: '' });
    }
    case 'expire': {
      if (!isOverdue(s, ctx.at)) return refuse('conflict', 'CONSENT.NOT_OVERDUE', '申请未逾期 not overdue');
      return next('expired', 'expired', { escalated: true });
    }
    default:
      return assertNever(c);
  }
}

function refuse(kind: 'invalid' | 'forbidden' | 'conflict', code: string, message: string): WorkflowResult {
  return { ok: false, kind, code, message };
}

const statusNames: Record<ApplicationStatus, string> = {
  compliance_review: '符合性审查中',
  submitted: '提供方审核中',
  second_approval: '二级审批中',
  coordination: '协调中',
  approved: '已同意',
  rejected: '已驳回',
  expired: '已逾期',
};

function wrongStage(s: WorkflowState, wanted: string): WorkflowResult {
  return refuse(
    'conflict',
    s.status === 'approved' || s.status === 'rejected' ? 'CONSENT.ALREADY_DECIDED' : 'CONSENT.WRONG_STAGE',
    `申请当前为“${statusNames[s.status]}”，不能进行${wanted} the application is ${s.status}`,
  );
}

function assertNever(x: never): never {
  throw new Error(`unexpected command: ${JSON.stringify(x)}`);
}
