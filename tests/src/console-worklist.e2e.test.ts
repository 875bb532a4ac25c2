/**
 * 待办 in a real browser, served by the 浙江 edge of a seeded region: a 上海 requester's application to
 * a 浙江 entry is submitted through the API, then the 浙江 reviewer signs in with the dev login, finds
 * it in the worklist with its deadline, opens it (requester, items, purpose, legal basis, validity)
 * and approves it with a reason; the worklist then shows it approved. No console error, no serious
 * or critical accessibility violation, and a screenshot for the README.
 */
import { ensureConsoleBuilt } from '@yrd/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousViolations, signIn, watchErrors } from './browser.js';
import { RegionClient, startSeededRegion } from './client.js';

const requester = 'sh-dsj-requester';
const reviewer = { id: 'zj-dsjj-reviewer', name: '曹文静' };
/** 浙里办场馆预约记录: conditional, personal items, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const purpose = '长三角场馆客流与公共安全保障（待办测试）';
const legalBasis = '《上海市公共数据管理办法》第二十四条';

describe('the reviewer’s worklist in a browser', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let appId: string;

  beforeAll(async () => {
    const dist = await ensureConsoleBuilt();
    if (!dist) throw new Error('no console app (apps/console) to build');
    started = await startSeededRegion('console-worklist', { consoleDir: dist });
    api = new RegionClient(started.region);
    origin = api.url('zj');
    const applied = await api.as(requester, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose,
      legalBasis,
      items: ['booking_no', 'venue', 'visit_date'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('submitted');
    appId = String(applied.body.id);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    watch = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await started?.stop();
  });

  it('the 浙江 reviewer signs in and sees the application in 待办, with its deadline', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, reviewer);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: `${purpose} ${appId}` }) });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/待审核/);
    await expect.poll(() => row.textContent()).toMatch(/\d{4}-\d{2}-\d{2}/);
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
    await page.getByRole('radio', { name: '同意', exact: true }).check();
    await page.getByRole('textbox', { name: '理由' }).fill('符合共享条件，同意共享');
    await page.getByRole('button', { name: '提交审核意见' }).click();
    await page.getByTestId('decided').waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: `${purpose} ${appId}` }) });
    await expect.poll(() => row.textContent()).toMatch(/已同意/);

    const seen = await api.as(requester, 'sh', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(seen.body).toMatchObject({ status: 'approved', reason: '符合共享条件，同意共享' });

    expect(await seriousViolations(page), 'accessibility of the worklist').toEqual([]);
    expect(watch.errors, 'console errors on the worklist').toEqual([]);
    await screenshot(page, 'worklist');
  });
});
