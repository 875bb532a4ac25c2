/**
 * The offline verifier on what the public routes answer (real audit services on a real nats-server):
 * 浙江 witnesses 上海; an auditor with no account fetches the trust list, a head (JSON and checkpoint),
 * an inclusion proof and a consistency proof, and `npm run audit:verify -- head|inclusion|consistency`
 * checks each as a child process. A record that was altered, a trust list asking for more witnesses, a
 * tampered proof and a kept head of another history fail (exit 1), naming what fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorsFrom } from '@yrd/auth';
import type { auditV1 } from '@yrd/proto';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPublisher, type RunningAudit, startAudit } from '../index.js';
import { verifyOffline } from './run-cli.js';

const event = (i: number): auditV1.AuditEvent => ({
  eventId: `pc-ev-${i}`,
  province: 'sh',
  kind: 'exchange.query.served',
  requestId: `pc-req-${i}`,
  resourceId: 'zj.330000-SCJG-0001',
  actorUser: 'sh-requester',
  actorAgency: '91310000MA1FL0000X',
  requesterProvince: 'sh',
  providerProvince: 'zj',
  outcome: 'allow',
  code: '',
  payloadHash: 'd'.repeat(64),
  subjectRef: '',
  grantId: `grant-${i}`,
  consentId: '',
  occurredAt: new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString(),
  subjectRefKeyId: '',
  items: ['name'],
});

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Head {
  size: number;
  rootHash: string;
  cosignatures: { witness: string }[];
}

describe('npm run audit:verify on the public routes’ answers', () => {
  let tb: Testbed;
  let sh: RunningAudit;
  let dir = '';
  const files: Record<string, string> = {};
  const auditor = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
  const save = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    files[name] = path;
    return path;
  };
  /** a public route, fetched as anyone would: no token */
  const open = async (path: string): Promise<Response> => {
    const r = await fetch(`${sh.httpUrl}${path}`);
    expect(r.status, path).toBe(200);
    return r;
  };
  const cosignedHead = (size: number) =>
    until(async () => {
      const r = await fetch(`${sh.httpUrl}/api/audit/v1/heads/${size}`);
      const h = r.status === 200 ? ((await r.json()) as Head) : undefined;
      return h?.cosignatures.some((c) => c.witness === 'zj') ? h : undefined;
    }, `浙江’s co-signature of 上海’s head ${size}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-public-check-'));
    tb = await createTestbed();
    // two provinces run: one witness of 上海, so the trust list asks for one co-signature
    const trust = anchorsFrom(tb.trust, '2020-01-01T00:00:00.000Z', 1);
    const opts = { trust, headEvery: 1, headIntervalMs: 100 };
    await tb.started(startAudit(await tb.deps('zj'), opts));
    sh = await tb.started(startAudit(await tb.deps('sh'), opts));
    const pub = new AuditPublisher(await tb.connect('sh'), 'sh');
    await pub.ensure();
    // a head of 2 that 浙江 co-signed, then one of 5: the auditor kept the first
    for (let i = 0; i < 2; i++) await pub.publish(event(i));
    save('head-2.json', await cosignedHead(2));
    for (let i = 2; i < 5; i++) await pub.publish(event(i));
    await cosignedHead(5);

    save('trust-list.json', await (await open('/api/audit/v1/trust-list')).json());
    save('head.json', await (await open('/api/audit/v1/heads/5')).json());
    save('checkpoint.txt', await (await open('/api/audit/v1/checkpoint')).text());
    save('inclusion.json', await (await open('/api/audit/v1/proofs/inclusion?seq=3&treeSize=5')).json());
    save('consistency.json', await (await open('/api/audit/v1/consistency?from=2&to=5')).json());
    // the record a party hands the court: as 上海's trace shows it (the auditor's, not public)
    const traced = await tb.http(sh.httpUrl, auditor, 'GET', '/api/audit/v1/records?requestId=pc-req-3');
    expect(traced.status).toBe(200);
    const record = (traced.body as { records: { seq: number; outcome: string }[] }).records[0]!;
    expect(record.seq).toBe(3);
    save('record.json', record);
    save('record-altered.json', { ...record, outcome: 'deny' });
  }, 60_000);

  afterAll(async () => {
    await tb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('head: passes the head as JSON and as the checkpoint, naming its witness', async () => {
    for (const file of [files['head.json']!, files['checkpoint.txt']!]) {
      const r = await verifyOffline('head', file, '--trust', files['trust-list.json']!);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('✓ head size 5: 树头签名有效 signature valid (key sh-1, trust list)');
      expect(r.out).toContain('co-signed by 1 other provinces (zj), 1 needed');
      expect(r.out).toMatch(/通过 OK: head size 5, root [0-9a-f]{64}/);
    }
  });

  it('head: fails it against a trust list asking for two witnesses, naming the head', async () => {
    const trust = JSON.parse(JSON.stringify(await (await open('/api/audit/v1/trust-list')).json())) as {
      cosignatureQuorum: number;
    };
    const two = save('trust-list-2.json', { ...trust, cosignatureQuorum: 2 });
    const r = await verifyOffline('head', files['checkpoint.txt']!, '--trust', two);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('✗ head size 5: 见证签名不足：1/2');
    expect(r.out).toContain('[AUDIT.COSIGNATURES_MISSING]');
  });

  it('inclusion: the path leads to the head, and the handed-over record is the proven leaf', async () => {
    const r = await verifyOffline(
      'inclusion',
      files['inclusion.json']!,
      '--trust',
      files['trust-list.json']!,
      '--record',
      files['record.json']!,
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('✓ seq 3: 包含证明成立 the path leads from the leaf to the root of head size 5');
    expect(r.out).toContain("✓ seq 3: 记录的叶哈希即证明中的叶 the record hashes to the proof's leaf");
  });

  it('inclusion: fails an altered record (exit 1), naming its seq', async () => {
    const r = await verifyOffline(
      'inclusion',
      files['inclusion.json']!,
      '--trust',
      files['trust-list.json']!,
      '--record',
      files['record-altered.json']!,
    );
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('✗ seq 3: ');
    expect(r.out).toContain('[AUDIT.RECORD_ALTERED]');
  });

  it('consistency: the head of 5 extends the head of 2 the auditor kept', async () => {
    const r = await verifyOffline(
      'consistency',
      files['consistency.json']!,
      '--trust',
      files['trust-list.json']!,
      '--from-head',
      files['head-2.json']!,
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('✓ heads 2→5: 一致性证明成立 consistency proof holds');
    expect(r.out).toContain('✓ 你保存的树头即 from 树头 the head you kept (size 2) is the from head');
  });

  it('consistency: fails a tampered proof and a kept head of another history', async () => {
    const answer = JSON.parse(JSON.stringify(await (await open('/api/audit/v1/consistency?from=2&to=5')).json())) as {
      proof: string[];
    };
    const tampered = save('tampered.json', { ...answer, proof: answer.proof.map(() => 'e'.repeat(64)) });
    const r = await verifyOffline('consistency', tampered, '--trust', files['trust-list.json']!);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('✗ heads 2→5: ');
    expect(r.out).toContain('[AUDIT.CONSISTENCY_INVALID]');

    const head2 = JSON.parse(JSON.stringify(await (await open('/api/audit/v1/heads/2')).json())) as Head;
    const other = save('other-head-2.json', { ...head2, rootHash: '0'.repeat(64) });
    const k = await verifyOffline(
      'consistency',
      files['consistency.json']!,
      '--trust',
      files['trust-list.json']!,
      '--from-head',
      other,
    );
    expect(k.code, k.out).toBe(1);
    expect(k.out).toContain('[AUDIT.HEAD_MISMATCH]');
  });

  it('exit 2 without a trust list, or for a file it cannot read', async () => {
    const noTrust = await verifyOffline('head', files['head.json']!);
    expect(noTrust.code).toBe(2);
    expect(noTrust.out).toContain('usage');
    const missing = await verifyOffline('inclusion', join(dir, 'nothing.json'), '--trust', files['trust-list.json']!);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('cannot read');
    const notAList = await verifyOffline('head', files['head.json']!, '--trust', files['head.json']!);
    expect(notAList.code).toBe(2);
    expect(notAList.out).toContain('not a trust list');
  });
});
