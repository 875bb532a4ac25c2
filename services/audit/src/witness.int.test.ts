/**
 * Witnesses on a real nats-server: 浙江 witnesses 上海's signed heads and co-signs them; when 上海
 * rewrites its history — changes a stored record, drops its old heads and signs new ones with its own
 * key, so that its own /verify still says ok — 浙江 catches it and raises an alarm.
 */
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import type { auditV1 } from '@yrd/proto';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRecordFields, recordLeaf } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const event = (i: number): auditV1.AuditEvent => ({
  eventId: `w-ev-${i}`,
  province: 'sh',
  kind: 'exchange.query.served',
  requestId: `w-req-${i}`,
  resourceId: 'zj.330000-SCJG-0001',
  actorUser: 'sh-requester',
  actorAgency: '91310000MA1FL0000X',
  requesterProvince: 'sh',
  providerProvince: 'zj',
  outcome: 'allow',
  code: '',
  payloadHash: 'b'.repeat(64),
  subjectRef: '',
  grantId: `grant-${i}`,
  consentId: '',
  occurredAt: new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString(),
  subjectRefKeyId: '',
  items: ['name'],
});

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
    await shDb.db.execute(sql`delete from audit.cosignatures`);
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
    // and the rewritten head got no co-signature
    const latest = (await tb.http(sh.httpUrl, shAuditor, 'GET', '/api/audit/v1/heads/latest')).body as {
      cosignatures: unknown[];
    };
    expect(latest.cosignatures).toEqual([]);
    // 浙江 keeps the head it trusted, not the rewritten one
    expect((await witnessed()).witnessed.find((x) => x.province === 'sh')?.size).toBe(5);
  });

  it('the witness view is the auditor’s', async () => {
    const requester = aPrincipal({ province: 'zj', roles: ['requester'] });
    expect((await tb.http(zj.httpUrl, requester, 'GET', '/api/audit/v1/witness')).status).toBe(403);
  });
});
