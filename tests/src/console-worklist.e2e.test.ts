/**
 * 待办 in a real browser, served by the 浙江 edge of a seeded region. Applications of the 上海 requester
 * to 浙江 entries are submitted through the API; then, in the browser:
 * - the 浙江 reviewer finds one in the worklist with its deadline, opens it (requester, items, purpose,
 *   legal basis, validity) and approves it with a reason; the worklist shows it approved;
 * - an application to an important-grade entry (浙江 就业登记信息) is approved by its agency's reviewer
 *   and goes on to 二级审批, which the province's data authority (the 浙江 admin 苏启航) gives;
 * - after the admin turns 符合性审查 on in the rules, a new application waits for it, and the admin
 *   passes it on to the provider; a rejected application whose requester asked for 协调 is decided
 *   by the admin, with the requester's statutory duty recorded.
 * Each step shows in the application's timeline and is checked in the consent service too. No console
 * error, no serious or critical accessibility violation, and screenshots for the README.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  newConsolePage,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  tick,
  type watchErrors,
} from './browser.js';
import type { RegionClient } from './client.js';

const requester = 'sh-dsj-requester';
const reviewer = { id: 'zj-dsjj-reviewer', name: '曹文静' };
/** the reviewer of 浙江省人力资源和社会保障厅, which provides 就业登记信息 */
const rstReviewer = { id: 'zj-rst-reviewer', name: '华晓燕' };
/** 浙江's data authority: compliance review, second approval, coordination */
const admin = { id: 'zj-admin', name: '苏启航' };
/** 浙里办场馆预约记录: conditional, personal items, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
/** 就业登记信息: conditional, important grade, provided by 浙江省人社厅 */
const employment = 'zj.330000-RSJ-00001';
const purpose = '长三角场馆客流与公共安全保障（待办测试）';
const employmentPurpose = '长三角就业补贴跨省核验（二级审批测试）';
const compliancePurpose = '场馆预约跨省统计（符合性审查测试）';
const coordinationPurpose = '大型活动安保人员核查（协调测试）';
const legalBasis = '《上海市公共数据管理办法》第二十四条';

type Application = { id: string; status: string; steps: { action: string; reason: string }[]; legalDuty: boolean };

describe('the reviewer’s and the data authority’s worklist in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let appId: string;
  let importantId: string;
  let complianceId: string;
  let coordinationId: string;

  const apply = async (resourceId: string, why: string, items: string[]) => {
    const applied = await api.as(requester, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId,
      purpose: why,
      legalBasis,
      items,
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    return { id: String(applied.body.id), status: String(applied.body.status) };
  };
  const stored = async (id: string) =>
    (await api.as<Application>(requester, 'sh', 'GET', `/api/consent/v1/applications/${id}`)).body;
  const rowOf = (why: string, id: string) =>
    page.getByRole('row').filter({ has: page.getByRole('button', { name: `${why} ${id}` }) });
  const screen = async (name: string) => {
    // the pointer off any control, so no hover colour is judged or pictured
    await page.mouse.move(0, 0);
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    expect(watch.errors, `console errors on ${name}`).toEqual([]);
    await screenshot(page, name);
  };
  /** antd's Select: the options one clicks are its list's items (the role=option ones are for screen readers) */
  const pickStatus = async (label: string) => {
    await page.getByRole('combobox', { name: '按状态筛选' }).click();
    await page.locator(`.ant-select-item-option[title="${label}"]`).click();
  };
  const switchUser = async (user: { id: string; name: string }) => {
    // signed out on a plain worklist, so the next user does not come back to an application not theirs
    await page.goto(`${origin}/worklist`);
    await page.getByRole('heading', { name: '待办' }).waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await signIn(page, user);
    await page.getByTestId('current-user').filter({ hasText: user.name }).waitFor();
  };

  beforeAll(async () => {
    started = await startConsoleRegion('console-worklist');
    api = started.api;
    origin = api.url('zj');

    const first = await apply(booking, purpose, ['booking_no', 'venue', 'visit_date']);
    expect(first.status).toBe('submitted');
    appId = first.id;
    // important data: the rules in force (the defaults) ask for a second approval
    const rules = await api.as<{ rules: Record<string, unknown> }>(admin.id, 'zj', 'GET', '/api/consent/v1/rules');
    expect(rules.body.rules.secondApprovalGrades).toContain('important');
    const important = await apply(employment, employmentPurpose, ['person_name', 'employment_status']);
    expect(important.status).toBe('submitted');
    importantId = important.id;

    // rejected by the provider, then the requester asks the data authority to coordinate
    const toCoordinate = await apply(booking, coordinationPurpose, ['booking_no', 'venue']);
    coordinationId = toCoordinate.id;
    const rejected = await api.as(
      reviewer.id,
      'zj',
      'POST',
      `/api/consent/v1/applications/${coordinationId}/decision`,
      {
        decision: 'reject',
        reason: '用途与共享条件不符',
      },
    );
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const asked = await api.as(requester, 'sh', 'POST', `/api/consent/v1/applications/${coordinationId}/coordination`, {
      reason: '大型活动安保属于公安机关法定职责，请求协调',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('coordination');

    // the admin turns compliance review on: applications from now on wait for it
    const changed = await api.as(admin.id, 'zj', 'PUT', '/api/consent/v1/rules', {
      rules: { ...rules.body.rules, complianceReview: { enabled: true, days: 2 } },
      reason: '跨省共享申请先经符合性审查（待办测试）',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const checked = await apply(booking, compliancePurpose, ['booking_no', 'visit_date']);
    expect(checked.status).toBe('compliance_review');
    complianceId = checked.id;

    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser));
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the 浙江 reviewer signs in and sees the application in 待办, with its deadline', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, reviewer);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办' }).waitFor();
    const row = rowOf(purpose, appId);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/待审核/);
    await expect.poll(() => row.textContent()).toMatch(/\d{4}-\d{2}-\d{2}/);
    // the reviewer sees its own agency's applications only: not the 人社厅's
    expect(await rowOf(employmentPurpose, importantId).count()).toBe(0);
  });

  it('opens it and approves it with a reason; the worklist shows it approved', async () => {
    await page.getByRole('button', { name: `${purpose} ${appId}` }).click();
    const card = page.getByRole('heading', { name: `申请 ${appId}` });
    await card.waitFor();
    const application = page.getByTestId('application');
    await application.getByText(purpose).waitFor();
    await application.getByText(legalBasis).waitFor();
    await application.getByText('booking_no、venue、visit_date').waitFor();
    await application.getByText(/上海 · .* · sh-dsj-requester/).waitFor();
    await application.getByTestId('application-step').filter({ hasText: '提交申请' }).waitFor();
    await tick(page.getByRole('radio', { name: '同意', exact: true }));
    await page.getByRole('textbox', { name: '理由' }).fill('符合共享条件，同意共享');
    await page.getByRole('button', { name: '提交审核意见' }).click();
    await page.getByTestId('decided').waitFor();
    const row = rowOf(purpose, appId);
    await expect.poll(() => row.textContent()).toMatch(/已同意/);
    await application.getByTestId('application-step').filter({ hasText: '提供单位审核同意' }).waitFor();

    const seen = await api.as(requester, 'sh', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(seen.body).toMatchObject({ status: 'approved', reason: '符合共享条件，同意共享' });

    await page.evaluate('window.scrollTo(0, 0)');
    await screen('worklist');
  });

  it('important data: the 人社厅 reviewer approves, and the application goes on to 二级审批', async () => {
    await switchUser(rstReviewer);
    await page.goto(`${origin}/worklist`);
    await page.getByRole('button', { name: `${employmentPurpose} ${importantId}` }).click();
    const application = page.getByTestId('application');
    await application.getByRole('heading', { name: `申请 ${importantId}` }).waitFor();
    await application.getByText('重要').first().waitFor();
    await tick(page.getByRole('radio', { name: '同意', exact: true }));
    await page.getByRole('textbox', { name: '理由' }).fill('就业补贴核验属法定职责，同意');
    await page.getByRole('button', { name: '提交审核意见' }).click();
    await page.getByTestId('decided').waitFor();
    await application.getByTestId('application-step').filter({ hasText: '转二级审批' }).waitFor();
    await expect.poll(() => rowOf(employmentPurpose, importantId).textContent()).toMatch(/二级审批/);
    // the second level is the data authority's: nothing more for the reviewer to decide
    expect(await application.getByTestId('step-form').count()).toBe(0);
    expect((await stored(importantId)).status).toBe('second_approval');
  });

  it('the 浙江 admin (数据主管部门) filters to 二级审批 and gives the second approval', async () => {
    await switchUser(admin);
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办' }).waitFor();
    // the data authority sees all of the province's applications, whatever the agency
    await rowOf(purpose, appId).waitFor();
    await pickStatus('二级审批');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('second_approval');
    await rowOf(employmentPurpose, importantId).waitFor();
    await expect.poll(() => rowOf(purpose, appId).count()).toBe(0);

    await page.getByRole('button', { name: `${employmentPurpose} ${importantId}` }).click();
    const application = page.getByTestId('application');
    await application.getByRole('heading', { name: '二级审批', level: 3 }).waitFor();
    await application.getByText(rstReviewer.id).first().waitFor();
    await application.getByTestId('application-step').filter({ hasText: '就业补贴核验属法定职责，同意' }).waitFor();
    await tick(page.getByRole('radio', { name: '同意', exact: true }));
    await page.getByRole('textbox', { name: '理由' }).fill('重要数据，经数据主管部门二级审批同意');
    await application.getByTestId('step-form').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screen('worklist-second-approval');
    await page.getByRole('button', { name: '提交审批意见' }).click();
    await page.getByTestId('decided').filter({ hasText: '审批意见已提交' }).waitFor();
    await application.getByTestId('application-step').filter({ hasText: '二级审批同意' }).waitFor();

    const seen = await stored(importantId);
    expect(seen.status).toBe('approved');
    expect(seen.steps.map((s) => s.action)).toEqual(['submitted', 'first_level_approved', 'second_level_approved']);
    expect(watch.errors).toEqual([]);
  });

  it('符合性审查: the admin passes an application on to the provider', async () => {
    await page.getByRole('button', { name: '关闭' }).click();
    await pickStatus('符合性审查');
    await page.getByRole('button', { name: `${compliancePurpose} ${complianceId}` }).click();
    const application = page.getByTestId('application');
    await application.getByRole('heading', { name: '符合性审查', level: 3 }).waitFor();
    await tick(page.getByRole('radio', { name: '通过', exact: true }));
    await page.getByRole('textbox', { name: '理由' }).fill('用途、依据与共享条件相符');
    await page.getByRole('button', { name: '提交审查结论' }).click();
    await page.getByTestId('decided').filter({ hasText: '审查结论已提交' }).waitFor();
    await application.getByTestId('application-step').filter({ hasText: '符合性审查通过' }).waitFor();
    // now the provider's reviewer's: the admin has no step to take
    await expect.poll(() => application.getByTestId('step-form').count()).toBe(0);
    await application.getByText('提供单位审核', { exact: true }).waitFor();

    const seen = await stored(complianceId);
    expect(seen.status).toBe('submitted');
    expect(seen.steps.at(-1)).toMatchObject({ action: 'compliance_passed', reason: '用途、依据与共享条件相符' });
    expect(await seriousViolations(page), 'accessibility after the compliance review').toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('协调: the admin decides a coordination, recording the requester’s statutory duty', async () => {
    await page.getByRole('button', { name: '关闭' }).click();
    await pickStatus('协调中');
    await page.getByRole('button', { name: `${coordinationPurpose} ${coordinationId}` }).click();
    const application = page.getByTestId('application');
    await application.getByRole('heading', { name: '协调结论', level: 3 }).waitFor();
    await application.getByTestId('application-step').filter({ hasText: '申请方申请协调' }).waitFor();
    await tick(page.getByRole('radio', { name: '同意共享', exact: true }));
    await tick(page.getByRole('checkbox', { name: /履行法定职责/ }));
    await page.getByRole('textbox', { name: '理由' }).fill('安保核查属法定职责，协调同意共享');
    await application.getByTestId('step-form').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screen('worklist-coordination');
    await page.getByRole('button', { name: '提交协调结论' }).click();
    await page.getByTestId('decided').filter({ hasText: '协调结论已提交' }).waitFor();
    await application.getByTestId('application-step').filter({ hasText: '协调结论：同意共享' }).waitFor();

    const seen = await stored(coordinationId);
    expect(seen).toMatchObject({ status: 'approved', legalDuty: true });
    expect(seen.steps.map((s) => s.action)).toEqual([
      'submitted',
      'rejected',
      'coordination_requested',
      'coordinated_approved',
    ]);
    expect(watch.errors).toEqual([]);
  });
});
