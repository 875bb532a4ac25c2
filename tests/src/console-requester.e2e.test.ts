/**
 * 共享申请, 我的申请 and 我的授权 in a real browser, served by the 上海 edge of a seeded region:
 * - the 上海 requester 罗宇航 searches the regional catalogue, opens 浙江's 浙里办场馆预约记录
 *   (conditional) and applies from it; a validity in the past is refused by the consent service and
 *   shown at the validity field; corrected, the application goes to 浙江;
 * - 我的申请 lists it at 上海 with 浙江's state (待审核) and the working days left until 浙江's
 *   deadline, and shows its steps;
 * - 浙江's reviewer approves it (through the API); 我的申请 shows 已同意, and 我的授权 the grant with
 *   its items, modes and validity, linked to using it.
 * No console error, no serious or critical accessibility violation, and screenshots for the README.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  newConsolePage,
  recordOnSlowCpu,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  tick,
  type watchErrors,
} from './browser.js';
import type { RegionClient } from './client.js';

const requester = { id: 'sh-dsj-requester', name: '罗宇航' };
const reviewer = 'zj-dsjj-reviewer';
/** 浙里办场馆预约记录: conditional, personal items, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const bookingName = '浙里办场馆预约记录';
const purpose = '长三角场馆客流与公共安全保障（申请测试）';
const legalBasis = '《上海市公共数据管理办法》第二十四条';

describe('the requester applies, follows the application and finds the grant, in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let appId = '';

  const screen = async (name: string, fullPage = false) => {
    await page.mouse.move(0, 0); // no hover colours in the contrast check
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    expect(watch.errors, `console errors on ${name}`).toEqual([]);
    await screenshot(page, name, { fullPage });
  };
  /** the one application of this test in 我的申请 (the table names the entry, not the id) */
  const row = () => page.locator('.ant-table-row').filter({ hasText: bookingName });

  beforeAll(async () => {
    started = await startConsoleRegion('console-requester');
    api = started.api;
    origin = api.url('sh');
    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser));
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the 上海 requester finds the 浙江 entry and opens its application form', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, requester);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('searchbox', { name: '目录检索' }).fill('场馆预约');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: bookingName, exact: true }).click();
    await page.getByRole('heading', { name: bookingName, level: 1 }).waitFor();
    await page.getByRole('link', { name: '申请共享' }).click();
    await page.getByRole('heading', { name: '共享申请', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/catalog/${encodeURIComponent(booking)}/apply`);
    // the entry's terms, and its items with grades and personal-information labels
    await page.getByText('限场馆客流管理与公共安全保障使用').waitFor();
    await page.getByRole('checkbox', { name: /预约日期（visit_date）.*个人信息/ }).waitFor();
    // the entry is shared by interface: a query or a verification, no subscription
    await page.getByRole('checkbox', { name: '查询', exact: true }).waitFor();
    expect(await page.getByRole('checkbox', { name: '订阅', exact: true }).count()).toBe(0);
  });

  it('a validity in the past is refused at the field; corrected, the application is submitted', async () => {
    for (const item of ['booking_no', 'venue', 'visit_date']) {
      await tick(page.getByRole('checkbox', { name: new RegExp(`（${item}）`) }));
    }
    await page.getByRole('textbox', { name: '用途', exact: true }).fill(purpose);
    await page.getByRole('textbox', { name: '依据', exact: true }).fill(legalBasis);
    await page.getByLabel('有效期至').fill('2020-01-01');
    // every submission carries an Idempotency-Key: the same one if sent again unchanged, a new one once edited
    const keys: string[] = [];
    const onRequest = (r: Request) => {
      if (r.method() === 'POST' && /\/api\/consent\/v1\/applications$/.test(r.url()))
        keys.push(r.headers()['idempotency-key'] ?? '');
    };
    page.on('request', onRequest);
    watch.expectRefusal(/\/api\/consent\/v1\/applications$/);
    await page.getByRole('button', { name: '提交申请' }).click();
    const error = page.locator('.ant-form-item-explain-error').filter({ hasText: '有效期须晚于当前时间' });
    await error.waitFor();
    expect(await page.locator('.ant-form-item-explain-error').count()).toBe(1);
    expect(await page.getByRole('heading', { name: '共享申请', level: 1 }).count()).toBe(1);

    await page.getByLabel('有效期至').fill('2027-12-31');
    // corrected, the refusal no longer stands at the field
    await error.waitFor({ state: 'detached' });
    await screen('requester-apply', true);
    // on a CPU slowed 8×, the moment between the answer and 我的申请 showing is long enough to see: the
    // form must not offer 提交申请 again in it (a second click would file a second application)
    const shown = await recordOnSlowCpu(
      page,
      8,
      `(document.querySelector('h1')?.textContent ?? '') + ((b) => (b ? (b.classList.contains('ant-btn-loading') ? ' · 提交中' : ' · 提交申请') : ''))([...document.querySelectorAll('button')].find((b) => b.textContent === '提交申请'))`,
    );
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
    const states = await shown();
    const sent = states.indexOf('共享申请 · 提交中');
    expect(sent, states.join(' → ')).toBeGreaterThanOrEqual(0);
    expect(states.slice(sent).filter((s) => s === '共享申请 · 提交申请')).toEqual([]);
    appId = new URL(page.url()).searchParams.get('open') ?? '';
    expect(appId).toMatch(/^zj-app-/);
    page.off('request', onRequest);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[0]).not.toBe(keys[1]);
    await page.getByText('申请已提交，等待提供方审核').waitFor();

    // stored at 浙江, as asked
    const stored = await api.as(reviewer, 'zj', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(stored.body).toMatchObject({
      status: 'submitted',
      requesterProvince: 'sh',
      purpose,
      legalBasis,
      items: ['booking_no', 'venue', 'visit_date'],
      modes: ['query'],
      validUntil: '2027-12-31T15:59:59.000Z',
    });
  });

  it('我的申请 shows it with 浙江’s state and the working days left, and its steps', async () => {
    await row().waitFor();
    await expect.poll(() => row().textContent()).toMatch(/待审核/);
    await expect.poll(() => row().textContent()).toMatch(/浙江/);
    await expect.poll(() => row().textContent()).toMatch(/剩 10 个工作日/);
    const card = page.getByRole('heading', { name: '申请详情' });
    await card.waitFor();
    await page.getByText(appId).first().waitFor();
    await page.getByText('提交申请', { exact: true }).waitFor();
    await page.getByText(purpose).waitFor();

    const mine = await api.as<{ applications: { id: string; application?: { workingDaysLeft?: number } }[] }>(
      requester.id,
      'sh',
      'GET',
      '/api/consent/v1/outgoing-applications',
    );
    expect(mine.body.applications.find((a) => a.id === appId)?.application?.workingDaysLeft).toBe(10);
    await screen('requester-applications');
  });

  it('浙江 approves; 我的申请 shows 已同意, and 我的授权 the grant, ready to use', async () => {
    const decided = await api.as<{ grant: { id: string } }>(
      reviewer,
      'zj',
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve', reason: '符合共享条件，同意共享' },
    );
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const grantId = decided.body.grant.id;

    await page.reload();
    await page.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
    await expect.poll(() => row().textContent()).toMatch(/已同意/);
    expect(await row().textContent()).not.toMatch(/工作日/);
    await page.getByText('提供方同意', { exact: true }).waitFor();
    await page.getByText('理由：符合共享条件，同意共享').waitFor();
    expect(watch.errors).toEqual([]);

    await page.getByRole('menuitem', { name: '我的授权' }).click();
    await page.getByRole('heading', { name: '我的授权', level: 1 }).waitFor();
    const grant = page.locator('.ant-table-row').filter({ hasText: bookingName });
    await grant.waitFor();
    await expect.poll(() => grant.textContent()).toMatch(/有效/);
    expect(await grant.textContent()).toMatch(/booking_no、venue、visit_date/);
    expect(await grant.textContent()).toMatch(/查询/);
    expect(await grant.textContent()).toMatch(/2027/);
    const use = grant.getByRole('link', { name: `使用授权 ${bookingName}` });
    expect(await use.getAttribute('href')).toBe(`/my/grants/${encodeURIComponent(grantId)}/use`);
    await screen('requester-grants');
  });
});
