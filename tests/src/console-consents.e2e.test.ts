/**
 * 我的授权书 in a real browser, served by the 上海 edge of a seeded region: the data subject 李四海
 * signs in with the dev login, gives 上海人社局 a once-only consent for 江苏's 社会保险缴费信息
 * (resource from the regional catalogue search, items from the entry), sees it listed as active,
 * revokes it after confirming, and sees it revoked — in the browser and in the consent service.
 * No console error, no serious or critical accessibility violation, one screenshot for the README.
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

const subject = { id: 'sh-subject-01', name: '李四海' };
const resource = { id: 'js.320000-RSJ-00001', search: '社会保险缴费' };
/** a purpose no seeded consent has, so the row is this test's */
const purpose = '社保关系转移接续（控制台测试）';

interface Listed {
  consents: { id: string; purpose: string; status: string; fetchType: string; items: string[] }[];
}

describe('我的授权书: a data subject gives and revokes a consent in the browser', () => {
  let started: ConsoleRegion | undefined;
  let api: RegionClient;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;

  const clean = async (name: string) => {
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    expect(watch.errors, `console errors on ${name}`).toEqual([]);
  };
  const mine = async () => {
    const r = await api.as<Listed>(subject.id, 'sh', 'GET', '/api/consent/v1/consents');
    expect(r.status).toBe(200);
    return r.body.consents.filter((c) => c.purpose === purpose);
  };
  const row = () => page.getByRole('row').filter({ hasText: purpose });

  beforeAll(async () => {
    started = await startConsoleRegion('console-consents');
    api = started.api;
    origin = api.url('sh');
    browser = started.browser;
    ({ page, watch } = await newConsolePage(browser, { height: 800 }));
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('the subject signs in and opens 我的授权书 from the menu: the seeded consents are listed', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, subject);
    await page.getByRole('link', { name: '我的授权书' }).click();
    await page.getByRole('heading', { name: '我的授权书', level: 1 }).waitFor();
    // 李四海's two seeded consents (scenarios 2 and 4), both active
    await page.getByRole('row').filter({ hasText: 'sh.310000-DSJ-00001' }).filter({ hasText: '有效' }).waitFor();
    await page.getByRole('row').filter({ hasText: resource.id }).filter({ hasText: '有效' }).first().waitFor();
    await clean('my consents');
  });

  it('gives a once-only consent: resource from the catalogue search, items from the entry', async () => {
    await page.getByRole('button', { name: '出具授权书' }).click();
    const dialog = page.getByRole('dialog', { name: '出具授权书（本人授权）' });
    await dialog.waitFor();

    // antd's Select: the list the user sees (its accessible twin is a hidden listbox)
    const choose = (text: string | RegExp) => page.locator('.ant-select-item-option', { hasText: text }).click();
    await dialog.getByRole('combobox', { name: '使用方所在省份' }).click();
    await choose('上海');
    await dialog.getByRole('combobox', { name: '使用方单位' }).click();
    await page.keyboard.type('人力资源');
    await choose('上海市人力资源和社会保障局');

    await dialog.getByRole('combobox', { name: '目录资源' }).click();
    await page.keyboard.type(resource.search);
    await choose(resource.id);
    await tick(dialog.getByRole('checkbox', { name: /id_number/ }));
    await tick(dialog.getByRole('checkbox', { name: /contribution_months/ }));

    await dialog.getByLabel('用途').fill(purpose);
    await dialog.getByLabel('有效期至').fill('2027-12-31');
    await tick(dialog.getByRole('radio', { name: '仅限一次' }));
    await clean('the consent form');
    await dialog.getByRole('button', { name: '出具授权书' }).click();

    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('授权书已出具').waitFor();
    await expect.poll(() => row().textContent()).toMatch(/有效/);
    expect(await row().textContent()).toMatch(
      /上海市人力资源和社会保障局.*上海.*js\.320000-RSJ-00001.*id_number、contribution_months.*仅限一次/,
    );
    const given = await mine();
    expect(given.map((c) => [c.status, c.fetchType, c.items])).toEqual([
      ['active', 'once', ['id_number', 'contribution_months']],
    ]);
    await clean('a consent given');
  });

  it('revokes it after confirming, and sees it revoked', async () => {
    await row().getByRole('button', { name: '撤回' }).click();
    await page.getByText('撤回这份授权书？').waitFor();
    await page.locator('.ant-popconfirm-buttons').getByRole('button', { name: '撤回' }).click();

    await page.getByText('授权书已撤回').waitFor();
    await expect.poll(() => row().textContent()).toMatch(/已撤回/);
    expect(await row().getByRole('button', { name: '撤回' }).count()).toBe(0);
    expect((await mine()).map((c) => c.status)).toEqual(['revoked']);
    await clean('a consent revoked');
    await screenshot(page, 'consents');
  });
});
