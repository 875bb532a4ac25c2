/**
 * The audit log proves from the tree nodes stored beside its records (audit.tree_nodes), on a real
 * PGlite: the proofs survive a restart unchanged, and a log written before the nodes were stored gets
 * them filled in at start, giving byte-identical proofs.
 */
import { auditEvent } from '@yrd/audit-events';
import { generateProvinceKey, loadProvinceKey } from '@yrd/auth';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepo } from './adapters/db.js';
import { AuditLog } from './app/audit-log.js';
import { verifyConsistency, verifyInclusion } from './domain/index.js';
import { auditMigrations } from './service.js';

const N = 150;
const key = loadProvinceKey('sh', generateProvinceKey('sh').privateJwk);
const hex = (s: string) => Buffer.from(s, 'hex');

function event(i: number) {
  return auditEvent({
    eventId: `tree-${i}`,
    province: 'sh',
    kind: 'exchange.query.served',
    requestId: `req-${i}`,
    resourceId: 'zj.330000-SCJG-0001',
    actorUser: 'sh-requester',
    actorAgency: '91310000MA1FL0000X',
    requesterProvince: 'sh',
    providerProvince: 'zj',
    outcome: 'allow',
    payloadHash: 'b'.repeat(64),
    items: ['company_name'],
    occurredAt: new Date(Date.UTC(2025, 0, 1, 8, 0, i % 60)),
  });
}

describe('audit proofs from stored tree nodes', () => {
  let db: DatabaseHandle;
  const start = async (nodeCache?: number) => {
    const log = new AuditLog({
      province: 'sh',
      repo: new AuditRepo(db),
      key,
      clock: () => new Date('2025-01-02T00:00:00Z'),
      headEvery: 16,
      ...(nodeCache !== undefined ? { nodeCache } : {}),
    });
    await log.init();
    return log;
  };
  /** every record's proof against the latest head, and a consistency proof from an earlier head (heads: 100, 116, …) */
  const proofs = async (log: AuditLog) => {
    const page = await log.trace({ limit: 1000 });
    const consistency = await log.consistency(116);
    return { page, consistency };
  };

  const nodeCount = async () =>
    Number((await db.rows<{ n: string | number }>(sql`select count(*) as n from audit.tree_nodes`))[0]?.n);

  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db, 'audit', auditMigrations);
  });
  afterAll(() => db?.close());

  it('stores about two nodes per record and proves every record; a restart proves the same bytes', async () => {
    const log = await start();
    await log.appendMany(Array.from({ length: 100 }, (_, i) => event(i)));
    for (let i = 100; i < N; i++) await log.append(event(i));
    expect(await nodeCount()).toBe(2 * N - N.toString(2).replace(/0/g, '').length);

    const before = await proofs(log);
    expect(before.page.records).toHaveLength(N);
    for (const r of before.page.records) {
      expect(
        verifyInclusion(
          hex(r.leafHash),
          r.seq,
          r.proof.treeSize,
          r.proof.path.map(hex),
          hex(before.page.head.rootHash),
        ),
      ).toBe(true);
    }
    const c = before.consistency;
    expect(verifyConsistency(116, c.to.size, hex(c.from?.rootHash ?? ''), hex(c.to.rootHash), c.proof.map(hex))).toBe(
      true,
    );

    const restarted = await start(8);
    expect(restarted.size).toBe(N);
    expect(await proofs(restarted)).toEqual(before);
  });

  it('a log from before the stored nodes gets them filled in at start, with byte-identical proofs', async () => {
    const before = await proofs(await start());
    await db.db.execute(sql`delete from audit.tree_nodes`);
    const upgraded = await start();
    expect(await nodeCount()).toBe(2 * N - N.toString(2).replace(/0/g, '').length);
    expect(await proofs(upgraded)).toEqual(before);
    // and it goes on appending where the log left off
    await upgraded.append(event(N));
    const page = await upgraded.trace({ requestId: `req-${N}`, limit: 10 });
    const r = page.records[0];
    expect(r?.seq).toBe(N);
    expect(
      verifyInclusion(
        hex(r?.leafHash ?? ''),
        N,
        r?.proof.treeSize ?? 0,
        r?.proof.path.map(hex) ?? [],
        hex(page.head.rootHash),
      ),
    ).toBe(true);
  });

  it('a stored node taken out by hand is refused as a conflict with its own code, not answered with a wrong proof', async () => {
    const log = await start(0);
    await db.db.execute(sql`delete from audit.tree_nodes where level = 0 and idx = 4`);
    await expect(log.trace({ requestId: 'req-5', limit: 10 })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'AUDIT.TREE_NODE_MISSING',
    });
  });
});
