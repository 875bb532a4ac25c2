/**
 * docs/audit-format.md works when pasted: every ```sh block runs, in order, in one bash session
 * (`bash -euo pipefail`), against a freshly started demo, each to exit 0 — the auditor's checks of the
 * trust list, a leaf, a signed head (OpenSSL), a co-signature, inclusion and consistency proofs (bash,
 * sha256sum) and the offline verifier. The demo runs on free ports: the doc's origins
 * (127.0.0.1:7310…7340) are replaced by the ports it got.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo, tokenFor } from './demo-process.js';

const root = resolve(import.meta.dirname, '../..');
const docOrigins = {
  sh: 'http://127.0.0.1:7310',
  js: 'http://127.0.0.1:7320',
  zj: 'http://127.0.0.1:7330',
  ah: 'http://127.0.0.1:7340',
} as const;

/** The ```sh blocks of a Markdown text, in order, with the line of their opening fence. */
function shellBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`docs/audit-format.md:${i + 1}: a code block that is never closed`);
    if (open[1] === 'sh') out.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
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

const doc = readFileSync(join(root, 'docs/audit-format.md'), 'utf8');
const blocks = shellBlocks(doc);

describe('docs/audit-format.md', () => {
  it('has shell blocks for each format, every curl failing on a non-2xx answer', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const all = blocks.map((b) => b.code).join('\n');
    for (const tool of [
      'openssl pkeyutl -verify',
      'sha256sum',
      'verify_inclusion',
      'verify_consistency',
      'audit:verify',
    ])
      expect(all).toContain(tool);
    for (const m of all.matchAll(/(?:^|[\s;|&($])curl\s([^\n|;]*)/g)) expect(m[1]).toMatch(/(^|\s)-[a-zA-Z]*f/);
  });

  describe('against a freshly started demo', () => {
    let dataDir = '';
    let demo: Demo | undefined;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'yrd-audit-doc-'));
      mkdirSync(join(dataDir, 'tmp'));
      demo = await startDemo(dataDir, { env: { YRD_LOG_LEVEL: 'error' } });
      // some exchanges, so that 上海's log has records and fresh heads for the witnesses to co-sign
      const sh = demo.urls.sh as string;
      const token = await tokenFor(sh, 'sh-scjgj-requester');
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${sh}/api/exchange/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            resourceId: 'zj.330000-SCJG-00001',
            purpose: '跨省通办 企业变更登记',
            key: { credit_code: '91330106MA2H7K3L1K' },
            claims: { legal_representative: '周明远', license_status: '存续' },
          }),
        });
        expect(r.status).toBe(200);
      }
    });
    afterAll(async () => {
      if (demo) await stopDemo(demo);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs every block, in order, in one bash session: each signature, hash and proof checks out', () => {
      const urls = demo?.urls as Record<keyof typeof docOrigins, string>;
      let script = 'exec 2>&1\n';
      blocks.forEach((b, i) => {
        let code = b.code;
        for (const [p, origin] of Object.entries(docOrigins))
          code = code.replaceAll(origin, urls[p as keyof typeof docOrigins]);
        script += `printf '\\n@@doc-block %d start\\n' ${i}\n${code}\nprintf '\\n@@doc-block %d ok\\n' ${i}\n`;
      });
      const file = join(dataDir, 'audit-format.sh');
      writeFileSync(file, script);
      const run = spawnSync('bash', ['-euo', 'pipefail', file], {
        cwd: root,
        env: { ...process.env, TMPDIR: join(dataDir, 'tmp') },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        timeout: 180_000,
      });
      const output = run.stdout ?? '';
      const ok = new Set([...output.matchAll(/@@doc-block (\d+) ok/g)].map((m) => Number(m[1])));
      const failed = blocks.findIndex((_, i) => !ok.has(i));
      const after = failed >= 0 ? output.slice(output.indexOf(`@@doc-block ${failed} start`)) : '';
      expect(
        failed >= 0 ? `docs/audit-format.md:${blocks[failed]!.line} failed:\n${after.slice(-3000)}` : 'all ran',
      ).toBe('all ran');
      expect(run.status).toBe(0);
      // the head and a co-signature, by OpenSSL; the proofs, by hand; the export, by the CLI
      expect(output.match(/^Signature Verified Successfully$/gm)).toHaveLength(2);
      expect(output).toContain('inclusion holds');
      expect(output).toContain('consistency holds');
      expect(output).toMatch(/co-signed by [23] other provinces \([a-z, ]+\), 2 needed/);
      expect(output).toMatch(/通过 OK: head size \d+, root [0-9a-f]{64}/);
      expect(output).toContain('[AUDIT.RECORD_ALTERED]');
    });
  });
});
