/**
 * A refusal shown to the user in Chinese, in both locales. In a real browser on the 浙江 edge of a
 * seeded region, the 浙江 reviewer rejects a 上海 application without the reason the workflow requires:
 * the consent service refuses (CONSENT.REASON_REQUIRED, "驳回须说明理由 a reason is required") and the
 * page shows the problem's code and its Chinese message. After switching the header's language switch to
 * English, the same step is refused again: the English message leads, the Chinese wording stays under
 * it, with the same code. Nothing was decided meanwhile (checked in the consent service). No console
 * error beyond the refusals under test, no serious or critical accessibility violation, a screenshot each.
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
/** 浙里办场馆预约记录: conditional, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const purpose = '长三角场馆客流统计（拒绝提示测试）';
const code = 'CONSENT.REASON_REQUIRED';
const zhMessage = '驳回须说明理由';
const enMessage = 'a reason is required';

describe('a refusal in a browser, in Chinese and in English', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let appId: string;
  /** the statuses of the decisions the page sent */
  const answers: number[] = [];

  const screen = async (name: string) => {
    // the pointer off any control, so no hover colour is judged or pictured
    await page.mouse.move(0, 0);
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    expect(watch.errors, `console errors on ${name}`).toEqual([]);
    // the whole page: the header's language switch, the application and the refusal under it
    await screenshot(page, name, { fullPage: true });
  };

  beforeAll(async () => {
    started = await startConsoleRegion('console-refusal');
    api = started.api;
    origin = api.url('zj');
    const applied = await api.as(requester, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose,
      legalBasis: '《上海市公共数据管理办法》第二十四条',
      items: ['booking_no', 'venue'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    appId = String(applied.body.id);
    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser, { height: 1200 }));
    // the refusals under test reach chromium's console as failed loads
    watch.expectRefusal(/\/api\/consent\/v1\/applications\/[^/]+\/decision$/);
    page.on('response', (r) => {
      if (/\/api\/consent\/v1\/applications\/[^/]+\/decision$/.test(r.url())) answers.push(r.status());
    });
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('in 中文: rejecting without a reason is refused, with the code and the Chinese message', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, reviewer);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('button', { name: `${purpose} ${appId}` }).click();
    await page.getByRole('heading', { name: `申请 ${appId}` }).waitFor();
    await tick(page.getByRole('radio', { name: '不同意', exact: true }));
    await page.getByRole('button', { name: '提交审核意见' }).click();

    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe(code);
    await problem.getByText(code, { exact: true }).waitFor();
    await problem.getByText(zhMessage, { exact: true }).waitFor();
    // in Chinese, only the Chinese part
    expect(await problem.textContent()).not.toContain(enMessage);
    expect(answers).toEqual([400]);
    await screen('refusal-zh');
  });

  it('in English: the same refusal in English, the Chinese wording kept under it', async () => {
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { name: `Application ${appId}` }).waitFor();
    // again, in English: the service refuses the step as it did
    await tick(page.getByRole('radio', { name: 'Reject', exact: true }));
    await page.getByRole('textbox', { name: 'Reason' }).fill('   ');
    await page.getByRole('button', { name: 'Submit decision' }).click();

    await expect.poll(() => answers).toEqual([400, 400]);
    const problem = page.getByTestId('problem');
    await problem.getByText(enMessage, { exact: true }).waitFor();
    expect(await problem.getAttribute('data-code')).toBe(code);
    await problem.getByText(code, { exact: true }).waitFor();
    const chinese = problem.getByTestId('problem-zh');
    await expect.poll(() => chinese.textContent()).toBe(zhMessage);
    expect(await chinese.getAttribute('lang')).toBe('zh-CN');
    await screen('refusal-en');

    // refused twice, decided never
    const seen = await api.as(requester, 'sh', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(seen.body).toMatchObject({ status: 'submitted' });
    expect((seen.body.steps as unknown[]).length).toBe(1);
  });
});
