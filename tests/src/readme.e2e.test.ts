/**
 * The README works when pasted. The demo starts as a user starts it (`npm start`, a fresh data
 * folder), and every ```sh block of README.md runs, in order, in one bash session
 * (`bash -euo pipefail`, so what one block captures the next one uses), each to exit 0. Blocks that
 * are not for a running demo (`npm ci`, `npm start` itself) carry a visible `norun` tag; there are
 * few. Every curl in a block that runs says `-f` (`--fail`), so an answer that is not 2xx fails its
 * block — or, to show a refusal, writes out its status (`-w '%{http_code}'`) for the block to check,
 * e.g. `test "$(curl -sS -o /dev/null -w '%{http_code}' …)" = 403`. The one liberty taken: the demo runs on free ports, so the README's origins
 * (127.0.0.1:7310…7340) are replaced by the ports it got.
 *
 * The same demo shows that the links it hands out (DCAT) start with each province's public base
 * URL: configured for 江苏, its edge's own origin for the others, never a service's internal port.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo, tokenFor } from './demo-process.js';

const root = resolve(import.meta.dirname, '../..');
const provinceOrder = ['sh', 'js', 'zj', 'ah'] as const;
type Province = (typeof provinceOrder)[number];
/** the origins the README uses: the demo's default ports */
const readmeOrigins: Record<Province, string> = {
  sh: 'http://127.0.0.1:7310',
  js: 'http://127.0.0.1:7320',
  zj: 'http://127.0.0.1:7330',
  ah: 'http://127.0.0.1:7340',
};
/** 江苏 behind a gateway: its links must start here, not at its edge */
const jsPublicBase = 'https://js.yrd.example/gateway';

interface ShellBlock {
  /** 1-based, in README order among the ```sh blocks */
  index: number;
  /** the line of the opening fence */
  line: number;
  /** the info string after the language, e.g. `norun` */
  tags: string[];
  code: string;
}

/** The ```sh (or bash/shell) blocks of a Markdown text, in order. */
function shellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that is never closed`);
    if (['sh', 'bash', 'shell'].includes(open[1] ?? '')) {
      blocks.push({
        index: blocks.length + 1,
        line: i + 1,
        tags: (open[2] ?? '').split(/\s+/).filter(Boolean),
        code: lines.slice(i + 1, end).join('\n'),
      });
    }
    i = end;
  }
  return blocks;
}

/**
 * curl invocations (line continuations joined) that neither fail on a non-2xx answer (`-f`, `--fail`,
 * `--fail-with-body`) nor write out the status for the block to check (`-w '%{http_code}'`).
 */
function curlsWithoutFail(code: string): string[] {
  const joined = code.replace(/\\\n/g, ' ');
  return [...joined.matchAll(/(?:^|[\s;|&($])curl\s([^\n|;]*)/g)]
    .filter((m) => !/(^|\s)(-[a-zA-Z]*f[a-zA-Z]*|--fail|--fail-with-body)(\s|$)/.test(m[1] ?? ''))
    .filter((m) => !/%\{(http_code|response_code)\}/.test(m[1] ?? ''))
    .map((m) => `curl ${(m[1] ?? '').slice(0, 100)}`);
}

/** Ctrl-C: SIGINT to the demo's process group; SIGKILL to the group if it has not gone in 60 s. */
async function stopDemo(demo: Demo): Promise<void> {
  if (demo.child.exitCode !== null || demo.child.pid === undefined) return;
  const pid = demo.child.pid;
  const exited = new Promise<void>((res) => demo.child.once('exit', () => res()));
  process.kill(-pid, 'SIGINT');
  const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 60_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Every `@id` of a JSON-LD document but the EU authority tables' terms. */
function linksOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) linksOf(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '@id' && typeof v === 'string') {
        if (!v.startsWith('http://publications.europa.eu/')) out.push(v);
      } else if (k !== '@context') linksOf(v, out);
    }
  return out;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = shellBlocks(readme);
const runnable = blocks.filter((b) => !b.tags.includes('norun'));

describe('README.md', () => {
  it('has shell blocks to run, few marked norun, each curl failing on a non-2xx answer', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(4);
    expect(blocks.length - runnable.length).toBeLessThanOrEqual(2);
    for (const b of runnable) expect(curlsWithoutFail(b.code), `README.md:${b.line}`).toEqual([]);
    // no placeholder for the reader to fill in: ids are captured from earlier replies
    for (const b of runnable) expect(b.code, `README.md:${b.line}`).not.toMatch(/<[a-z][a-z _-]*>/i);
    // the two set-up commands on a fresh machine after npm ci
    const setup = blocks.find((b) => b.tags.includes('norun') && /\bnpm start\b/.test(b.code));
    const commands = setup?.code
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci', 'npm start', 'npm test']);
    // a user's README stands alone
    expect(readme).not.toMatch(/\]\(\.\.\/|`\.\.\/shared/);
  });

  it('checks its own rules: a curl without -f and an unclosed block are found', () => {
    expect(curlsWithoutFail('curl -s "$sh/x" | field id\ncurl -fsS "$sh/y"\nX=$(curl --fail "$sh/z")')).toEqual([
      'curl -s "$sh/x" ',
    ]);
    expect(curlsWithoutFail('curl -X POST "$sh/x" \\\n  -fsS -d "{}"')).toEqual([]);
    expect(curlsWithoutFail(`test "$(curl -sS -o /dev/null -w '%{http_code}' "$zj/x")" = 403`)).toEqual([]);
    expect(() => shellBlocks('```sh\necho open\n')).toThrow(/never closed/);
    expect(shellBlocks('text\n```sh norun\nnpm start\n```\n```\nplain\n```\n```bash\necho 1\n```\n')).toEqual([
      { index: 1, line: 2, tags: ['norun'], code: 'npm start' },
      { index: 2, line: 8, tags: [], code: 'echo 1' },
    ]);
  });

  describe('against a freshly started demo', () => {
    let dataDir = '';
    let shellTmp = '';
    let demo: Demo | undefined;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'yrd-readme-'));
      shellTmp = join(dataDir, 'tmp');
      mkdirSync(shellTmp);
      demo = await startDemo(dataDir, { env: { YRD_LOG_LEVEL: 'error', YRD_PUBLIC_BASE_URL_JS: jsPublicBase } });
    });
    afterAll(async () => {
      if (demo) await stopDemo(demo);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs every block, in order, in one bash session', () => {
      const urls = demo?.urls as Record<Province, string>;
      expect(Object.keys(urls).sort()).toEqual(['ah', 'js', 'sh', 'zj']);
      let script = 'exec 2>&1\n';
      for (const b of runnable) {
        let code = b.code;
        for (const p of provinceOrder) code = code.replaceAll(readmeOrigins[p], urls[p]);
        script += `printf '\\n@@yrd-block %d start\\n' ${b.index}\n${code}\nprintf '\\n@@yrd-block %d ok\\n' ${b.index}\n`;
      }
      const file = join(dataDir, 'readme.sh');
      writeFileSync(file, script);
      const run = spawnSync('bash', ['-euo', 'pipefail', file], {
        cwd: root,
        env: { ...process.env, YRD_DATA_DIR: dataDir, TMPDIR: shellTmp },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        timeout: 180_000,
      });
      const output = run.stdout ?? '';
      const ok = [...output.matchAll(/@@yrd-block (\d+) ok/g)].map((m) => Number(m[1]));
      const failed = runnable.find((b) => !ok.includes(b.index));
      const after = failed ? output.slice(output.indexOf(`@@yrd-block ${failed.index} start`)) : '';
      expect(
        failed ? `README.md:${failed.line} (sh block ${failed.index}) failed:\n${after.slice(-3000)}` : 'all ran',
      ).toBe('all ran');
      expect(run.status).toBe(0);
    });

    it('hands out links that start with each province’s public base URL, never an internal port', async () => {
      const urls = demo?.urls as Record<Province, string>;
      for (const [p, user, base] of [
        ['zj', 'zj-dsjj-requester', urls.zj],
        ['js', 'js-sjj-requester', jsPublicBase],
      ] as const) {
        const r = await fetch(`${urls[p]}/api/catalog/v1/export?format=dcat&pageSize=5`, {
          headers: {
            authorization: `Bearer ${await tokenFor(urls[p], user)}`,
            'x-forwarded-host': 'elsewhere.example',
          },
        });
        expect(r.status).toBe(200);
        const links = linksOf(await r.json());
        expect(links.length).toBeGreaterThan(3);
        for (const link of links) expect(link.startsWith(`${base}/api/`), link).toBe(true);
      }
    });
  });
});
