/**
 * The offline verifier as an auditor runs it (a child process, `npm run audit:verify`'s command) on files:
 * a province that rewrote one record and re-signed every head with its own key exports a log that is
 * consistent with itself; given the trust list, the CLI fails it (exit 1) naming the head no witness
 * co-signed. The honest export passes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anExportOf, aProvinceLog, aRegion, cosigned } from '../domain/export-test-builders.js';
import { aStoredRecord } from '../domain/test-builders.js';
import { verifyOffline } from './run-cli.js';

const N = 40;

describe('npm run audit:verify with the trust list', () => {
  const region = aRegion();
  let dir = '';
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  let trust = '';
  let honest = '';
  let rewritten = '';
  let rewrittenWithOldCosignatures = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-verify-export-'));
    // as GET /api/audit/v1/trust-list serves it: derived fields beside the list are ignored
    trust = file('trust-list.json', { ...region.anchors, sha256: '0'.repeat(64) });
    const log = aProvinceLog(region, N, { headEvery: 8 });
    honest = file('honest.json', anExportOf(region, log));
    // 上海 changes record 15, rebuilds its tree and re-signs every head with its own key: the witnesses
    // co-signed the heads they saw, not these
    const forged = aProvinceLog(region, N, {
      headEvery: 8,
      records: (seq) => aStoredRecord(seq, seq === 15 ? { outcome: 'deny' } : {}),
    });
    rewritten = file('rewritten.json', anExportOf(region, forged, { cosignedBy: [] }));
    const withOld = anExportOf(region, forged, { cosignedBy: [] });
    const old = cosigned(region, log.heads);
    for (const h of withOld.heads) h.cosignatures = old.find((o) => o.size === h.size)?.cosignatures ?? [];
    rewrittenWithOldCosignatures = file('rewritten-old-cosignatures.json', withOld);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the honest export (exit 0), naming the witnesses of its last head', async () => {
    const r = await verifyOffline(honest, '--trust', trust);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('co-signed by 3 other provinces (ah, js, zj), 2 needed');
    expect(r.out).toMatch(new RegExp(`通过 OK: head size ${N}, root [0-9a-f]{64}`));
  });

  it('fails the rewritten and re-signed log (exit 1), naming the head that lacks co-signatures', async () => {
    const r = await verifyOffline(rewritten, '--trust', trust);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(
      `✗ head size ${N}: 见证签名不足：0/2（无人见证的树头可能是改写后重新签名的历史） co-signed by 0 other provinces, 2 needed`,
    );
    expect(r.out).toContain('[AUDIT.COSIGNATURES_MISSING]');
    expect(r.out).toContain(`first: head size ${N}`);
  });

  it('names each co-signature copied from the honest heads onto the rewritten ones, by head and witness', async () => {
    const r = await verifyOffline(rewrittenWithOldCosignatures, '--trust', trust);
    expect(r.code, r.out).toBe(1);
    for (const w of ['js', 'zj', 'ah']) {
      expect(r.out).toContain(`✗ head size ${N}: ${w} 的见证签名无效 co-signature of ${w}: 不是对该树头的见证签名`);
    }
    expect(r.out).toContain('[AUDIT.COSIGNATURE_INVALID]');
    expect(r.out).toContain('[AUDIT.COSIGNATURES_MISSING]');
    // the heads before record 15 are the honest ones, and their co-signatures hold
    expect(r.out).not.toContain('✗ head size 8:');
  });

  it('without the trust list the rewritten log is consistent with itself: exit 1 unless --no-witnesses', async () => {
    const jwk = file('sh.jwk', { ...region.jwk('sh'), kid: 'sh-1' });
    for (const args of [['--key', jwk], []]) {
      const strict = await verifyOffline(rewritten, ...args);
      expect(strict.code, strict.out).toBe(1);
      expect(strict.out).toContain('co-signatures cannot be checked without the regional trust list');
      // what --no-witnesses accepts: the file on its own, which a rewritten log satisfies
      const lax = await verifyOffline(rewritten, ...args, '--no-witnesses');
      expect(lax.code, lax.out).toBe(0);
      expect(lax.out).toContain('a province that rewrote its log and re-signed every head would pass');
    }
  });

  it('exit 2 for a trust list it cannot read', async () => {
    const r = await verifyOffline(honest, '--trust', file('bad-list.json', { format: 'yrd-trust-list/2' }));
    expect(r.code).toBe(2);
    expect(r.out).toContain('neither a JWK nor a trust list');
  });
});
