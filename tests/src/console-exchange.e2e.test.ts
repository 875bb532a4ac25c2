/**
 * 使用授权 and 我的订阅 in a real browser, served by the 上海 edge of a seeded region. Through the API a
 * 上海 requester applies for a 浙江 entry and the 浙江 reviewer approves; in the browser the requester
 * opens the grant, queries by the booking number and sees the record with the personal items marked
 * 已脱敏, with the request id; after the 浙江 reviewer revokes the grant the same query is refused, in
 * Chinese, and the page shows the grant 已撤销. Then a 上海 port regulator subscribes under a grant to 安徽's dangerous-goods waybills and
 * watches an event 安徽 publishes arrive on the page without reloading. No console error, no serious
 * or critical accessibility violation, and a screenshot of each screen for the README.
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
  type watchErrors,
} from './browser.js';
import { eventually, type RegionClient } from './client.js';

const requester = { id: 'sh-dsj-requester', name: '罗宇航' };
const subscriber = { id: 'sh-jtw-requester', name: '唐振宇' };
/** 浙里办场馆预约记录: conditional, personal items, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const bookingNo = 'ZLB-20251002-000317';
const purpose = '长三角场馆客流与公共安全保障（查询测试）';
/** 危险货物道路运输电子运单: conditional, important, subscribe, provided by 安徽省交通运输厅 */
const waybills = 'ah.340000-JTT-00003';
const waybillPurpose = '危险货物道路运输跨省联合监管（订阅测试）';

interface Problem {
  code: string;
}

describe('querying and subscribing under a grant in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let grantId: string;
  let subscribeGrantId: string;

  beforeAll(async () => {
    started = await startConsoleRegion('console-exchange');
    api = started.api;
    origin = api.url('sh');

    const applied = await api.as<{ id: string }>(requester.id, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose,
      legalBasis: '《上海市公共数据管理办法》第二十四条',
      items: ['booking_no', 'venue', 'person_name', 'phone', 'visit_date'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status).toBe(201);
    const decided = await api.as<{ grant: { id: string } }>(
      'zj-dsjj-reviewer',
      'zj',
      'POST',
      `/api/consent/v1/applications/${applied.body.id}/decision`,
      { decision: 'approve', reason: '符合共享条件' },
    );
    expect(decided.status).toBe(200);
    grantId = decided.body.grant.id;

    const forFeed = await api.as<{ id: string }>(subscriber.id, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: waybills,
      purpose: waybillPurpose,
      legalBasis: '《危险货物道路运输安全管理办法》',
      items: ['waybill_no', 'carrier_credit_code', 'driver_name', 'goods_name', 'un_number'],
      validUntil: '2027-12-31T23:59:59+08:00',
      modes: ['subscribe'],
    });
    expect(forFeed.status).toBe(201);
    const first = await api.as(
      'ah-jtt-reviewer',
      'ah',
      'POST',
      `/api/consent/v1/applications/${forFeed.body.id}/decision`,
      {
        decision: 'approve',
      },
    );
    expect(first.status).toBe(200);
    // important data: the data authority gives the second approval
    const second = await api.as<{ grant: { id: string } }>(
      'ah-admin',
      'ah',
      'POST',
      `/api/consent/v1/applications/${forFeed.body.id}/second-approval`,
      { decision: 'approve' },
    );
    expect(second.status).toBe(200);
    subscribeGrantId = second.body.grant.id;

    browser = started.browser;
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the requester queries under the grant and sees the record masked, with the request id', async () => {
    ({ page, watch } = await newConsolePage(browser));
    await page.goto(`${origin}/`);
    await signIn(page, requester);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.goto(`${origin}/my/grants/${grantId}/use`);
    await page.getByRole('heading', { name: '使用授权', level: 1 }).waitFor();
    const grant = page.getByTestId('grant');
    await grant.getByText('浙里办场馆预约记录').waitFor();
    await grant.getByText(purpose).waitFor();
    await grant.getByText('有效', { exact: true }).waitFor();

    // a busy machine may never report the end of a CSS transition (in CI it did not): the page must not
    // depend on it, so none end here
    await page.addStyleTag({
      content: '*, *::before, *::after { transition: none !important; animation: none !important; }',
    });
    await page.getByRole('textbox', { name: '预约编号 (booking_no)' }).fill(bookingNo);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    const result = page.getByTestId('query-result');
    await result.waitFor({ timeout: 20_000 });
    // the button is itself again once the answer is in: no spinner left behind
    await page.getByRole('button', { name: '查询', exact: true }).waitFor({ timeout: 5_000 });
    await result.getByText(bookingNo).waitFor();
    await result.getByText('李**').waitFor();
    await result.getByText('138****0317').waitFor();
    // the person's name and phone are marked as masked, with their rule; the booking number is not
    expect(await result.getByTestId('masked').count()).toBe(2);
    expect(await result.locator('[data-testid="masked"][data-rule="name"]').count()).toBe(1);
    await result.getByText('脱敏规则：手机号（保留前三后四位）').first().waitFor();
    const requestId = await result.getByTestId('request-id').textContent();
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    await page.mouse.move(0, 0); // the check is of the page at rest, not of a hovered button
    expect(await seriousViolations(page), 'accessibility of the query').toEqual([]);
    expect(watch.errors, 'console errors on the query').toEqual([]);
    await screenshot(page, 'exchange-query', { fullPage: true });
  });

  it('after the provider revokes the grant, the same query is refused, in Chinese', async () => {
    const revoked = await api.as('zj-dsjj-reviewer', 'zj', 'DELETE', `/api/consent/v1/grants/${grantId}`);
    expect(revoked.status).toBe(200);
    // the revocation reaches 上海 at once; wait until its exchange refuses before asking in the browser
    await eventually(async () => {
      const q = await api.as<Problem>(requester.id, 'sh', 'POST', '/api/exchange/v1/queries', {
        resourceId: booking,
        purpose,
        key: { booking_no: bookingNo },
        grantId,
      });
      return q.status === 403 ? q : undefined;
    });
    watch.expectRefusal(/\/api\/exchange\/v1\/queries/);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    const problem = page.getByTestId('problem');
    await problem.waitFor({ timeout: 20_000 });
    expect(await problem.getAttribute('data-code')).toMatch(/^CONSENT\.GRANT_REVOKED$/);
    // the part of the bilingual detail for the user's language
    const title = (await problem.locator('.ant-alert-title').textContent()) ?? '';
    expect(title).toMatch(/^授权 \S+ 已撤销$/);
    expect(await page.getByTestId('query-result').count()).toBe(0);
    // the refusal makes the page read the grant again: its state is shown as it is now, not as loaded
    await page.getByTestId('grant').getByText('已撤销', { exact: true }).waitFor({ timeout: 10_000 });
    await page.getByText('该授权当前不可使用，调用将被拒绝。').waitFor();
    expect(await page.getByTestId('grant').getByText('有效', { exact: true }).count()).toBe(0);
    await page.mouse.move(0, 0); // the check is of the page at rest, not of a hovered button
    expect(await seriousViolations(page), 'accessibility of the refusal').toEqual([]);
    expect(watch.errors, 'console errors on the refusal').toEqual([]);
  });

  it('a regulator subscribes under a grant and sees an event arrive without reloading', async () => {
    ({ page, watch } = await newConsolePage(browser));
    await page.goto(`${origin}/`);
    await signIn(page, subscriber);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.goto(`${origin}/my/grants/${subscribeGrantId}/use`);
    await page.getByRole('heading', { name: '使用授权', level: 1 }).waitFor();
    await page.getByTestId('grant').getByText('危险货物道路运输电子运单').waitFor();
    await page.getByRole('button', { name: '订阅变更' }).click();

    await page.getByRole('heading', { name: '我的订阅', level: 1 }).waitFor();
    const form = page.getByTestId('new-subscription');
    await expect.poll(() => form.getByRole('textbox', { name: '目录资源编号' }).inputValue()).toBe(waybills);
    await expect.poll(() => form.getByRole('textbox', { name: '用途' }).inputValue()).toBe(waybillPurpose);
    await form.getByRole('button', { name: '订阅', exact: true }).click();

    const feed = page.getByTestId('subscription-events');
    await feed.waitFor({ timeout: 20_000 });
    await feed.getByText('实时接收中').waitFor();
    await feed.getByText('还没有收到事件，新事件到达后会自动显示在最上方').waitFor();
    const row = page.getByRole('row').filter({ hasText: waybills });
    await expect.poll(() => row.textContent()).toMatch(/生效中/);

    const published = await api.as('ah-jtt-publisher', 'ah', 'POST', `/api/exchange/v1/feeds/${waybills}/events`, {
      events: [
        {
          id: 'console-wb-1',
          fields: {
            waybill_no: 'AH2026000101',
            carrier_credit_code: '91340100MA2N0Q8X1L',
            driver_name: '钱多多',
            goods_name: '汽油',
            un_number: 'UN1203',
            route: '合肥—上海',
          },
        },
      ],
    });
    expect(published.status).toBe(202);
    // it arrives on the page as it is, no reload: the driver's name masked, the route not granted
    await feed.getByText('AH2026000101').waitFor({ timeout: 20_000 });
    await feed.getByText('钱**').waitFor();
    await feed.getByText('已收到 1 条事件').waitFor();
    expect(await feed.getByText('合肥—上海').count()).toBe(0);
    expect(await feed.locator('[data-testid="masked"][data-rule="name"]').count()).toBe(1);

    const second = await api.as('ah-jtt-publisher', 'ah', 'POST', `/api/exchange/v1/feeds/${waybills}/events`, {
      events: [
        {
          id: 'console-wb-2',
          fields: {
            waybill_no: 'AH2026000102',
            carrier_credit_code: '91340100MA2N0Q8X1L',
            driver_name: '孙一鸣',
            goods_name: '液化石油气',
            un_number: 'UN1075',
            route: '芜湖—杭州',
          },
        },
      ],
    });
    expect(second.status).toBe(202);
    await feed.getByText('AH2026000102').waitFor({ timeout: 20_000 });
    // the newest on top
    const rows = feed.locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.first().textContent()).toMatch(/AH2026000102/);
    expect(await rows.count()).toBe(2);

    await page.mouse.move(0, 0); // the check is of the page at rest, not of a hovered button
    expect(await seriousViolations(page), 'accessibility of the subscriptions').toEqual([]);
    expect(watch.errors, 'console errors on the subscriptions').toEqual([]);
    await screenshot(page, 'exchange-subscriptions', { fullPage: true });
  });

  it('the regulator ends the subscription after confirming', async () => {
    const subscriptionRow = page.getByRole('row').filter({ hasText: waybills });
    await subscriptionRow.getByRole('button', { name: /^取消订阅 / }).click();
    await page.getByText('取消这个订阅？').waitFor();
    await page.locator('.ant-popconfirm-buttons').getByRole('button', { name: '取消订阅' }).click();
    await page.getByText('订阅已取消').waitFor();
    await expect.poll(() => subscriptionRow.textContent()).toMatch(/已结束/);
    const listed = await api.as<{ items: { resourceId: string; status: string }[] }>(
      subscriber.id,
      'sh',
      'GET',
      '/api/exchange/v1/subscriptions',
    );
    expect(listed.body.items.find((s) => s.resourceId === waybills)?.status).toBe('ended');
    expect(watch.errors, 'console errors on ending').toEqual([]);
  });
});
