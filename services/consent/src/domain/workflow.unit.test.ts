import { describe, expect, it } from 'vitest';
import { defaultRules, policyRulesInput, workflowRules } from './rules.js';
import {
  type Actor,
  type ApplicationStatus,
  decideStep,
  initialState,
  isOverdue,
  type WorkflowCommand,
  type WorkflowContext,
  type WorkflowRules,
  type WorkflowState,
} from './workflow.js';

const AT = '2026-03-02T02:00:00.000Z';
const ctx = (rules: Partial<WorkflowRules> = {}, at = AT): WorkflowContext => ({
  rules: { ...workflowRules(defaultRules), ...rules },
  at,
  due: (days) => `due+${days}`,
});

const reviewer: Actor = {
  user: 'js-rsj-reviewer',
  agency: 'JS-RSJ',
  province: 'js',
  ofProvider: true,
  dataAuthority: false,
  reviewer: true,
};
const otherAgencyReviewer: Actor = { ...reviewer, user: 'js-other', agency: 'JS-OTHER', ofProvider: false };
const authority: Actor = {
  ...reviewer,
  user: 'js-admin',
  agency: 'JS-DSJ',
  ofProvider: false,
  dataAuthority: true,
  reviewer: false,
};
const requester: Actor = {
  user: 'sh-requester',
  agency: 'SH-RSJ',
  province: 'sh',
  ofProvider: false,
  dataAuthority: false,
  reviewer: false,
};

function state(status: ApplicationStatus, o: Partial<WorkflowState> = {}): WorkflowState {
  return {
    status,
    grade: 'general',
    requesterAgency: 'SH-RSJ',
    requesterProvince: 'sh',
    firstApprovedBy: '',
    legalDuty: false,
    coordinated: false,
    escalated: false,
    dueAt: '2026-03-16T15:59:59.999Z',
    ...o,
  };
}

const approve = (by: Actor = reviewer): WorkflowCommand => ({
  type: 'providerDecision',
  by,
  approve: true,
  reason: '',
  legalDuty: true,
});
const reject = (reason = '不符合共享条件', by: Actor = reviewer): WorkflowCommand => ({
  type: 'providerDecision',
  by,
  approve: false,
  reason,
  legalDuty: false,
});

describe('the application workflow: where an application starts', () => {
  it('goes to the provider, due in the response deadline, without a compliance review', () => {
    const s = initialState({ grade: 'general', requesterAgency: 'A', requesterProvince: 'sh' }, ctx());
    expect(s).toMatchObject({ status: 'submitted', dueAt: 'due+10' });
  });
  it('goes to the data authority first when the rules ask for a compliance review', () => {
    const s = initialState(
      { grade: 'general', requesterAgency: 'A', requesterProvince: 'sh' },
      ctx({ complianceReview: { enabled: true, days: 2 }, responseDays: 15 }),
    );
    expect(s).toMatchObject({ status: 'compliance_review', dueAt: 'due+2' });
  });
});

describe('the application workflow: each step', () => {
  it.each<{
    label: string;
    from: WorkflowState;
    command: WorkflowCommand;
    rules?: Partial<WorkflowRules>;
    to: ApplicationStatus;
    action: string;
    grant?: boolean;
    expect?: Partial<WorkflowState>;
  }>([
    {
      label: 'compliance passed → the provider reviews, due anew',
      from: state('compliance_review'),
      command: { type: 'complianceReview', by: authority, pass: true, reason: '' },
      to: 'submitted',
      action: 'compliance_passed',
      expect: { dueAt: 'due+10' },
    },
    {
      label: 'compliance failed with a reason → rejected',
      from: state('compliance_review'),
      command: { type: 'complianceReview', by: authority, pass: false, reason: '用途与法定职责无关' },
      to: 'rejected',
      action: 'compliance_failed',
    },
    {
      label: 'general data approved by the provider → a grant',
      from: state('submitted'),
      command: approve(),
      to: 'approved',
      action: 'approved',
      grant: true,
      expect: { legalDuty: true },
    },
    {
      label: 'important data approved by the provider → second level, due in its own deadline',
      from: state('submitted', { grade: 'important' }),
      command: approve(),
      to: 'second_approval',
      action: 'first_level_approved',
      grant: false,
      expect: { firstApprovedBy: 'js-rsj-reviewer', dueAt: 'due+5', legalDuty: true },
    },
    {
      label: 'important data, rules without a second level → a grant at once',
      from: state('submitted', { grade: 'important' }),
      command: approve(),
      rules: { secondApprovalGrades: [] },
      to: 'approved',
      action: 'approved',
      grant: true,
    },
    {
      label: 'second level approves → a grant',
      from: state('second_approval', { grade: 'important', firstApprovedBy: 'js-rsj-reviewer' }),
      command: { type: 'secondApproval', by: authority, approve: true, reason: '' },
      to: 'approved',
      action: 'second_level_approved',
      grant: true,
    },
    {
      label: 'second level refuses with a reason → rejected',
      from: state('second_approval', { grade: 'important', firstApprovedBy: 'js-rsj-reviewer' }),
      command: { type: 'secondApproval', by: authority, approve: false, reason: '超出最小必要范围' },
      to: 'rejected',
      action: 'second_level_rejected',
    },
    {
      label: 'provider rejects with a reason',
      from: state('submitted'),
      command: reject(),
      to: 'rejected',
      action: 'rejected',
    },
    {
      label: 'the requester asks for coordination after a rejection',
      from: state('rejected'),
      command: { type: 'requestCoordination', by: requester, reason: '办理跨省社保转移须核对缴费年限（法定职责）' },
      to: 'coordination',
      action: 'coordination_requested',
      expect: { dueAt: 'due+5' },
    },
    {
      label: 'the data authority coordinates to an approval → a grant',
      from: state('coordination'),
      command: { type: 'coordinate', by: authority, approve: true, reason: '属法定职责所需，予以共享' },
      to: 'approved',
      action: 'coordinated_approved',
      grant: true,
      expect: { coordinated: true },
    },
    {
      label: 'the data authority upholds the rejection',
      from: state('coordination'),
      command: { type: 'coordinate', by: authority, approve: false, reason: '维持驳回' },
      to: 'rejected',
      action: 'coordinated_rejected',
      expect: { coordinated: true },
    },
    {
      label: 'an escalated, overdue application is decided by the data authority',
      from: state('expired', { escalated: true }),
      command: { type: 'coordinate', by: authority, approve: true, reason: '提供方逾期未答复，经协调予以共享' },
      to: 'approved',
      action: 'coordinated_approved',
      grant: true,
    },
    {
      label: 'an open stage past its due date expires and is escalated',
      from: state('submitted', { dueAt: '2026-03-01T00:00:00.000Z' }),
      command: { type: 'expire' },
      to: 'expired',
      action: 'expired',
      expect: { escalated: true },
    },
  ])('$label', (t) => {
    const r = decideStep(t.from, t.command, ctx(t.rules));
    if (!r.ok) throw new Error(`refused: ${r.code}`);
    expect(r.state.status).toBe(t.to);
    expect(r.action).toBe(t.action);
    expect(r.grant).toBe(t.grant ?? false);
    if (t.expect) expect(r.state).toMatchObject(t.expect);
  });
});

describe('the application workflow: refusals', () => {
  it.each<{ label: string; from: WorkflowState; command: WorkflowCommand; code: string; kind: string }>([
    {
      label: 'a reviewer of another agency decides',
      from: state('submitted'),
      command: approve(otherAgencyReviewer),
      code: 'CONSENT.NOT_YOUR_RESOURCE',
      kind: 'forbidden',
    },
    {
      label: 'a rejection without a reason',
      from: state('submitted'),
      command: reject('  '),
      code: 'CONSENT.REASON_REQUIRED',
      kind: 'invalid',
    },
    {
      label: 'the provider decides during the compliance review',
      from: state('compliance_review'),
      command: approve(),
      code: 'CONSENT.WRONG_STAGE',
      kind: 'conflict',
    },
    {
      label: 'deciding twice',
      from: state('approved'),
      command: approve(),
      code: 'CONSENT.ALREADY_DECIDED',
      kind: 'conflict',
    },
    {
      label: 'a compliance review by someone not of the data authority',
      from: state('compliance_review'),
      command: { type: 'complianceReview', by: reviewer, pass: true, reason: '' },
      code: 'CONSENT.DATA_AUTHORITY_REQUIRED',
      kind: 'forbidden',
    },
    {
      label: 'a failed compliance review without a reason',
      from: state('compliance_review'),
      command: { type: 'complianceReview', by: authority, pass: false, reason: '' },
      code: 'CONSENT.REASON_REQUIRED',
      kind: 'invalid',
    },
    {
      label: 'the second level given by the first approver',
      from: state('second_approval', { firstApprovedBy: 'js-admin' }),
      command: { type: 'secondApproval', by: authority, approve: true, reason: '' },
      code: 'CONSENT.SAME_APPROVER',
      kind: 'forbidden',
    },
    {
      label: 'the second level given by the provider’s reviewer',
      from: state('second_approval', { firstApprovedBy: 'x' }),
      command: { type: 'secondApproval', by: reviewer, approve: true, reason: '' },
      code: 'CONSENT.DATA_AUTHORITY_REQUIRED',
      kind: 'forbidden',
    },
    {
      label: 'coordination asked by another agency',
      from: state('rejected'),
      command: { type: 'requestCoordination', by: { ...requester, agency: 'SH-OTHER' }, reason: '履职需要' },
      code: 'CONSENT.NOT_YOUR_APPLICATION',
      kind: 'forbidden',
    },
    {
      label: 'coordination asked without a reason',
      from: state('rejected'),
      command: { type: 'requestCoordination', by: requester, reason: '' },
      code: 'CONSENT.REASON_REQUIRED',
      kind: 'invalid',
    },
    {
      label: 'coordination asked before any rejection',
      from: state('submitted'),
      command: { type: 'requestCoordination', by: requester, reason: '履职需要' },
      code: 'CONSENT.WRONG_STAGE',
      kind: 'conflict',
    },
    {
      label: 'a second coordination',
      from: state('rejected', { coordinated: true }),
      command: { type: 'requestCoordination', by: requester, reason: '履职需要' },
      code: 'CONSENT.ALREADY_COORDINATED',
      kind: 'conflict',
    },
    {
      label: 'a coordination decision by the provider’s reviewer',
      from: state('coordination'),
      command: { type: 'coordinate', by: reviewer, approve: true, reason: '同意' },
      code: 'CONSENT.DATA_AUTHORITY_REQUIRED',
      kind: 'forbidden',
    },
    {
      label: 'a coordination decision without a reason',
      from: state('coordination'),
      command: { type: 'coordinate', by: authority, approve: true, reason: '' },
      code: 'CONSENT.REASON_REQUIRED',
      kind: 'invalid',
    },
    {
      label: 'expiring an application that is not overdue',
      from: state('submitted', { dueAt: '2026-03-20T00:00:00.000Z' }),
      command: { type: 'expire' },
      code: 'CONSENT.NOT_OVERDUE',
      kind: 'conflict',
    },
    {
      label: 'expiring a decided application',
      from: state('approved', { dueAt: '' }),
      command: { type: 'expire' },
      code: 'CONSENT.NOT_OVERDUE',
      kind: 'conflict',
    },
  ])('$label → $code', (t) => {
    const r = decideStep(t.from, t.command, ctx());
    expect(r).toMatchObject({ ok: false, code: t.code, kind: t.kind });
  });
});

describe('the application workflow: overdue', () => {
  it.each<[ApplicationStatus, string, boolean]>([
    ['submitted', '2026-03-02T01:59:59.999Z', true],
    ['submitted', '2026-03-02T02:00:00.000Z', false],
    ['second_approval', '2026-03-01T00:00:00.000Z', true],
    ['coordination', '2026-03-01T00:00:00.000Z', true],
    ['approved', '2026-03-01T00:00:00.000Z', false],
    ['expired', '2026-03-01T00:00:00.000Z', false],
  ])('%s due %s is overdue: %s', (status, dueAt, overdue) => {
    expect(isOverdue(state(status, { dueAt }), AT)).toBe(overdue);
  });
});

describe('the province rules', () => {
  it('default to 10 working days, no compliance review, a second level for important data', () => {
    expect(defaultRules).toMatchObject({
      responseDays: 10,
      complianceReview: { enabled: false, days: 2 },
      secondApprovalGrades: ['important'],
      masking: {},
    });
  });
  it.each([
    ['a deadline of 0 days', { responseDays: 0 }],
    ['unmasking ID numbers', { masking: { id_number: 'none' } }],
    ['a second level for general data', { secondApprovalGrades: ['general'] }],
    ['an unknown kind of personal data', { masking: { blood_type: 'redact' } }],
  ])('refuse %s', (_what, input) => {
    expect(policyRulesInput.safeParse(input).success).toBe(false);
  });
});
