/**
 * 谁用了我的数据 in a real browser, served by the 上海 edge of a seeded region. Through the API first:
 * 上海人社局 gets a grant for 江苏's 社会保险缴费信息, queries it for the demo subject 李四海 without
 * their consent (refused) and with it (served); 浙江省大数据局 asks 江苏 for the same person's record
 * with no grant (refused — an exchange between two other provinces, which only 浙江's and 江苏's logs
 * hold); and 上海人社局 queries another person. Then 李四海 signs in at the 上海 origin and reads the
 * three exchanges that named them, in plain words, and not the other person's. No console error, no
 * serious or critical accessibility violation, one screenshot for the README.
 */
import { demoSubject, subjects } from '@yrd/seeds';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  newConsolePage,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  watchErrors,
} from './browser.js';
import { eventually, type RegionClient } from './client.js';

const subject = { id: demoSubject.id, name: demoSubject.name };
/** a 江苏 person: an exchange naming them is never in 李四海's list */
const other = subjects.find((s) => s.id === 'js-subject-01');
/** a 上海 person no exchange names */
const quiet = subjects.find((s) => s.id === 'sh-subject-02');
const insurance = 'js.320000-RSJ-00001'; // 江苏 社会保险缴费信息: conditional, 须取得本人单独同意
const purpose = '社保关系转移接续'; // the seeded consent's purpose
const items = ['id_number', 'person_name', 'contribution_months', 'last_contribution'];

interface Line {
  id: string;
  requestId: string;
  outcome: string;
  code: string;
  requesterProvince: string;
  providerProvince: string;
  recordedBy: string[];
  consentId: string;
}
interface Answer {
  uses: Line[];
  provinces: string[];
  incomplete: string[];
}

describe('谁用了我的数据: the data subject reads every exchange that named them', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;

  const query = (
    user: string,
    p: 'sh' | 'zj',
    requestId: string,
    o: { grantId?: string; consentId?: string; idNumber?: string } = {},
  ) =>
    api.as<{ code?: string }>(
      user,
      p,
      'POST',
      '/api/exchange/v1/queries',
      {
        resourceId: insurance,
        purpose,
        key: { id_number: o.idNumber ?? demoSubject.idNumber },
        ...(o.grantId ? { grantId: o.grantId } : {}),
        ...(o.consentId ? { consentId: o.consentId } : {}),
      },
      { 'x-request-id': requestId },
    );
  const mine = async (user = subject.id, p: 'sh' | 'js' = 'sh') => {
    const r = await api.as<Answer>(user, p, 'GET', '/api/audit/v1/my/data-use');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    started = await startConsoleRegion('console-data-use');
    api = started.api;
    origin = api.url('sh');

    // a grant from 江苏 (its reviewer, then its data authority for important data)
    const applied = await api.as<{ id: string }>('sh-rsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: insurance,
      purpose,
      legalBasis: '《中华人民共和国社会保险法》第十九条；《中华人民共和国个人信息保护法》第十三条',
      items,
      modes: ['query'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const path = `/api/consent/v1/applications/${applied.body.id}`;
    type Decided = { application?: { status: string }; grant?: { id: string } };
    let decided = await api.as<Decided>('js-rst-reviewer', 'js', 'POST', `${path}/decision`, {
      decision: 'approve',
      reason: '符合共享条件',
    });
    if (decided.body.application?.status === 'second_approval') {
      decided = await api.as<Decided>('js-admin', 'js', 'POST', `${path}/second-approval`, {
        decision: 'approve',
        reason: '符合共享条件',
      });
    }
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const grantId = decided.body.grant?.id ?? '';
    const consents = await api.as<{ consents: { id: string; resourceId: string; status: string }[] }>(
      subject.id,
      'sh',
      'GET',
      '/api/consent/v1/consents',
    );
    const consentId = consents.body.consents.find((c) => c.resourceId === insurance && c.status === 'active')?.id;
    expect(consentId, 'the seeded consent for 社会保险缴费信息').toBeDefined();

    // without the person's consent: refused
    const refused = await query('sh-rsj-requester', 'sh', 'e2e-data-use-refused', { grantId });
    expect([refused.status, refused.body.code]).toEqual([403, 'CONSENT.CONSENT_REQUIRED']);
    // with it: served
    const served = await query('sh-rsj-requester', 'sh', 'e2e-data-use-served', {
      grantId,
      consentId: consentId ?? '',
    });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    // between 浙江 and 江苏, no grant: refused, and recorded only there
    const elsewhere = await query('zj-dsjj-requester', 'zj', 'e2e-data-use-zj');
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(403);
    // another person: never in 李四海's list
    const someoneElse = await query('sh-rsj-requester', 'sh', 'e2e-data-use-other', {
      grantId,
      idNumber: other?.idNumber ?? '',
    });
    expect(someoneElse.status).toBe(403);

    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser));
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the API answers from every province’s log, both sides of each exchange one line', async () => {
    const ids = ['sh:e2e-data-use-refused', 'sh:e2e-data-use-served', 'zj:e2e-data-use-zj'];
    const answer = await eventually(
      async () => {
        const a = await mine();
        const lines = a.uses.filter((l) => ids.includes(l.id));
        // every side recorded (the audit logs take the events in from JetStream)
        return lines.length === 3 && lines.every((l) => l.recordedBy.length === 2) ? a : undefined;
      },
      30_000,
      'the three exchanges in 李四海’s data use',
    );
    expect(answer.provinces).toEqual(['sh', 'js', 'zj', 'ah']);
    expect(answer.incomplete).toEqual([]);
    const byId = new Map(answer.uses.map((l) => [l.id, l]));
    expect(byId.get('sh:e2e-data-use-served')).toMatchObject({
      outcome: 'allowed',
      providerProvince: 'js',
      recordedBy: ['js', 'sh'],
    });
    expect(byId.get('sh:e2e-data-use-refused')).toMatchObject({ outcome: 'refused', code: 'CONSENT.CONSENT_REQUIRED' });
    expect(byId.get('zj:e2e-data-use-zj')).toMatchObject({
      outcome: 'refused',
      requesterProvince: 'zj',
      providerProvince: 'js',
      recordedBy: ['js', 'zj'],
    });
    expect(byId.has('sh:e2e-data-use-other')).toBe(false);
    // the other person sees theirs, and none of 李四海's
    const theirs = await mine(other?.id, 'js');
    expect(theirs.uses.map((l) => l.id)).toContain('sh:e2e-data-use-other');
    expect(theirs.uses.some((l) => ids.includes(l.id))).toBe(false);
    // nobody but the person
    const officer = await api.as<{ code: string }>('sh-auditor', 'sh', 'GET', '/api/audit/v1/my/data-use');
    expect([officer.status, officer.body.code]).toEqual([403, 'AUTH.ROLE_REQUIRED']);
  });

  it('李四海 signs in at 上海 and reads who used their data, in plain words', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, subject);
    await page.getByRole('link', { name: '谁用了我的数据' }).click();
    await page.getByRole('heading', { name: '谁用了我的数据', level: 1 }).waitFor();
    const entry = (text: RegExp) => page.getByTestId('data-use-entry').filter({ hasText: text });

    const served = entry(/上海市人力资源和社会保障局 查询了 社会保险缴费信息 中的 .*累计缴费月数/);
    await served.waitFor({ timeout: 30_000 });
    await expect.poll(() => served.textContent()).toMatch(/用途：社保关系转移接续（依据您的授权书及共享授权 js-grant-/);
    await expect.poll(() => served.textContent()).toMatch(/已使用/);
    await expect.poll(() => served.textContent()).toMatch(/请求编号 e2e-data-use-served/);

    const refused = entry(/上海市人力资源和社会保障局 请求查询 社会保险缴费信息，已被拒绝/);
    await expect.poll(() => refused.textContent()).toMatch(/拒绝原因：未取得您的授权/);

    // an exchange between 浙江 and 江苏: 上海's log has no record of it, the page has it from theirs
    const elsewhere = entry(/浙江省大数据发展管理局 请求查询 社会保险缴费信息/);
    await expect.poll(() => elsewhere.textContent()).toMatch(/留痕：江苏、浙江/);
    await expect.poll(() => elsewhere.textContent()).toMatch(/已拒绝/);

    await expect.poll(() => page.getByText('e2e-data-use-other').count()).toBe(0);
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    expect(await seriousViolations(page), 'accessibility of who used my data').toEqual([]);
    expect(watch.errors, 'console errors on who used my data').toEqual([]);
    await screenshot(page, 'data-use');
  });

  it('filters by period', async () => {
    await page.getByRole('combobox', { name: '时间范围' }).click();
    await page.locator('.ant-select-item-option', { hasText: '最近 7 天' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('7d');
    await page.getByTestId('data-use-entry').filter({ hasText: 'e2e-data-use-served' }).waitFor();
    expect(watch.errors, 'console errors after filtering').toEqual([]);
  });

  it('王晓帆, whom no exchange named, is told so plainly', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const second = await context.newPage();
    const errors = watchErrors(second);
    await second.goto(`${origin}/`);
    await signIn(second, { id: quiet?.id ?? '', name: quiet?.name ?? '' });
    await second.getByRole('link', { name: '谁用了我的数据' }).click();
    await second.getByRole('heading', { name: '谁用了我的数据', level: 1 }).waitFor();
    await second.getByText('所选时间内，没有任何部门使用过您的数据').waitFor({ timeout: 30_000 });
    expect(await second.getByTestId('data-use-entry').count()).toBe(0);
    expect(await seriousViolations(second), 'accessibility of the empty list').toEqual([]);
    expect(errors.errors, 'console errors on the empty list').toEqual([]);
    await context.close();
  });
});
