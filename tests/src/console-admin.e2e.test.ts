/**
 * The province administrator's screens in a real browser, served by the 浙江 edge of a seeded region.
 * Through the API first: two 浙江 entries are created and submitted by a 大数据局 publisher, duties are
 * listed and one entry is put on the negative list. Then the 浙江 admin 苏启航 signs in with the dev
 * login and: adds a duty to 共享责任清单 and removes it with a reason; sees the negative-list line and
 * the refusal of a line without a legal basis at its field; sees 履责情况 with the violation and the
 * overdue duty first; changes a rule with a reason (after being told a reason is needed) and finds the
 * new version in the history; and in 审核队列 returns one submitted entry with a reason and publishes
 * the other, which the API then shows published. No console error, no serious or critical
 * accessibility violation, and a screenshot of each screen for the README.
 */
import { agencyBySlug } from '@yrd/seeds';
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

const admin = { id: 'zj-admin', name: '苏启航' };
const publisher = 'zj-dsjj-publisher';
const dsjj = agencyBySlug('zj', 'dsjj').creditCode;
/** two entries the publisher submits for review: one is sent back, one published */
const toReturn = { code: '330000-DSJ-00901', name: '场馆客流统计（退回测试）' };
const toApprove = { code: '330000-DSJ-00902', name: '场馆开放时段（发布测试）' };
/** 企业碳足迹核算记录: shared (conditional) and published, put on the negative list: a violation */
const carbon = 'zj.330000-STHJ-00001';
const returnReason = '信息项说明不完整，请补充各字段的口径后重新提交';

function entry(code: string, name: string) {
  return {
    resourceCode: code,
    classCode: 'B01-01-01-01',
    name,
    providerCreditCode: dsjj,
    summary: `${name}，供长三角场馆协同管理使用`,
    items: [
      { name: 'venue', label: '场馆名称', grade: 'general', subLevel: 1, description: '场馆登记名称' },
      { name: 'period', label: '开放时段', grade: 'general', subLevel: 1, description: '每日开放起止时间' },
      {
        name: 'duty_phone',
        label: '值班联系人电话',
        grade: 'general',
        subLevel: 3,
        personalInfo: true,
        piiKind: 'phone',
        description: '场馆值班联系人手机号码',
      },
    ],
    domain: '文化体育',
    keyItems: ['venue'],
    sharingTier: 'conditional',
    sharingConditions: '限场馆协同管理使用',
    sharingModes: ['interface'],
    openTier: 'none',
    grade: 'general',
  };
}

describe('the province administrator’s screens in a browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;

  beforeAll(async () => {
    started = await startConsoleRegion('console-admin');
    api = started.api;
    origin = api.url('zj');

    for (const e of [toReturn, toApprove]) {
      const created = await api.as(publisher, 'zj', 'POST', '/api/catalog/v1/resources', entry(e.code, e.name));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const submitted = await api.as(publisher, 'zj', 'POST', `/api/catalog/v1/resources/zj.${e.code}/submit`);
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      expect(submitted.body.status).toBe('submitted');
    }
    const duties = [
      // fulfilled: 营业执照信息 is published
      { agencyCreditCode: agencyBySlug('zj', 'scjgj').creditCode, classCode: 'B01-01-01-01', name: '营业执照信息' },
      // overdue: nothing catalogued under the class, and the day is past
      {
        agencyCreditCode: agencyBySlug('zj', 'rst').creditCode,
        classCode: 'B03-02-05-01',
        name: '就业见习基地名录',
        sharingTier: 'conditional',
        dueDate: '2025-06-30',
      },
    ];
    for (const d of duties) {
      const added = await api.as(admin.id, 'zj', 'POST', '/api/catalog/v1/duties', d);
      expect(added.status, JSON.stringify(added.body)).toBe(201);
    }
    const negative = await api.as(admin.id, 'zj', 'POST', '/api/catalog/v1/negative-list', {
      resourceId: carbon,
      reason: '涉及企业商业秘密，暂停共享',
      legalBasis: '《中华人民共和国数据安全法》第三十八条',
    });
    expect(negative.status, JSON.stringify(negative.body)).toBe(201);

    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser));
  });

  afterAll(async () => {
    await started?.stop();
  });

  const pickOption = async (label: string, typed: string, option: RegExp) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.keyboard.type(typed);
    await page.getByRole('option', { name: option }).waitFor({ state: 'attached' });
    await page.keyboard.press('Enter');
  };

  it('the 浙江 admin adds a duty to 共享责任清单 and removes it with a reason', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, admin);
    await page.getByRole('heading', { name: '目录检索' }).waitFor();
    await page.getByRole('menuitem', { name: '责任清单与负面清单' }).click();
    await page.getByRole('heading', { name: '责任清单与负面清单', level: 1 }).waitFor();
    const list = page.getByRole('table', { name: '共享责任清单' });
    await list.getByText('就业见习基地名录').waitFor();

    await page.getByRole('button', { name: '列入责任清单' }).click();
    await pickOption('责任单位', '卫生健康', /浙江省卫生健康委员会/);
    await pickOption('资源分类（细目）', 'G01-01-02-01', /G01-01-02-01/);
    await page.getByRole('textbox', { name: '资源名称' }).fill('医疗机构执业登记信息');
    await page.getByRole('combobox', { name: '最低共享属性' }).click();
    // antd draws the options beside the listbox it announces: the drawn one is clicked
    await page.locator('.ant-select-item-option[title="无条件共享"]').click();
    await page.getByRole('textbox', { name: '备注' }).fill('2026 年度共享责任清单');
    await page.getByRole('button', { name: '列入', exact: true }).click();
    await page.getByText('已列入共享责任清单').waitFor();
    const row = list.getByRole('row').filter({ hasText: '医疗机构执业登记信息' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/浙江省卫生健康委员会.*无条件共享/);

    expect(await seriousViolations(page), 'accessibility of the duty list').toEqual([]);
    await screenshot(page, 'admin-duties');

    await page.getByRole('button', { name: '移出 医疗机构执业登记信息' }).click();
    const dialog = page.getByRole('dialog', { name: '移出共享责任清单' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: '移出理由' }).fill('该事项已并入省卫健委年度清单');
    await dialog.getByRole('button', { name: '确认移出' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });

    // the removed line stays in the trail, with who removed it and why
    await page.getByRole('switch', { name: '显示已移出的条目' }).first().click();
    await list.getByText(/zj-admin 于 .* 移出，理由：该事项已并入省卫健委年度清单/).waitFor();
    const duties = await api.as(admin.id, 'zj', 'GET', '/api/catalog/v1/duties?includeRemoved=true');
    const items = duties.body.items as { name: string; removedReason?: string }[];
    expect(items.find((d) => d.name === '医疗机构执业登记信息')?.removedReason).toBe('该事项已并入省卫健委年度清单');
  });

  it('lists the negative-list line, and a line without a legal basis is refused at its field', async () => {
    await page.getByRole('tab', { name: '负面清单' }).click();
    const list = page.getByRole('table', { name: '负面清单' });
    const line = list.getByRole('row').filter({ hasText: carbon });
    await line.waitFor();
    await expect.poll(() => line.textContent()).toMatch(/涉及企业商业秘密，暂停共享.*数据安全法/);

    watch.expectRefusal(/\/api\/catalog\/v1\/negative-list$/);
    await page.getByRole('button', { name: '列入负面清单' }).click();
    await tick(page.getByRole('radio', { name: '目录条目' }));
    await page.getByRole('textbox', { name: '目录条目编号' }).fill('zj.330000-WJW-00001');
    await page.getByRole('textbox', { name: '列入理由' }).fill('涉及个人健康信息');
    await page.getByRole('button', { name: '列入', exact: true }).click();
    await page.getByText('列入负面清单须注明法律、行政法规或国家政策依据').waitFor();
    await page.getByRole('button', { name: '取消' }).click();
    expect(await seriousViolations(page), 'accessibility of the negative list').toEqual([]);
  });

  it('sees 履责情况 per agency, problems first', async () => {
    await page.getByRole('menuitem', { name: '履责情况' }).click();
    await page.getByRole('heading', { name: '履责情况', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: '履责情况' });
    const rows = table.locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    // the violation first, then the overdue duty, then the fulfilled one
    await expect.poll(() => rows.nth(0).textContent()).toMatch(/浙江省生态环境厅.*违规共享.*1 条违规/);
    await expect.poll(() => rows.nth(1).textContent()).toMatch(/浙江省人力资源和社会保障厅.*逾期未履责/);
    await expect.poll(() => table.textContent()).toMatch(/浙江省市场监督管理局.*已履责.*1 \/ 1/);

    // opened: the overdue duty with why, and the shared entry with the negative-list line it breaks
    await rows
      .nth(1)
      .getByRole('button', { name: /展开|expand/i })
      .click();
    await page.getByText('已过完成期限（2025年6月30日）：尚未在 B03-02-05-01 下编目').waitFor();
    await rows
      .nth(0)
      .getByRole('button', { name: /展开|expand/i })
      .click();
    const violation = page.getByRole('table', { name: '浙江省生态环境厅 违规共享' });
    await expect.poll(() => violation.textContent()).toMatch(/企业碳足迹核算记录.*涉及企业商业秘密，暂停共享/);
    expect(await seriousViolations(page), 'accessibility of the compliance view').toEqual([]);
    await screenshot(page, 'admin-compliance');
  });

  it('changes a rule with a reason and sees the new version in the history', async () => {
    watch.expectRefusal(/\/api\/consent\/v1\/rules$/);
    await page.getByRole('menuitem', { name: '管理规则' }).click();
    await page.getByRole('heading', { name: '管理规则', level: 1 }).waitFor();
    await page.getByRole('heading', { name: '现行规则（第 0 版）' }).waitFor();
    const days = page.getByRole('spinbutton', { name: '提供方答复时限' });
    await expect.poll(() => days.inputValue()).toBe('10');
    await days.fill('8');
    await tick(page.getByRole('checkbox', { name: '核心' }));

    // without a reason the consent service refuses, and the form says so at the reason
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('修改规则须说明理由').waitFor();

    await page.getByRole('textbox', { name: '修改理由' }).fill('按省政府办公厅通知压缩答复时限，核心数据一并二级审批');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByTestId('rules-saved').getByText('已保存为第 1 版规则').waitFor();
    await page.getByRole('heading', { name: '现行规则（第 1 版）' }).waitFor();

    const history = page.getByRole('table', { name: '规则变更记录' });
    const v1 = history.getByRole('row').filter({ hasText: '第 1 版' });
    await v1.waitFor();
    await expect.poll(() => v1.textContent()).toMatch(/现行.*zj-admin.*按省政府办公厅通知压缩答复时限/);
    await expect.poll(() => v1.textContent()).toMatch(/提供方答复时限：10 个工作日 → 8 个工作日/);
    await expect.poll(() => v1.textContent()).toMatch(/须二级审批的分级：重要 → 重要、核心/);

    const rules = await api.as(admin.id, 'zj', 'GET', '/api/consent/v1/rules');
    expect(rules.body).toMatchObject({
      version: 1,
      rules: { responseDays: 8, secondApprovalGrades: ['important', 'core'] },
    });

    expect(await seriousViolations(page), 'accessibility of the rules').toEqual([]);
    await screenshot(page, 'admin-rules', { fullPage: true });

    // the defaults, as they were
    await page.getByRole('button', { name: '查看第 0 版规则' }).click();
    const old = page.getByTestId('rules-version');
    await old.waitFor();
    await expect.poll(() => old.textContent()).toMatch(/提供方答复时限10 个工作日/);
    await page.getByRole('dialog').getByRole('button', { name: '关闭', exact: true }).first().click();
  });

  it('in 审核队列, returns one entry with a reason and publishes the other', async () => {
    await page.getByRole('menuitem', { name: '审核队列' }).click();
    await page.getByRole('heading', { name: '审核队列', level: 1 }).waitFor();
    await page.getByText('待审核 2 条').waitFor();

    await page.getByRole('button', { name: `审核 ${toReturn.name}` }).click();
    const card = page.getByTestId('entry-review');
    await card.getByRole('heading', { name: `审核：${toReturn.name}` }).waitFor();
    await card.getByText('浙江省大数据发展管理局').first().waitFor();
    await card.getByText('开放时段').waitFor();
    await card.getByRole('row').filter({ hasText: '值班联系人电话' }).getByText('一般3级').waitFor();
    await tick(card.getByRole('radio', { name: '退回修改' }));
    await card.getByRole('textbox', { name: '审核说明' }).fill(returnReason);
    await card.getByRole('button', { name: '退回', exact: true }).click();
    await page.getByTestId('reviewed').getByText(`「${toReturn.name}」已退回提供单位修改`).waitFor();
    await page.getByRole('button', { name: `审核 ${toReturn.name}` }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: `审核 ${toApprove.name}` }).click();
    await card.getByRole('heading', { name: `审核：${toApprove.name}` }).waitFor();
    expect(await seriousViolations(page), 'accessibility of the review queue').toEqual([]);
    await screenshot(page, 'admin-review', { fullPage: true });
    await card.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByTestId('reviewed').getByText(`「${toApprove.name}」已审核通过并发布`).waitFor();
    await page.getByText('没有待审核的目录条目').waitFor();

    const approved = await api.as(admin.id, 'zj', 'GET', `/api/catalog/v1/resources/zj.${toApprove.code}`);
    expect(approved.body).toMatchObject({ status: 'published' });
    const returned = await api.as(publisher, 'zj', 'GET', `/api/catalog/v1/resources/zj.${toReturn.code}/history`);
    expect(returned.status).toBe(200);
    const steps = returned.body.history as { action: string; reason: string; status: string }[];
    expect(steps.at(-1)).toMatchObject({ action: 'rejected', reason: returnReason, status: 'draft' });

    // the same screen in English
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor();
    await page.getByText('No entries are waiting for review').waitFor();

    expect(watch.errors, 'console errors on the admin screens').toEqual([]);
  });
});
