/**
 * The application workflow and the province's rules through HTTP, across two provinces on a real
 * nats-server: compliance review, coordination asked for from another province, deadlines that
 * expire and escalate, worklists, and rule changes that are versioned, audited and take effect.
 */
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import type { NatsConnection } from '@yrd/nats';
import { call, consentV1, insecureClient } from '@yrd/proto';
import { aDataItem, agencyCode, aPrincipal, aResource, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsent, startConsent } from './index.js';

const ZJ_AGENCY = agencyCode('zj');
const SH_AGENCY = agencyCode('sh');

const licence = aResource('zj', '330000-SCJG-00001', {
  provider: { creditCode: ZJ_AGENCY, name: '浙江省市场监督管理局' },
  grade: 'general',
  items: [
    aDataItem('company_name'),
    aDataItem('credit_code', { piiKind: 'credit_code' }),
    aDataItem('legal_rep_name', { subLevel: 3, personalInfo: true, piiKind: 'name' }),
  ],
});

const users = {
  requester: aPrincipal({ province: 'sh', sub: 'sh-u1', agency: SH_AGENCY }),
  otherRequester: aPrincipal({ province: 'sh', sub: 'sh-u2', agency: agencyCode('sh', 2) }),
  reviewer: aPrincipal({ province: 'zj', sub: 'zj-r1', agency: ZJ_AGENCY, roles: ['reviewer'] }),
  admin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
};

describe('the application workflow and the rules', () => {
  let tb: Testbed;
  let zjConsent: RunningConsent;
  let shConsent: RunningConsent;
  let zjNc: NatsConnection;
  let zjCatalog: RunningCatalog;
  /** 浙江's clock, moved forward to pass deadlines */
  let zjNow = Date.parse('2026-03-02T01:00:00.000Z');

  const zj = (who: Principal, method: string, path: string, body?: unknown) =>
    tb.http(zjConsent.httpUrl, who, method, `/api/consent/v1${path}`, body);
  const sh = (who: Principal, method: string, path: string, body?: unknown) =>
    tb.http(shConsent.httpUrl, who, method, `/api/consent/v1${path}`, body);
  const apply = async () => {
    const r = await sh(users.requester, 'POST', '/applications', {
      resourceId: licence.id,
      purpose: '企业开办审批',
      legalBasis: '《优化营商环境条例》',
      items: ['company_name', 'legal_rep_name'],
      validUntil: '2027-12-31T00:00:00.000Z',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return String(r.body.id);
  };
  const authorize = async (grantId: string) => {
    const client = insecureClient(consentV1.ConsentServiceClient, `127.0.0.1:${zjConsent.grpcPort}`);
    try {
      return await call(
        client,
        client.authorize,
        {
          requester: { province: 'sh', agencyCode: SH_AGENCY, userId: 'sh-u1', requesterKind: 'government', roles: [] },
          resourceId: licence.id,
          items: [],
          mode: 'query',
          purpose: '企业开办审批',
          grantId,
          consentId: '',
          subjectRef: '',
          at: '',
        },
        { name: 'consent.Authorize', unavailableCode: 'CONSENT.UNAVAILABLE' },
      );
    } finally {
      client.close();
    }
  };
  const setRules = (rules: object, reason = '按省数据局通知调整') =>
    zj(users.admin, 'PUT', '/rules', { rules, reason });

  beforeAll(async () => {
    tb = await createTestbed();
    const agencies = { nameOf: () => '某单位' };
    zjCatalog = await tb.started(startCatalog(await tb.deps('zj'), { agencies, seed: [licence], resyncMs: 600_000 }));
    const shCatalog: RunningCatalog = await tb.started(
      startCatalog(await tb.deps('sh'), { agencies, resyncMs: 600_000 }),
    );
    await shCatalog.federation.syncAll();
    const zjDeps = await tb.deps('zj', {
      grpcAddress: { catalog: `127.0.0.1:${zjCatalog.grpcPort}` },
      clock: () => new Date(zjNow),
    });
    zjNc = zjDeps.nc;
    zjConsent = await tb.started(startConsent(zjDeps, { trust: tb.trust, sweepMs: 3_600_000 }));
    shConsent = await tb.started(
      startConsent(await tb.deps('sh', { grpcAddress: { catalog: `127.0.0.1:${shCatalog.grpcPort}` } }), {
        trust: tb.trust,
        sweepMs: 3_600_000,
      }),
    );
  });
  afterAll(() => tb?.close());

  it('the rules start at the defaults; a change is a new version with who, when, why and what, on the audit trail', async () => {
    const current = await zj(users.reviewer, 'GET', '/rules');
    expect(current.body).toMatchObject({
      version: 0,
      rules: { responseDays: 10, secondApprovalGrades: ['important'] },
    });

    const changed = await setRules({ complianceReview: { enabled: true, days: 2 }, masking: { name: 'redact' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      version: 1,
      changedBy: 'zj-admin',
      reason: '按省数据局通知调整',
      changedFields: ['complianceReview', 'masking'],
      rules: { responseDays: 10, complianceReview: { enabled: true, days: 2 }, masking: { name: 'redact' } },
    });
    const history = await zj(users.admin, 'GET', '/rules/history');
    expect((history.body.versions as { version: number }[]).map((v) => v.version)).toEqual([1]);
    expect((await zj(users.admin, 'GET', '/rules/versions/0')).body.rules.complianceReview.enabled).toBe(false);
    const events = (await auditEventsIn(zjNc, 'zj')).events.filter((e) => e.kind === 'consent.rules.changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventId: 'zj-rules:1', actorUser: 'zj-admin' });
    expect(events[0]?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a reviewer', users.reviewer, { responseDays: 5 }, '改', 403, 'CONSENT.ADMIN_REQUIRED'],
    ['another province’s admin', users.shAdmin, { responseDays: 5 }, '改', 403, 'CONSENT.ADMIN_REQUIRED'],
    ['no reason', users.admin, { responseDays: 5 }, ' ', 400, 'CONSENT.REASON_REQUIRED'],
    ['unmasking ID numbers', users.admin, { masking: { id_number: 'none' } }, '改', 400, 'REQUEST.INVALID'],
    ['a deadline of 0 days', users.admin, { responseDays: 0 }, '改', 400, 'REQUEST.INVALID'],
  ])('refuses a rule change by %s', async (_what, who, rules, reason, status, code) => {
    const r = await tb.http(zjConsent.httpUrl, who, 'PUT', '/api/consent/v1/rules', { rules, reason });
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect((await zj(users.admin, 'GET', '/rules')).body.version).toBe(1);
  });

  it('a changed masking rule takes effect in the next decision and names its rules version', async () => {
    // compliance review is on (version 1): the data authority passes it, the provider approves
    const id = await apply();
    expect((await zj(users.reviewer, 'GET', `/applications/${id}`)).body).toMatchObject({
      status: 'compliance_review',
      rulesVersion: 1,
    });
    const early = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, { decision: 'approve' });
    expect(early.body.code).toBe('CONSENT.WRONG_STAGE');
    expect((await zj(users.reviewer, 'POST', `/applications/${id}/compliance`, { decision: 'pass' })).status).toBe(403);
    const failNoReason = await zj(users.admin, 'POST', `/applications/${id}/compliance`, { decision: 'fail' });
    expect(failNoReason.body.code).toBe('CONSENT.REASON_REQUIRED');
    const passed = await zj(users.admin, 'POST', `/applications/${id}/compliance`, { decision: 'pass' });
    expect(passed.body.application.status).toBe('submitted');
    const approved = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, { decision: 'approve' });
    expect(approved.body.application.status).toBe('approved');
    const grantId = String(approved.body.grant.id);

    const decision = await authorize(grantId);
    expect(decision.allow).toBe(true);
    expect(decision.rulesVersion).toBe(1);
    // 姓名 would be "name" (张*) by default; this province chose to redact names
    expect(decision.masking).toContainEqual({ item: 'legal_rep_name', profile: 'redact' });
    expect((await setRules({ complianceReview: { enabled: false, days: 2 } }, '恢复默认')).body.version).toBe(2);
  });

  it('a rejected requester in another province asks for coordination; the data authority decides it', async () => {
    const id = await apply();
    const rejected = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, {
      decision: 'reject',
      reason: '申请用途与所需信息项不符',
    });
    expect(rejected.body.application.status).toBe('rejected');

    // asked at 上海, carried to 浙江 over the consent lane
    const byOther = await sh(users.otherRequester, 'POST', `/applications/${id}/coordination`, { reason: '履职需要' });
    // another agency cannot see the application, so it is not there for them (issue 10 §2)
    expect([byOther.status, byOther.body.code]).toEqual([404, 'CONSENT.APPLICATION_NOT_FOUND']);
    const noReason = await sh(users.requester, 'POST', `/applications/${id}/coordination`, { reason: '' });
    expect(noReason.body.code).toBe('CONSENT.REASON_REQUIRED');
    const asked = await sh(users.requester, 'POST', `/applications/${id}/coordination`, {
      reason: '办理企业跨省迁移登记须核对法定代表人（法定职责）',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('coordination');

    const worklist = await zj(users.admin, 'GET', '/applications?status=coordination');
    expect((worklist.body.applications as { id: string }[]).map((a) => a.id)).toContain(id);
    expect(
      (
        await zj(users.reviewer, 'POST', `/applications/${id}/coordination/decision`, {
          decision: 'approve',
          reason: 'x',
        })
      ).status,
    ).toBe(403);
    const decided = await zj(users.admin, 'POST', `/applications/${id}/coordination/decision`, {
      decision: 'approve',
      reason: '属法定职责所需，经协调予以共享',
      legalDuty: true,
    });
    expect(decided.body.application).toMatchObject({ status: 'approved', coordinated: true, legalDuty: true });
    expect(decided.body.grant).toMatchObject({ status: 'active', legalDuty: true });
    const again = await sh(users.requester, 'POST', `/applications/${id}/coordination`, { reason: '再次' });
    expect(again.body.code).toBe('CONSENT.ALREADY_DECIDED');

    const seen = await sh(users.requester, 'GET', `/applications/${id}`);
    expect((seen.body.steps as { action: string }[]).map((s) => s.action)).toEqual([
      'submitted',
      'rejected',
      'coordination_requested',
      'coordinated_approved',
    ]);
    const events = (await auditEventsIn(zjNc, 'zj')).events.filter((e) => e.requestId === id);
    expect(events.map((e) => e.eventId)).toEqual([
      `${id}:submitted`,
      `${id}:decided`,
      `${id}:coordination_requested`,
      `${id}:coordinated`,
    ]);
  });

  it('an application nobody answers in 10 working days is flagged, then expired and escalated', async () => {
    const id = await apply();
    const created = await zj(users.reviewer, 'GET', `/applications/${id}`);
    const due = Date.parse(String(created.body.dueAt));
    // 10 working days from Monday 2 March 2026 is Monday 16 March (two weekends in between)
    expect(due).toBeGreaterThan(Date.parse('2026-03-13T16:00:00.000Z'));
    expect((await zj(users.reviewer, 'GET', '/applications?overdue=true')).body.applications).toEqual([]);

    zjNow = due + 60_000;
    const flagged = await zj(users.reviewer, 'GET', '/applications?overdue=true');
    expect((flagged.body.applications as { id: string }[]).map((a) => a.id)).toEqual([id]);
    expect((await sh(users.requester, 'GET', `/applications/${id}`)).body.overdue).toBe(true);

    expect(await zjConsent.app.sweepOverdue()).toEqual([id]);
    const expired = await zj(users.admin, 'GET', `/applications/${id}`);
    expect(expired.body).toMatchObject({ status: 'expired', escalated: true, overdue: false });
    expect((expired.body.steps as { action: string; actorUser: string }[]).at(-1)).toMatchObject({
      action: 'expired',
      actorUser: 'system:deadline',
    });
    // the provider can no longer answer; the data authority decides the escalated application
    const late = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, { decision: 'approve' });
    expect(late.body.code).toBe('CONSENT.WRONG_STAGE');
    const decided = await zj(users.admin, 'POST', `/applications/${id}/coordination/decision`, {
      decision: 'reject',
      reason: '提供方说明该数据已停止更新',
    });
    expect(decided.body.application).toMatchObject({ status: 'rejected', coordinated: true });
    expect(await zjConsent.app.sweepOverdue()).toEqual([]);
  });

  it('an entry the province puts on its negative list is refused at once, under a valid grant', async () => {
    const id = await apply();
    const approved = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, { decision: 'approve' });
    const grantId = String(approved.body.grant.id);
    expect((await authorize(grantId)).allow).toBe(true);
    const listed = await tb.http(zjCatalog.httpUrl, users.admin, 'POST', '/api/catalog/v1/negative-list', {
      resourceId: licence.id,
      reason: '涉及商业秘密，暂停共享',
      legalBasis: '《中华人民共和国数据安全法》第三十八条',
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(201);
    // the catalogue tells the consent service, which drops what it cached: within moments
    let refused = await authorize(grantId);
    for (let i = 0; i < 50 && refused.allow; i++) {
      await new Promise((r) => setTimeout(r, 20));
      refused = await authorize(grantId);
    }
    expect(refused.allow).toBe(false);
    expect(refused.denialCode).toBe('CONSENT.NEGATIVE_LIST');
    await tb.http(zjCatalog.httpUrl, users.admin, 'DELETE', `/api/catalog/v1/negative-list/${String(listed.body.id)}`, {
      reason: '已解除',
    });
    let back = await authorize(grantId);
    for (let i = 0; i < 50 && !back.allow; i++) {
      await new Promise((r) => setTimeout(r, 20));
      back = await authorize(grantId);
    }
    expect(back.allow).toBe(true);
  });

  it('a grant carries the rate asked for, or a lower one the provider sets; lapsed grants expire', async () => {
    const r = await sh(users.requester, 'POST', '/applications', {
      resourceId: licence.id,
      purpose: '企业开办审批',
      legalBasis: '《优化营商环境条例》',
      items: ['company_name'],
      validUntil: '2027-12-31T00:00:00.000Z',
      ratePerMinute: 120,
    });
    const id = String(r.body.id);
    expect(r.body.ratePerMinute).toBe(120);
    const more = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, {
      decision: 'approve',
      ratePerMinute: 200,
    });
    expect(more.body.code).toBe('CONSENT.RATE_ABOVE_REQUEST');
    const approved = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, {
      decision: 'approve',
      ratePerMinute: 30,
    });
    expect(approved.body.grant.ratePerMinute).toBe(30);
    const grantId = String(approved.body.grant.id);
    expect((await authorize(grantId)).ratePerMinute).toBe(30);

    zjNow = Date.parse('2028-01-02T00:00:00.000Z');
    await zjConsent.app.sweepOverdue();
    expect((await zj(users.reviewer, 'GET', `/grants/${grantId}`)).body.status).toBe('expired');
    const lapsed = await authorize(grantId);
    expect(lapsed.allow).toBe(false);
    expect(lapsed.denialCode).toBe('CONSENT.GRANT_EXPIRED');
  });

  it('我的申请: an application to another province is listed at the requester’s, with the provider’s state', async () => {
    zjNow = Date.parse('2026-03-09T01:00:00.000Z'); // a Monday
    const id = await apply();
    const mine = async () => {
      const r = await sh(users.requester, 'GET', '/outgoing-applications?pageSize=100');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { total: number; applications: Record<string, unknown>[] };
    };
    const before = await mine();
    // newest first, recorded at 上海 though stored at 浙江
    expect(before.applications[0]).toMatchObject({
      id,
      providerProvince: 'zj',
      resourceId: licence.id,
      requesterAgency: SH_AGENCY,
      requesterUser: 'sh-u1',
      status: 'submitted',
      unreachable: false,
      application: { id, status: 'submitted', providerProvince: 'zj', workingDaysLeft: 10, overdue: false },
    });
    expect(before.total).toBe(before.applications.length);
    // another agency of the same province sees none of them
    expect((await sh(users.otherRequester, 'GET', '/outgoing-applications')).body).toMatchObject({
      total: 0,
      applications: [],
    });
    const pending = await sh(users.requester, 'GET', '/outgoing-applications?status=submitted');
    expect((pending.body.applications as { id: string }[]).map((a) => a.id)).toContain(id);

    const decided = await zj(users.reviewer, 'POST', `/applications/${id}/decision`, {
      decision: 'approve',
      reason: '符合共享条件',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const grantId = String(decided.body.grant.id);

    const after = (await mine()).applications.find((a) => a.id === id);
    expect(after).toMatchObject({ status: 'approved', application: { grantId, reason: '符合共享条件' } });
    expect(after?.application).not.toHaveProperty('workingDaysLeft');
    // the filter follows the state just read from the provider
    const approvedOnly = await sh(users.requester, 'GET', '/outgoing-applications?status=approved&pageSize=100');
    expect((approvedOnly.body.applications as { id: string }[]).map((a) => a.id)).toContain(id);
    const stillPending = await sh(users.requester, 'GET', '/outgoing-applications?status=submitted&pageSize=100');
    expect((stillPending.body.applications as { id: string }[]).map((a) => a.id)).not.toContain(id);

    const grants = await sh(users.requester, 'GET', '/outgoing-grants');
    expect(grants.status, JSON.stringify(grants.body)).toBe(200);
    expect(grants.body.unreachable).toEqual([]);
    expect((grants.body.grants as Record<string, unknown>[]).find((g) => g.id === grantId)).toMatchObject({
      applicationId: id,
      providerProvince: 'zj',
      status: 'active',
      items: ['company_name', 'legal_rep_name'],
      modes: ['query'],
      validUntil: '2027-12-31T00:00:00.000Z',
    });
    expect((await sh(users.otherRequester, 'GET', '/outgoing-grants')).body.grants).toEqual([]);
  });
});
