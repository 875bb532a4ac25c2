/**
 * 一网统管总览 in a real browser, served by the 上海 edge of a seeded region. Through the API first: 上海
 * verifies a 浙江 business licence twice (answered), queries a 浙江 conditional entry without a grant
 * (refused, CONSENT.NO_GRANT) and applies for it (an application waiting at 浙江). Then the 上海 admin
 * 高峻 opens the overview: every chart is drawn on a canvas, and the words under each say the counts —
 * 3 exchanges 上海→浙江, 1 refused by CONSENT.NO_GRANT, the verifications' latency, 1 application
 * waiting at 浙江, all four provinces answering. No console error, no serious or critical
 * accessibility violation, and a screenshot for the README.
 */
import { demoBookingNo, demoCompany } from '@yrd/seeds';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  newConsolePage,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  type watchErrors,
} from './browser.js';
import { eventually, type RegionClient } from './client.js';

const admin = { id: 'sh-admin', name: '高峻' };
/** 浙里办场馆预约记录: conditional, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const licence = 'zj.330000-SCJG-00001';

type Stats = { totals: { exchanges: number; allowed: number; refused: number } };

describe('the 一网统管 overview in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;

  const screen = async (name: string) => {
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    expect(watch.errors, `console errors on ${name}`).toEqual([]);
    await screenshot(page, name, { fullPage: true });
  };
  const caption = (chart: string) => page.getByTestId(chart).locator('figcaption');

  beforeAll(async () => {
    started = await startConsoleRegion('console-overview');
    api = started.api;
    origin = api.url('sh');

    for (const claims of [
      { legal_representative: demoCompany.legalRepresentative, license_status: '存续' },
      { legal_representative: '王某某' },
    ]) {
      const v = await api.as('sh-scjgj-requester', 'sh', 'POST', '/api/exchange/v1/verifications', {
        resourceId: licence,
        purpose: '跨省通办 企业变更登记（总览测试）',
        key: { credit_code: demoCompany.creditCode },
        claims,
      });
      expect(v.status, JSON.stringify(v.body)).toBe(200);
    }
    const refused = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
      resourceId: booking,
      purpose: '长三角场馆客流统计（总览测试）',
      key: { booking_no: demoBookingNo },
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'CONSENT.NO_GRANT']);
    const applied = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose: '长三角场馆客流统计（总览测试）',
      legalBasis: '《上海市公共数据管理办法》第二十四条',
      items: ['booking_no', 'venue', 'visit_date'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    // the audit log takes its records from the province's stream: wait until all three are in
    await eventually(
      async () => {
        const s = await api.as<Stats>(admin.id, 'sh', 'GET', '/api/audit/v1/stats');
        return s.body.totals.exchanges >= 3 ? s.body : undefined;
      },
      30_000,
      'the three exchanges in the 上海 audit log',
    );

    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser, { width: 1366, height: 900 }));
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the 上海 admin opens 一网统管总览 and every chart is drawn, with its counts in words', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, admin);
    await page.getByTestId('current-user').filter({ hasText: admin.name }).waitFor();
    await page.getByRole('menuitem', { name: '一网统管总览' }).click();
    await page.getByRole('heading', { level: 1, name: '一网统管总览' }).waitFor({ timeout: 30_000 });

    for (const chart of ['chart-trend', 'chart-matrix', 'chart-refusals', 'chart-latency', 'chart-applications']) {
      await page.getByTestId(chart).locator('canvas').first().waitFor({ timeout: 30_000 });
    }
    await expect
      .poll(() => caption('chart-trend').textContent(), { timeout: 20_000 })
      .toBe('共 3 次交换：上海→浙江 3 次（被拒绝 1 次）。');
    expect(await caption('chart-matrix').textContent()).toBe('交换最多的组合：上海→浙江 3 次（被拒绝 1 次）。');
    expect(await caption('chart-refusals').textContent()).toBe('共 1 次被拒绝或失败：CONSENT.NO_GRANT 1 次。');
    expect(await caption('chart-latency').textContent()).toMatch(
      /^本省查询 1 次，P50 [\d.]+ 毫秒，P95 [\d.]+ 毫秒；本省核验 2 次，P50 [\d.]+ 毫秒，P95 [\d.]+ 毫秒；为他省提供 0 次/,
    );
    await expect
      .poll(() => caption('chart-applications').textContent(), { timeout: 20_000 })
      .toBe(
        '上海 待审 0 件，其中逾期 0 件；江苏 待审 0 件，其中逾期 0 件；浙江 待审 1 件，其中逾期 0 件；安徽 待审 0 件，其中逾期 0 件。',
      );
    // each chart is an image named by its title, what it shows and what it says
    await page.getByRole('img', { name: /^省际交换趋势\. .*共 3 次交换/ }).waitFor();
    await page.getByRole('img', { name: /^各省待审与逾期申请\. .*浙江 待审 1 件/ }).waitFor();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await screen('overview');
  });

  it('shows the last 7 days by the day, and follows the language', async () => {
    await page.getByText('最近 7 天', { exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/range=week/);
    await expect.poll(() => page.getByText(/按天汇总/).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => caption('chart-trend').textContent()).toBe('共 3 次交换：上海→浙江 3 次（被拒绝 1 次）。');

    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Unified operations overview' }).waitFor();
    await expect
      .poll(() => caption('chart-trend').textContent())
      .toBe('3 exchanges: Shanghai → Zhejiang 3 (1 refused).');
    await page.getByTestId('chart-trend').locator('canvas').first().waitFor();
    expect(watch.errors, 'console errors after the language changed').toEqual([]);
  });
});
