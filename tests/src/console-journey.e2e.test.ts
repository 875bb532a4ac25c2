/**
 * The whole journey in the browser, each person at their own province's origin in their own browser
 * session: a 浙江 publisher catalogues a new entry and submits it, the 浙江 admin approves it, a 上海
 * requester finds it in the regional catalogue and applies, the 浙江 reviewer approves, the 上海
 * requester queries it and sees masked values, and the 上海 auditor opens the exchange's record and
 * sees its proof verified in the browser. The records behind the new entry come from the providing
 * agency's own system (a small HTTP server here), which the publisher points the entry at — the one
 * step taken through the API, since the console has no data-source screen. No console error and no
 * serious or critical accessibility violation on any screen.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
} from './browser.js';
import type { RegionClient } from './client.js';

interface Person {
  id: string;
  name: string;
  province: 'sh' | 'zj';
}
const publisher: Person = { id: 'zj-dsjj-publisher', name: '孔令辉', province: 'zj' };
const admin: Person = { id: 'zj-admin', name: '苏启航', province: 'zj' };
const requester: Person = { id: 'sh-dsj-requester', name: '罗宇航', province: 'sh' };
const reviewer: Person = { id: 'zj-dsjj-reviewer', name: '曹文静', province: 'zj' };
const auditor: Person = { id: 'sh-auditor', name: '叶秋实', province: 'sh' };

const entryName = '大型群众性活动安全许可记录（旅程）';
const code = '330000-DSJ-00931';
const resourceId = `zj.${code}`;
const purpose = '长三角大型活动联合安保（旅程测试）';
const legalBasis = '《大型群众性活动安全管理条例》第十一条';
const permitNo = 'DHX-2026-0931';

/** The 浙江 agency's own system: the records behind the new entry, answered as the platform's connector asks. */
function agencySystem(): Promise<{ url: string; server: Server; asked: string[] }> {
  const asked: string[] = [];
  const records = [
    {
      permit_no: permitNo,
      event_name: '西湖音乐节',
      venue: '杭州黄龙体育中心',
      organiser_contact: '王海燕',
      contact_phone: '13857190931',
    },
  ];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const q = JSON.parse(body) as { key: Record<string, string> };
      asked.push(String(q.key.permit_no));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ records: records.filter((r) => r.permit_no === q.key.permit_no) }));
    });
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/records`, server, asked }),
    ),
  );
}

describe('the whole journey in the browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let browser: Browser;
  let system: Awaited<ReturnType<typeof agencySystem>>;
  const errors: string[] = [];
  let appId = '';
  let grantId = '';
  let requestId = '';

  /** A fresh browser session for `who`, signed in at their province's origin. */
  async function as(who: Person): Promise<Page> {
    const { page, watch } = await newConsolePage(browser);
    // the errors of every session, checked at the end of each step
    page.on('close', () => errors.push(...watch.errors));
    await page.goto(`${api.url(who.province)}/`);
    await signIn(page, who);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    return page;
  }

  async function done(page: Page, what: string) {
    expect(await seriousViolations(page), `accessibility: ${what}`).toEqual([]);
    await page.context().close();
    expect(errors, `console errors: ${what}`).toEqual([]);
  }

  beforeAll(async () => {
    started = await startConsoleRegion('console-journey');
    api = started.api;
    system = await agencySystem();
    browser = started.browser;
  });

  afterAll(async () => {
    await new Promise((r) => system?.server.close(r));
    await started?.stop();
  });

  it('a 浙江 publisher catalogues a new entry and submits it for review', async () => {
    const page = await as(publisher);
    await page.getByRole('menuitem', { name: '我的目录' }).click();
    await page.getByRole('heading', { name: '我的目录', level: 1 }).waitFor();
    await page.getByRole('button', { name: '新建目录' }).click();
    await page.getByRole('heading', { name: '新建目录', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '资源名称' }).fill(entryName);
    await page.getByRole('textbox', { name: '资源代码' }).fill(code);
    await page.getByRole('combobox', { name: '分类代码' }).click();
    await page.keyboard.type('A02-05-02-01');
    await page.getByRole('option', { name: /A02-05-02-01/ }).waitFor({ state: 'attached' });
    await page.keyboard.press('Enter');
    await page
      .getByRole('textbox', { name: '摘要' })
      .fill('省内大型群众性活动的安全许可：许可编号、活动、场所与主办方联系人');
    await page.getByRole('textbox', { name: '共享条件' }).fill('限大型活动安全保障使用');
    const items: [label: string, name: string, pii?: string][] = [
      ['许可编号', 'permit_no'],
      ['活动名称', 'event_name'],
      ['活动场所', 'venue'],
      ['主办方联系人', 'organiser_contact', '姓名'],
      ['联系电话', 'contact_phone', '手机号码'],
    ];
    for (const [n, [label, name, pii]] of items.entries()) {
      if (n > 0) await page.getByRole('button', { name: '添加信息项' }).click();
      await page.getByRole('textbox', { name: `名称 ${n + 1}` }).fill(label);
      await page.getByRole('textbox', { name: `字段名 ${n + 1}` }).fill(name);
      await page.getByRole('spinbutton', { name: `一般数据子级 ${n + 1}` }).fill(pii ? '3' : '1');
      if (pii) {
        await tick(page.getByRole('checkbox', { name: `个人信息 ${n + 1}`, exact: true }));
        await page.getByRole('combobox', { name: `个人信息类型 ${n + 1}`, exact: true }).click();
        await page.locator(`.ant-select-item-option[title="${pii}"]`).last().click();
      }
    }
    await page.getByRole('combobox', { name: '查询键' }).click();
    await page.locator('.ant-select-item-option[title="permit_no"]').last().click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('saved').getByText('已保存为第 1 版（草稿）').waitFor();
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByTestId('entry-submitted').waitFor();
    await screenshot(page, 'journey-publisher', { fullPage: true });

    await done(page, 'the publisher’s screens');
  });

  it('the 浙江 admin approves it in 审核队列, and it is published', async () => {
    const page = await as(admin);
    await page.getByRole('menuitem', { name: '审核队列' }).click();
    await page.getByRole('heading', { name: '审核队列', level: 1 }).waitFor();
    await page.getByRole('button', { name: `审核 ${entryName}` }).click();
    const card = page.getByTestId('entry-review');
    await card.getByRole('heading', { name: `审核：${entryName}` }).waitFor();
    await card.getByText('permit_no').first().waitFor();
    await card.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByTestId('reviewed').getByText(`「${entryName}」已审核通过并发布`).waitFor();
    const published = await api.as(admin.id, 'zj', 'GET', `/api/catalog/v1/resources/${resourceId}`);
    expect(published.body).toMatchObject({ status: 'published' });
    // published, the agency points it at its own system (the console has no screen for data sources yet)
    const source = await api.as(publisher.id, 'zj', 'PUT', `/api/exchange/v1/sources/${resourceId}`, {
      kind: 'http',
      url: system.url,
    });
    expect(source.status).toBe(200);
    await done(page, 'the review queue');
  });

  it('a 上海 requester finds it in the regional catalogue and applies', async () => {
    const page = await as(requester);
    // the entry reaches 上海's view of the regional catalogue over the broker
    await expect
      .poll(
        async () => {
          await page.getByRole('searchbox', { name: '目录检索' }).fill('大型群众性活动安全许可');
          await page.keyboard.press('Enter');
          return page.getByRole('link', { name: entryName, exact: true }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    await page.getByRole('link', { name: entryName, exact: true }).click();
    await page.getByRole('heading', { name: entryName, level: 1 }).waitFor();
    await page.getByRole('link', { name: '申请共享' }).click();
    await page.getByRole('heading', { name: '共享申请', level: 1 }).waitFor();
    for (const item of ['permit_no', 'event_name', 'organiser_contact', 'contact_phone']) {
      await tick(page.getByRole('checkbox', { name: new RegExp(`（${item}）`) }));
    }
    await page.getByRole('textbox', { name: '用途', exact: true }).fill(purpose);
    await page.getByRole('textbox', { name: '依据', exact: true }).fill(legalBasis);
    await page.getByLabel('有效期至').fill('2027-12-31');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
    await page.getByText('申请已提交，等待提供方审核').waitFor();
    appId = new URL(page.url()).searchParams.get('open') ?? '';
    expect(appId).toMatch(/^zj-app-/);
    await screenshot(page, 'journey-applied');
    await done(page, 'the requester’s application');
  });

  it('the 浙江 reviewer approves it in 待办', async () => {
    const page = await as(reviewer);
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办' }).first().waitFor();
    await page.getByRole('button', { name: `${purpose} ${appId}` }).click();
    const application = page.getByTestId('application');
    await application.getByText(legalBasis).waitFor();
    await tick(page.getByRole('radio', { name: '同意', exact: true }));
    await page.getByRole('textbox', { name: '理由' }).fill('用途明确，依据充分，同意共享');
    await page.getByRole('button', { name: '提交审核意见' }).click();
    await page.getByTestId('decided').waitFor();
    const decided = await api.as(requester.id, 'sh', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(decided.body).toMatchObject({ status: 'approved' });
    grantId = String(decided.body.grantId);
    expect(grantId).toMatch(/^zj-grant-/);
    await done(page, 'the worklist');
  });

  it('the 上海 requester queries under the grant and sees the personal values masked', async () => {
    const page = await as(requester);
    await page.getByRole('menuitem', { name: '我的授权' }).click();
    await page.getByRole('heading', { name: '我的授权', level: 1 }).waitFor();
    await page.getByRole('link', { name: `使用授权 ${entryName}` }).click();
    await page.getByRole('heading', { name: '使用授权', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: /permit_no/ }).fill(permitNo);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    const result = page.getByTestId('query-result');
    await result.getByText('西湖音乐节').waitFor();
    await result.getByText('王**').waitFor();
    await result.getByText('138****0931').waitFor();
    expect(await result.getByText('王海燕').count()).toBe(0);
    expect(await result.getByText('13857190931').count()).toBe(0);
    // not granted, so never shown
    expect(await result.getByText('杭州黄龙体育中心').count()).toBe(0);
    expect(await result.getByTestId('masked').count()).toBe(2);
    requestId = ((await result.getByTestId('request-id').textContent()) ?? '').trim();
    expect(requestId).not.toBe('');
    expect(system.asked).toEqual([permitNo]);
    await screenshot(page, 'journey-query', { fullPage: true });
    await done(page, 'the query');
  });

  it('the 上海 auditor opens the exchange’s record and sees its proof verified in the browser', async () => {
    const page = await as(auditor);
    await page.getByRole('menuitem', { name: '审计' }).click();
    await page.getByRole('heading', { name: '留痕查询', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '请求编号' }).fill(requestId);
    await page.getByRole('button', { name: '查询' }).click();
    const open = page.getByRole('link', { name: /^查看留痕记录 \d+$/ }).first();
    await open.click();
    await page.getByRole('heading', { name: /^留痕记录 \d+$/, level: 1 }).waitFor();
    await page.getByTestId('record-fields').getByText(resourceId, { exact: true }).waitFor();
    const proof = page.getByTestId('record-proof').getByTestId('proof');
    await proof.and(page.locator('[data-verdict="passed"]')).waitFor({ timeout: 60_000 });
    await page.getByTestId('side-provider').getByRole('heading', { name: '提供方：浙江' }).waitFor();
    await screenshot(page, 'journey-audit', { fullPage: true });
    await done(page, 'the auditor’s record');
  });
});
