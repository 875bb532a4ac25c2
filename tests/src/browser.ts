/**
 * The console in a real browser: Debian's chromium driven by playwright-core (no browser download;
 * `.ci/run` installs chromium and a CJK font), with what every browser test checks on every screen —
 * no error in the page's console, no serious or critical accessibility violation (axe-core) — and a
 * screenshot of each screen for the README (docs/screenshots).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import type { Region } from '@yrd/node';
import { ensureConsoleBuilt } from '@yrd/node';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import { RegionClient, startSeededRegion } from './client.js';

const root = resolve(import.meta.dirname, '../..');
export const screenshotDir = join(root, 'docs', 'screenshots');
/** where a failed browser test leaves what its pages showed (ignored by git) */
export const failureDir = join(root, 'test-results', 'browser');
/** Debian's chromium package */
export const chromiumPath = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where chromium's sandbox cannot start
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** A seeded region whose edges serve the console (built first if stale), and a browser to look at it. */
export interface ConsoleRegion {
  region: Region;
  api: RegionClient;
  browser: Browser;
  /** closes the browser and stops the region */
  stop(): Promise<void>;
}

export async function startConsoleRegion(
  name: string,
  opts: { suites?: NonNullable<Parameters<typeof startSeededRegion>[1]>['suites'] } = {},
): Promise<ConsoleRegion> {
  const dist = await ensureConsoleBuilt();
  if (!dist) throw new Error('no console app (apps/console) to build');
  const started = await startSeededRegion(name, { consoleDir: dist, ...(opts.suites ? { suites: opts.suites } : {}) });
  const browser = await launchChromium().catch(async (err: unknown) => {
    await started.stop();
    throw err;
  });
  return {
    region: started.region,
    api: new RegionClient(started.region),
    browser,
    stop: async () => {
      await browser.close();
      await started.stop();
    },
  };
}

/** A page in a fresh browser session (zh-CN unless told), watched for errors from the start. */
export async function newConsolePage(
  browser: Browser,
  opts: { width?: number; height?: number; locale?: string; acceptDownloads?: boolean } = {},
): Promise<{ page: Page; watch: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({
    locale: opts.locale ?? 'zh-CN',
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    ...(opts.acceptDownloads ? { acceptDownloads: true } : {}),
  });
  // generous waits (CI runs the browser tests beside everything else on two cores), strict assertions
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  return { page, watch: watchErrors(page) };
}

/** the pages of this test file still open, for a failed test to show what they showed */
const openPages = new Set<Page>();

/**
 * When a browser test fails, what every open page showed then: its address and accessibility tree in
 * the test's output, and a screenshot under test-results/browser. A locator that finds nothing says
 * only what it waited for; this says what was there instead. Run after each end-to-end test
 * (`browser-failures.setup.ts`: the e2e files share their modules, so a hook registered here would
 * only be the first file's).
 */
export async function showOpenPages(ctx: TestContext): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || openPages.size === 0) return;
  mkdirSync(failureDir, { recursive: true });
  const base = `${ctx.task.file.name.replace(/^.*\//, '').replace(/\.e2e\.test\.ts$/, '')}-${ctx.task.name}`
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .slice(0, 120);
  let n = 0;
  for (const page of openPages) {
    n += 1;
    const path = join(failureDir, `${base}-${n}.png`);
    const shown = await Promise.all([
      page.screenshot({ path, fullPage: true, timeout: 10_000 }).then(
        () => path,
        (e: unknown) => `no screenshot (${e instanceof Error ? e.message : String(e)})`,
      ),
      page
        .locator('body')
        .ariaSnapshot({ timeout: 10_000 })
        .catch((e: unknown) => `no accessibility tree (${e instanceof Error ? e.message : String(e)})`),
    ]);
    console.log(`failed “${ctx.task.name}”: page ${n} at ${page.url()}\n${shown[0]}\n${shown[1]}`);
  }
}

/**
 * What a page reports going wrong: console errors and uncaught exceptions. A refusal the test provokes
 * on purpose is logged by chromium as a failed resource load; `expectRefusal` lets exactly those through.
 */
export function watchErrors(page: Page) {
  const errors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const refused = /the server responded with a status of 4\d\d/.test(m.text());
    const url = m.location().url;
    if (refused && expected.some((e) => e.test(url))) return;
    errors.push(`console error: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    errors,
    /** a 4xx answer to a URL matching `url` is the refusal under test, not an error */
    expectRefusal(url: RegExp) {
      expected.push(url);
    },
  };
}

/** The serious and critical accessibility violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/** Saves what the page shows as docs/screenshots/<name>.png (the README embeds them); `fullPage`: all of it, scrolled. */
/**
 * Slows the page's CPU `rate`× (Chrome DevTools' throttling) and records every distinct state the page
 * shows from now on, as `describe` (a JavaScript expression evaluated in the page: the tests' TypeScript
 * has no DOM types) puts it into words. `done()` restores the CPU and returns the states in order.
 * For what shows only for a moment on a slow machine: a button offered while the page moves on.
 */
export async function recordOnSlowCpu(page: Page, rate: number, describe: string): Promise<() => Promise<string[]>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.evaluate(`
    window.__shown = [];
    new MutationObserver(() => {
      const now = ${describe};
      if (window.__shown.at(-1) !== now) window.__shown.push(now);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  `);
  return async () => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
    return page.evaluate<string[]>('window.__shown');
  };
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide', fullPage: opts.fullPage ?? false });
  return path;
}

/**
 * The JavaScript a first visit loads before anything else: the entry script of the built index.html
 * and the modules it preloads, each gzipped as a server would send it.
 */
export function initialScripts(dist: string): {
  files: { file: string; gzipBytes: number }[];
  gzipBytes: number;
  rawBytes: number;
} {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((m) => m[1] as string);
  const sizes = [...new Set(files)].map((file) => {
    const body = readFileSync(join(dist, file.replace(/^\//, '')));
    return { file, rawBytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  return {
    files: sizes.map(({ file, gzipBytes }) => ({ file, gzipBytes })),
    gzipBytes: sizes.reduce((n, s) => n + s.gzipBytes, 0),
    rawBytes: sizes.reduce((n, s) => n + s.rawBytes, 0),
  };
}

/**
 * Ticks an antd checkbox or picks a radio, then waits until the page shows it ticked. Under load a
 * controlled input follows its click a moment later, which Playwright's `check()` takes for a click
 * that did nothing.
 */
export async function tick(box: Locator, timeoutMs = 30_000): Promise<void> {
  if (await box.isChecked()) return;
  await box.click();
  const until = Date.now() + timeoutMs;
  while (!(await box.isChecked())) {
    if (Date.now() > until) throw new Error(`still not ticked after ${timeoutMs} ms: ${box}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Signs in on the dev login page already open: antd's Select filters the users as one types, Enter
 * picks the one left, then 登录.
 */
export async function signIn(page: Page, user: { name: string; id: string }): Promise<void> {
  await page.getByRole('combobox', { name: '演示用户' }).click();
  await page.keyboard.type(user.name);
  await page.getByRole('option', { name: new RegExp(`${user.name} .*${user.id}`) }).waitFor({ state: 'attached' });
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: '登录' }).click();
}
