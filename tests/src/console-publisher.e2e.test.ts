/**
 * 我的目录 in a real browser, served by the 浙江 edge of a seeded region: the 浙江 大数据局 publisher
 * signs in, creates an entry — first with two mistakes, which the catalogue refuses and the form shows
 * in Chinese at their fields (the resource code, and the grade of data item 1) — saves it, changes it
 * (a second version), submits it for review (待审核), and reads its history with the diff of the
 * change; imports a small CSV with one bad row and watches the progress bar reach the end and the
 * row/column error; exports the agency's entries as CSV (a real download); and, on a CPU slowed 8×, submits
 * a new entry the moment its save is confirmed and is told so. No console error, no
 * serious or critical accessibility violation, and a screenshot of each screen for the README.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRegion,
  recordOnSlowCpu,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleRegion,
  watchErrors,
} from './browser.js';
import type { RegionClient } from './client.js';

const publisher = { id: 'zj-dsjj-publisher', name: '孔令辉' };
const code = '330000-DSJ-00321';
const id = `zj.${code}`;
const name = '流动人口居住登记统计（发布员测试）';

/** The import layout as an agency fills it in: one row per data item; the third entry's grade is wrong. */
function importFile(agency: string): Buffer {
  const header = [
    '资源代码',
    '分类代码',
    '资源名称',
    '提供单位统一社会信用代码',
    '资源摘要',
    '共享属性',
    '共享方式',
    '开放属性',
    '资源分级',
    '信息项名称',
    '信息项标识',
    '信息项分级',
    '一般数据子级',
    '查询键',
  ];
  const entry = (c: string, title: string) => [
    c,
    'A02-05-02-01',
    title,
    agency,
    '按月汇总',
    '有条件共享',
    '接口',
    '不予开放',
    '一般',
  ];
  const rows = [
    header,
    [...entry('330000-DSJ-00322', '场馆月度客流（导入测试）'), '统计月份', 'month', '一般', '1', '是'],
    [...entry('330000-DSJ-00322', '场馆月度客流（导入测试）'), '客流人次', 'visitors', '一般', '1', ''],
    [...entry('330000-DSJ-00323', '场馆预约取消（导入测试）'), '预约号', 'booking_no', '很重要', '1', '是'],
  ];
  const csv = rows
    .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))
    .join('\n');
  return Buffer.from(`\ufeff${csv}\n`, 'utf8');
}

describe('the publisher’s entries in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let agency: string;

  const checkScreen = async (what: string) => {
    expect(await seriousViolations(page), `accessibility of ${what}`).toEqual([]);
    expect(watch.errors, `console errors on ${what}`).toEqual([]);
  };

  beforeAll(async () => {
    started = await startConsoleRegion('console-publisher');
    api = started.api;
    origin = api.url('zj');
    const users = await api.call<{ id: string; agency: string }[]>('zj', 'GET', '/api/auth/v1/dev-users');
    agency = users.body.find((u) => u.id === publisher.id)?.agency ?? '';
    expect(agency).toMatch(/^11330000/);
    browser = started.browser;
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    watch = watchErrors(page);
    // the first save is refused on purpose (400): that answer is the test, not an error
    watch.expectRefusal(/\/api\/catalog\/v1\/resources$/);
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the 浙江 publisher signs in and finds the agency’s entries by state', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, publisher);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '我的目录' }).click();
    await page.getByRole('heading', { name: '我的目录', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: '浙里办场馆预约记录' }).waitFor();
    await expect.poll(() => page.getByRole('tab', { name: /^已发布 \(\d+\)$/ }).count()).toBe(1);
    await page.getByRole('tab', { name: /^草稿 \(0\)$/ }).waitFor();
  });

  it('creates an entry: the catalogue’s refusal shows in Chinese at the fields, then it saves', async () => {
    await page.getByRole('button', { name: '新建目录' }).click();
    await page.getByRole('heading', { name: '新建目录', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '资源名称' }).fill(name);
    // mistake 1: a 上海 resource code
    await page.getByRole('textbox', { name: '资源代码' }).fill('310000-DSJ-00321');
    await page.getByRole('combobox', { name: '分类代码' }).click();
    await page.keyboard.type('A01-01-04-01');
    await page.getByRole('option', { name: /A01-01-04-01/ }).waitFor({ state: 'attached' });
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: '摘要' }).fill('各区流动人口居住登记的月度统计');
    await page.getByRole('textbox', { name: '名称 1' }).fill('登记编号');
    await page.getByRole('textbox', { name: '字段名 1' }).fill('reg_no');
    // mistake 2: 居住登记 data are graded at least 一般2级; item 1 says 一般1级
    await page.getByRole('spinbutton', { name: '一般数据子级 1' }).fill('1');
    await page.getByRole('button', { name: '添加信息项' }).click();
    await page.getByRole('textbox', { name: '名称 2' }).fill('所在区');
    await page.getByRole('textbox', { name: '字段名 2' }).fill('district');
    await page.getByRole('spinbutton', { name: '一般数据子级 2' }).fill('2');
    await page.getByRole('button', { name: '保存' }).click();

    await page.getByTestId('fix-fields').waitFor();
    const codeField = page.locator('.ant-form-item').filter({ has: page.getByRole('textbox', { name: '资源代码' }) });
    await codeField.getByText('资源代码须以本省行政区划代码开头').waitFor();
    const gradeField = page.locator('.ant-form-item').filter({ has: page.getByRole('combobox', { name: '分级 1' }) });
    await gradeField.getByText(/信息项 reg_no 定级一般（1级），低于分类“.*”的最低级别一般（2级）/).waitFor();
    // the English half of the message stays out of the Chinese page
    expect(await codeField.textContent()).not.toContain('must start with');
    await checkScreen('the entry form with field errors');
    await screenshot(page, 'publisher-edit', { fullPage: true });

    await page.getByRole('textbox', { name: '资源代码' }).fill(code);
    await page.getByRole('spinbutton', { name: '一般数据子级 1' }).fill('2');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('saved').getByText('已保存为第 1 版（草稿）').waitFor();
    await page.waitForURL(`**/my/entries/${encodeURIComponent(id)}/edit`);
    await expect.poll(() => codeField.locator('.ant-form-item-explain-error').count()).toBe(0);
    await checkScreen('the saved entry');
  });

  it('changes it (a second version) and submits it for review: 待审核', async () => {
    await page.getByRole('textbox', { name: '摘要' }).fill('各区流动人口居住登记的月度统计，含新增登记人数');
    await page.getByRole('textbox', { name: '名称 2' }).fill('所在区县');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('saved').getByText('已保存为第 2 版（草稿）').waitFor();
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByTestId('entry-submitted').waitFor();

    const seen = await api.as(publisher.id, 'zj', 'GET', `/api/catalog/v1/resources/${id}`);
    expect(seen.body).toMatchObject({ status: 'submitted', version: 2 });

    await page.getByRole('link', { name: '返回我的目录' }).click();
    await page.getByRole('heading', { name: '我的目录', level: 1 }).waitFor();
    await page.getByRole('tab', { name: /^待审核 \(\d+\)$/ }).click();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/待审核/);
    await expect.poll(() => row.textContent()).toMatch(/第 2 版/);
    expect(await row.getByRole('button', { name: `提交审核 ${name}` }).count()).toBe(0);
  });

  it('reads the history: what version 2 changed, field by field and item by item', async () => {
    await page.getByRole('link', { name: `变更记录 ${name}` }).click();
    await page.getByRole('heading', { name: `变更记录：${name}`, level: 1 }).waitFor();
    const diff = page.getByTestId('diff-2');
    await diff.waitFor();
    const summary = diff.getByRole('row').filter({ hasText: '摘要' });
    await expect.poll(() => summary.textContent()).toContain('各区流动人口居住登记的月度统计');
    await expect.poll(() => summary.textContent()).toContain('含新增登记人数');
    const items = page.getByTestId('item-diff-2').getByRole('row').filter({ hasText: 'district' });
    await expect.poll(() => items.textContent()).toMatch(/修改.*名称：所在区\s*→\s*所在区县/);
    await page.getByText(/创建 · zj-dsjj-publisher/).waitFor();
    await page.getByText(/提交审核 · zj-dsjj-publisher/).waitFor();
    await checkScreen('the history');
    await screenshot(page, 'publisher-history', { fullPage: true });
  });

  it('imports a CSV with one bad row: the progress bar reaches the end and the row/column error shows', async () => {
    await page.getByRole('link', { name: '我的目录' }).first().click();
    await page.getByRole('heading', { name: '我的目录', level: 1 }).waitFor();
    await page.getByRole('button', { name: '批量导入' }).click();
    await page.getByRole('heading', { name: '批量导入', level: 1 }).waitFor();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '场馆目录.csv', mimeType: 'text/csv', buffer: importFile(agency) });
    await page
      .getByTestId('chosen-file')
      .getByText(/场馆目录\.csv/)
      .waitFor();
    await page.getByRole('button', { name: '开始导入' }).click();
    const bar = page.getByRole('progressbar', { name: '导入进度' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    await page
      .getByTestId('import-failed')
      .getByText(/共 1 处错误，未写入任何条目/)
      .waitFor();
    const error = page.getByTestId('import-errors').getByRole('row').filter({ hasText: 'IMPORT.VALUE_INVALID' });
    await expect.poll(() => error.textContent()).toMatch(/^4信息项分级IMPORT\.VALUE_INVALID/);
    await checkScreen('the import');
    await screenshot(page, 'publisher-import', { fullPage: true });
    const none = await api.as(publisher.id, 'zj', 'GET', '/api/catalog/v1/resources/zj.330000-DSJ-00322');
    expect(none.status).toBe(404);
  });

  it('exports the agency’s entries as CSV: a download with the new entry in it', async () => {
    await page.getByRole('link', { name: '我的目录' }).first().click();
    await page.getByRole('heading', { name: '我的目录', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: name }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^yrd-catalog-zj-own-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text).toContain(code);
    expect(text).toContain('浙里办场馆预约记录');
    await checkScreen('my entries');
    await screenshot(page, 'publisher-entries');
  });

  it('a new entry submitted the moment its save is confirmed, on a slow machine, says it was submitted', async () => {
    // the save of a new entry moves the page to the entry's own address; on a slow machine that move
    // can take a while, and the confirmation and 提交审核 must come from the page that stays
    await page.getByRole('button', { name: '新建目录' }).click();
    await page.getByRole('heading', { name: '新建目录', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '资源名称' }).fill('流动人口居住登记月报（快速提交）');
    await page.getByRole('textbox', { name: '资源代码' }).fill('330000-DSJ-00324');
    await page.getByRole('combobox', { name: '分类代码' }).click();
    await page.keyboard.type('A01-01-04-01');
    await page.getByRole('option', { name: /A01-01-04-01/ }).waitFor({ state: 'attached' });
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: '摘要' }).fill('各区流动人口居住登记的月报');
    await page.getByRole('textbox', { name: '名称 1' }).fill('登记编号');
    await page.getByRole('textbox', { name: '字段名 1' }).fill('reg_no');
    await page.getByRole('spinbutton', { name: '一般数据子级 1' }).fill('2');
    // what the page showed, heading by heading, from the save on
    const shown = await recordOnSlowCpu(
      page,
      8,
      `(document.querySelector('h1')?.textContent ?? '') + (document.querySelector('[data-testid=saved]') ? ' · 已保存' : '') + ([...document.querySelectorAll('button')].some((b) => b.textContent === '提交审核') ? ' · 提交审核' : '')`,
    );
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('saved').getByText('已保存为第 1 版（草稿）').waitFor();
    // the new-entry form never offers what only the saved entry's page can confirm
    const states = await shown();
    expect(states.filter((s) => s.startsWith('新建目录') && s.includes(' · '))).toEqual([]);
    expect(states.at(-1)).toMatch(/ · 已保存 · 提交审核$/);
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByTestId('entry-submitted').waitFor();
    expect(await page.getByTestId('saved').count()).toBe(0);
    const seen = await api.as(publisher.id, 'zj', 'GET', '/api/catalog/v1/resources/zj.330000-DSJ-00324');
    expect(seen.body).toMatchObject({ status: 'submitted', version: 1 });
  });
});
