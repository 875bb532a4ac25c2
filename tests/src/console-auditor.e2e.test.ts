/**
 * 审计 in a real browser, served by the 上海 edge of a seeded region: a 上海 requester's query to a
 * 浙江 entry goes through the API (applied, approved by 浙江, queried with the booking number), then
 * 上海's auditor 叶秋实 traces it by its request id, opens the record, sees both sides of the exchange
 * (上海 the requester, 浙江 the provider) and the proof checked in the browser step by step — leaf,
 * inclusion, head signature, co-signatures — all passed. Then the page is handed a record with one
 * byte altered (page.route): the browser's own check fails, whatever the server says. The signed
 * heads and witness screens open too. No console error, no serious or critical accessibility
 * violation, and screenshots for the README. 上海 runs on sm2-sm3 as in the demo, 浙江 on ed25519-sha256.
 */
import { demoBookingNo } from '@yrd/seeds';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  tick,
  watchErrors,
} from './browser.js';
import { eventually, type RegionClient } from './client.js';

const requester = 'sh-dsj-requester';
const auditor = { id: 'sh-auditor', name: '叶秋实' };
/** 浙里办场馆预约记录: conditional, personal items, provided by 浙江省大数据局 */
const booking = 'zj.330000-DSJ-00001';
const purpose = '长三角场馆客流与公共安全保障（审计测试）';
const requestId = 'console-audit-0001';
const steps = ['leaf', 'inclusion', 'headSignature', 'witnesses'] as const;

type TracePage = { records: { seq: number; kind: string }[]; counterparts?: Record<string, { records?: unknown[] }> };

/** Each step's status as the page shows it, in order. */
async function stepStatuses(proof: Locator): Promise<(string | null)[]> {
  return Promise.all(steps.map((s) => proof.getByTestId(`proof-step-${s}`).getAttribute('data-status')));
}

describe('the auditor traces an exchange and checks its proof in the browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let seq: number;

  beforeAll(async () => {
    // as the demo runs: 上海 on sm2-sm3 (国密), so the browser checks SM3 paths and SM2 heads, and
    // Ed25519 co-signatures over them; 浙江's side is Ed25519 over SHA-256, co-signed by 上海 in SM2
    started = await startConsoleRegion('console-auditor', { suites: { sh: 'sm2-sm3' } });
    api = started.api;
    origin = api.url('sh');

    const applied = await api.as(requester, 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose,
      legalBasis: '《上海市公共数据管理办法》第二十四条',
      items: ['booking_no', 'venue', 'visit_date'],
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status).toBe(201);
    const decided = await api.as<{ grant: { id: string } }>(
      'zj-dsjj-reviewer',
      'zj',
      'POST',
      `/api/consent/v1/applications/${String(applied.body.id)}/decision`,
      { decision: 'approve', reason: '符合共享条件' },
    );
    expect(decided.status).toBe(200);
    const q = await api.as(
      requester,
      'sh',
      'POST',
      '/api/exchange/v1/queries',
      { resourceId: booking, purpose, key: { booking_no: demoBookingNo }, grantId: decided.body.grant.id },
      { 'x-request-id': requestId },
    );
    expect(q.status).toBe(200);
    // both provinces have appended their record of it
    const both = await eventually(
      async () => {
        const r = await api.as<TracePage>(
          auditor.id,
          'sh',
          'GET',
          `/api/audit/v1/records?requestId=${requestId}&counterpart=true`,
        );
        return r.body.records?.length && r.body.counterparts?.zj?.records?.length ? r.body : undefined;
      },
      30_000,
      'both provinces’ records of the exchange',
    );
    const own = both.records.find((r) => r.kind === 'exchange.query.requested');
    if (!own) throw new Error('no exchange.query.requested record in 上海');
    seq = own.seq;

    browser = started.browser;
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    watch = watchErrors(page);
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('叶秋实 signs in at 上海 and traces the exchange by its request id', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, auditor);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '审计' }).click();
    await page.getByRole('heading', { name: '留痕查询', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '请求编号' }).fill(requestId);
    await page.getByRole('button', { name: '查询' }).click();
    await page.mouse.move(0, 0); // off the button: its hover colour is not what the page shows at rest
    const open = page.getByRole('link', { name: `查看留痕记录 ${seq}` });
    await open.waitFor();
    const row = page.getByRole('row').filter({ has: open });
    await expect.poll(() => row.textContent()).toContain(booking);
    await expect.poll(() => row.textContent()).toMatch(/上海 → 浙江/);
    await expect.poll(() => row.textContent()).toMatch(/允许/);
    // every row is of that request
    const rows = page.getByRole('table', { name: '查询结果' }).locator('tbody tr.ant-table-row');
    for (const text of await rows.allTextContents()) expect(text).toContain(requestId);

    expect(await seriousViolations(page), 'accessibility of the trace').toEqual([]);
    expect(watch.errors, 'console errors on the trace').toEqual([]);
    await screenshot(page, 'audit-trace');
  });

  it('traces the data subject by the query key, which never goes into a URL', async () => {
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.getByRole('button', { name: '清除条件' }).click();
    await tick(page.getByRole('radio', { name: '查询键' }));
    await page.getByRole('textbox', { name: '查询键名称' }).fill('booking_no');
    await page.getByRole('textbox', { name: '查询键的值' }).fill(demoBookingNo);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText(/已按 \d+ 个主体引用检索/).waitFor();
    await page.getByRole('link', { name: `查看留痕记录 ${seq}` }).waitFor();
    expect(urls.some((u) => u.includes('by-subject'))).toBe(true);
    expect(urls.filter((u) => u.includes(demoBookingNo) || u.includes(encodeURIComponent(demoBookingNo)))).toEqual([]);
    expect(page.url()).not.toContain(demoBookingNo);
    await page.mouse.move(0, 0);
    expect(watch.errors, 'console errors on the subject trace').toEqual([]);
  });

  it('opens the record: every field, both sides of the exchange, and the proof verified step by step', async () => {
    await page.getByRole('link', { name: `查看留痕记录 ${seq}` }).click();
    await page.getByRole('heading', { name: `留痕记录 ${seq}`, level: 1 }).waitFor();
    const fields = page.getByTestId('record-fields');
    await fields.getByText(requestId, { exact: true }).waitFor();
    await fields.getByText(booking, { exact: true }).waitFor();
    await fields.getByText('booking_no、venue、visit_date').waitFor();
    await fields.getByText('exchange.query.requested').waitFor();

    // the browser's own check: all four steps pass once the witnesses have co-signed the head
    const proof = page.getByTestId('record-proof').getByTestId('proof');
    await proof.and(page.locator('[data-verdict="passed"]')).waitFor({ timeout: 60_000 });
    expect(await stepStatuses(proof)).toEqual(['passed', 'passed', 'passed', 'passed']);
    await proof.getByText('核验通过').waitFor();
    await proof.getByText(/2 个其他省见证|3 个其他省见证/).waitFor();

    // both sides: 上海 the requester, 浙江 the provider, each record checked against its own province's head
    const requesterSide = page.getByTestId('side-requester');
    const providerSide = page.getByTestId('side-provider');
    expect(await requesterSide.getAttribute('data-province')).toBe('sh');
    expect(await providerSide.getAttribute('data-province')).toBe('zj');
    await requesterSide.getByRole('heading', { name: '请求方：上海' }).waitFor();
    await providerSide.getByRole('heading', { name: '提供方：浙江' }).waitFor();
    await requesterSide.getByText('exchange.query.requested').first().waitFor();
    const served = providerSide.getByTestId('side-record').filter({ hasText: 'exchange.query.served' }).first();
    await served.waitFor();
    const servedProof = served.getByTestId('proof');
    await servedProof.locator('[data-testid="proof-step-headSignature"][data-status="passed"]').waitFor();
    expect((await stepStatuses(servedProof)).slice(0, 3)).toEqual(['passed', 'passed', 'passed']);

    expect(await seriousViolations(page), 'accessibility of the record').toEqual([]);
    expect(watch.errors, 'console errors on the record').toEqual([]);
    await screenshot(page, 'audit-record', { fullPage: true });
  });

  it('fails the check when the answer is altered by one byte: the browser does not trust the server', async () => {
    await page.route('**/api/audit/v1/records?**', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { records: { seq: number; payloadHash: string }[] };
      for (const r of body.records) {
        if (r.seq !== seq) continue;
        const last = r.payloadHash.slice(-1);
        r.payloadHash = `${r.payloadHash.slice(0, -1)}${last === '0' ? '1' : '0'}`;
      }
      await route.fulfill({ response, json: body });
    });
    await page.reload();
    const proof = page.getByTestId('record-proof').getByTestId('proof');
    await proof.and(page.locator('[data-verdict="failed"]')).waitFor();
    const [leaf, inclusion] = await stepStatuses(proof);
    expect({ leaf, inclusion }).toEqual({ leaf: 'failed', inclusion: 'failed' });
    await proof.getByText('记录内容与叶子哈希不符：记录被改动').waitFor();
    await page.getByRole('alert').filter({ hasText: '核验未通过' }).waitFor();
    await page.unroute('**/api/audit/v1/records?**');

    // the same record, as the server really has it, passes again
    await page.reload();
    await page
      .getByTestId('record-proof')
      .getByTestId('proof')
      .and(page.locator('[data-verdict="passed"]'))
      .waitFor({ timeout: 60_000 });
    expect(watch.errors, 'console errors with the altered record').toEqual([]);
  });

  it('the signed heads: the latest head, its signature and co-signatures checked in the browser', async () => {
    await page.getByRole('navigation', { name: '审计功能' }).getByRole('link', { name: '签名树头' }).click();
    await page.getByRole('heading', { name: '签名树头', level: 1 }).waitFor();
    const head = page.getByTestId('latest-head');
    await head.locator('[data-testid="head-signature"][data-status="passed"]').waitFor();
    await head.getByTestId('checkpoint').getByText('yrd.example/audit/sh').first().waitFor();
    await page.getByRole('table', { name: '区域信任列表' }).getByText('zj-1').waitFor();

    expect(await seriousViolations(page), 'accessibility of the heads').toEqual([]);
    expect(watch.errors, 'console errors on the heads').toEqual([]);
    await screenshot(page, 'audit-heads', { fullPage: true });
  });

  it('the witness: what 上海 witnessed of the others, and no alarm', async () => {
    await page.getByRole('navigation', { name: '审计功能' }).getByRole('link', { name: '见证' }).click();
    await page.getByRole('heading', { name: '见证', level: 1 }).waitFor();
    const alarms = page.getByTestId('witness-alarms');
    await alarms.waitFor();
    expect(await alarms.getAttribute('data-count')).toBe('0');
    await alarms.getByText('没有告警').waitFor();
    const witnessed = page.getByRole('table', { name: '已见证的各省树头' });
    await witnessed.getByText('浙江').waitFor();

    expect(await seriousViolations(page), 'accessibility of the witness').toEqual([]);
    expect(watch.errors, 'console errors on the witness').toEqual([]);
    await screenshot(page, 'audit-witness');
  });

  it('shows a witness alarm first, in red, when there is one', async () => {
    await page.route('**/api/audit/v1/witness', async (route) => {
      const response = await route.fetch();
      const report = (await response.json()) as { alarms: unknown[] };
      report.alarms.push({
        province: 'zj',
        code: 'AUDIT.INCONSISTENT',
        message:
          'zj 的日志与此前见证的树头（大小 3）不一致：历史被改写 the log of size 3 does not extend the head of size 3 witnessed before: its history was rewritten',
        head: {
          province: 'zj',
          size: 3,
          rootHash: '00'.repeat(32),
          timestamp: new Date().toISOString(),
          alg: 'Ed25519',
          keyId: 'zj-1',
          signature: 'AA',
          format: 'checkpoint',
        },
        raisedAt: new Date().toISOString(),
      });
      await route.fulfill({ response, json: report });
    });
    await page.reload();
    const alarm = page.getByRole('alert').filter({ hasText: '浙江：AUDIT.INCONSISTENT' });
    await alarm.waitFor();
    await alarm.getByText(/历史被改写/).waitFor();
    expect(await page.getByTestId('witness-alarms').getAttribute('data-count')).toBe('1');
    await page.unroute('**/api/audit/v1/witness');
    expect(await seriousViolations(page), 'accessibility of the alarm').toEqual([]);
    expect(watch.errors, 'console errors with an alarm').toEqual([]);
    await screenshot(page, 'audit-witness-alarm');
  });
});
