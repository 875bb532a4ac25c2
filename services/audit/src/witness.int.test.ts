/**
 * Witnesses on a real nats-server: 浙江 witnesses 上海's signed heads and co-signs them; when 上海
 * rewrites its history — changes a stored record, drops its old heads and signs new ones with its own
 * key, so that its own /verify still says ok — 浙江 catches it and raises an alarm.
 */
import { createPublicKey } from 'node:crypto';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditRecordFields,
  type Cosignature,
  cosignatureCovers,
  parseNote,
  recordLeaf,
  type SignedTreeHead,
  verifyConsistency,
  verifyCosignature,
  verifyInclusion,
  verifyTreeHead,
} from './domain/index.js';
import { Keyring } from './domain/keyring.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';
import { anExchangeEvent, until } from './test-events.js';

const event = (i: number) => anExchangeEvent(i, {}, 'w');

/** The trust list's keys, as an auditor holds them (from GET /api/audit/v1/trust-list). */
const keyringFrom = (tb: Testbed) =>
  new Keyring(
    Object.entries(tb.trust).map(([province, jwk]) => ({
      province,
      kid: `${province}-1`,
      publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
    })),
  );

describe('witnesses: provinces co-sign each other’s heads and catch a rewritten history', () => {
  let tb: Testbed;
  let shDb: DatabaseHandle;
  let sh: RunningAudit;
  let zj: RunningAudit;
  const shAuditor = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
  const zjAuditor = aPrincipal({ province: 'zj', sub: 'zj-auditor', roles: ['auditor'] });
  const startSh = async () =>
    startAudit(await tb.deps('sh', { db: shDb }), { trust: tb.trust, headEvery: 1, headIntervalMs: 100 });
  const witnessed = async () =>
    (await tb.http(zj.httpUrl, zjAuditor, 'GET', '/api/audit/v1/witness')).body as {
      witnessed: { province: string; size: number; rootHash: string }[];
      alarms: { province: string; code: string; message: string }[];
    };

  beforeAll(async () => {
    tb = await createTestbed();
    shDb = await openDatabase();
    tb.defer(() => shDb.close());
    zj = await tb.started(startAudit(await tb.deps('zj'), { trust: tb.trust, headEvery: 1, headIntervalMs: 100 }));
    sh = await startSh();
  });
  afterAll(async () => {
    await sh?.stop();
    await tb?.close();
  });

  it('浙江 witnesses 上海’s heads, and 上海’s latest head carries 浙江’s co-signature', async () => {
    const pub = new AuditPublisher((await tb.deps('sh', { db: shDb })).nc, 'sh');
    await pub.ensure();
    for (let i = 0; i < 5; i++) await pub.publish(event(i));
    const seen = await until(async () => {
      const w = await witnessed();
      return w.witnessed.find((x) => x.province === 'sh' && x.size === 5);
    }, '浙江 to witness size 5');
    const latest = await until(async () => {
      const h = (await tb.http(sh.httpUrl, shAuditor, 'GET', '/api/audit/v1/heads/latest')).body as {
        size: number;
        rootHash: string;
        cosignatures: { witness: string; size: number }[];
      };
      return h.size === 5 && h.cosignatures.some((c) => c.witness === 'zj') ? h : undefined;
    }, '浙江’s co-signature at 上海');
    expect(latest.rootHash).toBe(seen.rootHash);
    expect((await witnessed()).alarms).toEqual([]);

    // anyone can check it, without signing in: the head as a checkpoint, its co-signature over exactly it
    const open = await fetch(`${sh.httpUrl}/api/audit/v1/heads/5`);
    expect(open.status).toBe(200);
    const head = (await open.json()) as SignedTreeHead & { cosignatures: Cosignature[]; note: string };
    expect(head.rootHash).toBe(seen.rootHash);
    const keys = keyringFrom(tb);
    expect(verifyTreeHead(head, keys.forHead(head)!)).toBe(true);
    const zjCosig = head.cosignatures.find((c) => c.witness === 'zj')!;
    expect(cosignatureCovers(zjCosig, head)).toBe(true);
    expect(verifyCosignature(zjCosig, keys.find('zj', zjCosig.keyId)!)).toBe(true);
    const note = parseNote(head.note)!;
    expect(note.signatures.map((x) => x.name)).toEqual(['yrd.example/audit/sh', 'yrd.example/witness/zj']);
    const checkpoint = await fetch(`${sh.httpUrl}/api/audit/v1/checkpoint`);
    expect(checkpoint.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await checkpoint.text()).toBe(head.note);
  });

  it('an auditor with only the public routes proves a record’s inclusion in a head of their choosing, and consistency', async () => {
    const traced = (await tb.http(sh.httpUrl, shAuditor, 'GET', '/api/audit/v1/records?requestId=w-req-1')).body as {
      records: { seq: number; leafHash: string }[];
    };
    const rec = traced.records[0]!;
    // the heads signed so far (events that arrive together are appended, and signed, together)
    const signed: number[] = [];
    for (let size = 1; size <= 5; size++) {
      if ((await fetch(`${sh.httpUrl}/api/audit/v1/heads/${size}`)).status === 200) signed.push(size);
    }
    expect(signed).toContain(5);
    const covering = signed.filter((size) => size > rec.seq);
    for (const treeSize of covering) {
      const r = await fetch(
        `${sh.httpUrl}/api/audit/v1/proofs/inclusion?leafHash=${rec.leafHash}&treeSize=${treeSize}`,
      );
      expect(r.status).toBe(200);
      const p = (await r.json()) as { seq: number; path: string[]; head: SignedTreeHead };
      expect(p.seq).toBe(rec.seq);
      expect(p.head.size).toBe(treeSize);
      expect(verifyTreeHead(p.head, keyringFrom(tb).forHead(p.head)!)).toBe(true);
      const path = p.path.map((h) => Buffer.from(h, 'hex'));
      expect(
        verifyInclusion(Buffer.from(rec.leafHash, 'hex'), rec.seq, treeSize, path, Buffer.from(p.head.rootHash, 'hex')),
      ).toBe(true);
    }
    // a head that does not cover it, a leaf the log does not hold, a size no head has: refused with a code
    const refused = async (q: string) => {
      const r = await fetch(`${sh.httpUrl}/api/audit/v1/proofs/inclusion?${q}`);
      return { status: r.status, code: ((await r.json()) as { code: string }).code };
    };
    const notCovering = signed.find((size) => size <= rec.seq);
    if (notCovering !== undefined) {
      expect(await refused(`leafHash=${rec.leafHash}&treeSize=${notCovering}`)).toEqual({
        status: 400,
        code: 'AUDIT.RANGE_INVALID',
      });
    }
    expect(await refused(`seq=5&treeSize=5`)).toEqual({ status: 400, code: 'AUDIT.RANGE_INVALID' });
    expect(await refused(`leafHash=${'0'.repeat(64)}`)).toEqual({ status: 404, code: 'AUDIT.LEAF_NOT_FOUND' });
    expect(await refused('seq=1&treeSize=999')).toEqual({ status: 404, code: 'AUDIT.HEAD_NOT_FOUND' });
    expect(await refused('leafHash=xyz')).toMatchObject({ status: 400 });
    expect(await refused(`seq=1&leafHash=${rec.leafHash}`)).toMatchObject({ status: 400 });

    const from = signed[0]!;
    const c = (await (await fetch(`${sh.httpUrl}/api/audit/v1/consistency?from=${from}&to=5`)).json()) as {
      from: SignedTreeHead;
      to: SignedTreeHead;
      proof: string[];
    };
    expect(
      verifyConsistency(
        from,
        5,
        Buffer.from(c.from.rootHash, 'hex'),
        Buffer.from(c.to.rootHash, 'hex'),
        c.proof.map((h) => Buffer.from(h, 'hex')),
      ),
    ).toBe(true);

    const trust = (await (await fetch(`${sh.httpUrl}/api/audit/v1/trust-list`)).json()) as {
      format: string;
      cosignatureQuorum: number;
      provinces: Record<
        string,
        { keys: { kid: string; jwk: { x: string; d?: string }; vkey: string; status: string }[] }
      >;
    };
    expect(trust).toMatchObject({ format: 'yrd-trust-list/2', cosignatureQuorum: 2 });
    expect(trust.provinces.sh?.keys[0]).toMatchObject({ kid: 'sh-1', status: 'current', jwk: { x: tb.trust.sh.x } });
    // name + key id + base64 material, which may itself hold a '+'
    const [name, id, ...material] = trust.provinces.sh?.keys[0]?.vkey.split('+') ?? [];
    const vkey = [name, id, material.join('+')];
    expect(vkey.slice(0, 2)).toEqual(['yrd.example/audit/sh', expect.stringMatching(/^[0-9a-f]{8}$/)]);
    // signature type 0x01 (Ed25519), then the key the JWK holds
    expect(Buffer.from(vkey[2] ?? '', 'base64')).toEqual(
      Buffer.concat([Buffer.from([1]), Buffer.from(tb.trust.sh.x ?? '', 'base64url')]),
    );
    expect(JSON.stringify(trust)).not.toContain('"d"');
  });

  it('a rewritten history passes 上海’s own check but not 浙江’s', async () => {
    await sh.stop();
    // 上海 changes record 2, recomputes its leaf, drops every head it signed and signs anew
    const rows = await shDb.rows<{ fields: AuditRecordFields | string }>(
      sql`select fields from audit.records where seq = 2`,
    );
    const stored = rows[0]?.fields;
    const fields = (typeof stored === 'string' ? JSON.parse(stored) : stored) as AuditRecordFields;
    const altered = { ...fields, actorAgency: '91310000MA1FL9999X' };
    await shDb.db.execute(sql`
      update audit.records set fields = ${JSON.stringify(altered)}::jsonb, actor_agency = ${altered.actorAgency},
        leaf_hash = ${recordLeaf(altered).toString('hex')} where seq = 2`);
    // (the co-signatures the old heads got stay where they are)
    await shDb.db.execute(sql`delete from audit.tree_heads`);
    // and the tree the proofs come from: without it the old leaf would still stand in the stored nodes
    // (the restart rebuilds the tree from the rewritten records)
    await shDb.db.execute(sql`delete from audit.tree_nodes`);
    await shDb.db.execute(sql`delete from audit.log_state`);
    sh = await startSh();

    // on its own, the rewritten log holds together: 上海's verify is ok
    const own = await until(async () => {
      const v = (await tb.http(sh.httpUrl, shAuditor, 'GET', '/api/audit/v1/verify')).body as {
        ok: boolean;
        size: number;
      };
      return v.size === 5 ? v : undefined;
    }, '上海’s verify');
    expect(own.ok).toBe(true);

    // 浙江 compares with the head it witnessed before
    const alarm = await until(async () => (await witnessed()).alarms.find((a) => a.province === 'sh'), 'an alarm');
    expect(['AUDIT.FORK', 'AUDIT.INCONSISTENT']).toContain(alarm.code);
    // and the rewritten head of the same size shows none of the co-signatures the old one got
    const latest = (await (await fetch(`${sh.httpUrl}/api/audit/v1/heads/latest`)).json()) as {
      size: number;
      cosignatures: unknown[];
      note: string;
    };
    expect(latest.size).toBe(5);
    expect(latest.cosignatures).toEqual([]);
    expect(parseNote(latest.note)?.signatures).toHaveLength(1);
    // 浙江 keeps the head it trusted, not the rewritten one
    expect((await witnessed()).witnessed.find((x) => x.province === 'sh')?.size).toBe(5);
  });

  it('the witness view is the auditor’s', async () => {
    const requester = aPrincipal({ province: 'zj', roles: ['requester'] });
    expect((await tb.http(zj.httpUrl, requester, 'GET', '/api/audit/v1/witness')).status).toBe(403);
  });
});
