/**
 * Tampering straight in the database — the one thing the service cannot prevent — must not go unseen:
 * after each edit, GET /api/audit/v1/verify and the offline verifier (the CLI, as a child process) fail
 * and name the entry, and only it. A real audit service on PGlite, fed through JetStream. It runs
 * alone, without the other provinces' witnesses, so the CLI is told `--no-witnesses` where the
 * tampering, not the co-signatures, is under test (cli/verify-export.int.test.ts checks those).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditEvent } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, type SQL, sql } from '@yrd/db';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOffline } from './cli/run-cli.js';
import { type AuditExport, type AuditRecordFields, recordLeaf } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const N = 40;
const auditor: Principal = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });

describe('tampering with the stored audit log is detected and named', () => {
  let tb: Testbed;
  let db: DatabaseHandle;
  let running: RunningAudit;
  let trustFile: string;
  let jwkFile: string;
  let goodExport: string;

  const get = (path: string) => tb.http(running.httpUrl, auditor, 'GET', path);
  const verify = async () =>
    (await get('/api/audit/v1/verify')).body as {
      ok: boolean;
      size: number;
      failure?: { code: string; entry: string; seq?: number; headSize?: number };
    };
  const exportTo = async (name: string): Promise<string> => {
    const r = await get(`/api/audit/v1/export?fromSeq=0&toSeq=${N - 1}`);
    expect(r.status).toBe(200);
    const file = join(tb.dir, name);
    writeFileSync(file, JSON.stringify(r.body));
    return file;
  };
  const exec = async (...statements: SQL[]) => {
    await db.db.transaction(async (tx) => {
      for (const s of statements) await tx.execute(s);
    });
  };

  /**
   * Applies `tamper`, checks that the service's verify and an export taken now both fail naming
   * `named`, then undoes it and checks the log verifies again (so each case starts from a clean log).
   */
  async function detects(
    name: string,
    tamper: SQL[],
    undo: SQL[],
    named: { verify: { code: string; entry: string }; offline: { code: string; entry: string } },
  ) {
    await exec(...tamper);
    try {
      const v = await verify();
      expect(v.ok).toBe(false);
      expect(v.failure).toMatchObject(named.verify);

      const offline = await verifyOffline(await exportTo(`after-${name}.json`), '--trust', trustFile, '--no-witnesses');
      expect(offline.code, offline.out).toBe(1);
      // the entry that differs, and only it
      expect(offline.out.match(/^✗ /gm), offline.out).toHaveLength(1);
      expect(offline.out).toContain(`✗ ${named.offline.entry}: `);
      expect(offline.out).toContain(`[${named.offline.code}]`);
      expect(offline.out).toContain(`first: ${named.offline.entry}`);
    } finally {
      await exec(...undo);
    }
    expect(await verify()).toMatchObject({ ok: true, size: N });
  }

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    db = deps.db;
    running = await tb.started(startAudit(deps, { headEvery: 1 }));
    const pub = new AuditPublisher(deps.nc, 'sh');
    await pub.ensure();
    for (let i = 0; i < N; i++) {
      await pub.publish(
        auditEvent({
          eventId: `ev-${i}`,
          province: 'sh',
          kind: 'exchange.query.served',
          requestId: `req-${i}`,
          resourceId: 'zj.330000-SCJG-0001',
          actorUser: 'sh-requester',
          actorAgency: '91310000MA1FL0000X',
          requesterProvince: 'sh',
          providerProvince: 'zj',
          outcome: 'allow',
          payloadHash: 'a'.repeat(64),
          items: ['company_name', 'status'],
          occurredAt: new Date(Date.UTC(2025, 0, 1, 8, 0, i)),
        }),
      );
    }
    for (let t = 0; t < 200 && (await verify()).size < N; t++) await new Promise((r) => setTimeout(r, 50));
    expect(await verify()).toMatchObject({ ok: true, size: N });
    // the region's trust list, as a province node reads it (YRD_TRUST_LIST_FILE)
    trustFile = join(tb.dir, 'trust.json');
    writeFileSync(trustFile, JSON.stringify(tb.trust));
    jwkFile = join(tb.dir, 'sh.jwk');
    writeFileSync(jwkFile, JSON.stringify(tb.trust.sh));
    goodExport = await exportTo('before.json');
  });

  afterAll(() => tb?.close());

  it('a good export verifies offline (exit 0) with --no-witnesses, with the trust list or, with a warning, its own key', async () => {
    const trusted = await verifyOffline(goodExport, '--trust', trustFile, '--no-witnesses');
    expect(trusted.code, trusted.out).toBe(0);
    expect(trusted.out).toContain(`province sh, seq 0..${N - 1}, ${N} records`);
    expect(trusted.out).toMatch(/通过 OK: head size 40, root [0-9a-f]{64}/);
    expect(trusted.out).not.toContain('WARNING');

    const selfKeyed = await verifyOffline(goodExport, '--no-witnesses');
    expect(selfKeyed.code).toBe(0);
    expect(selfKeyed.out).toMatch(/WARNING: .*proves nothing by itself/);

    // the key in the export is the province's key as the trust list has it
    const doc = JSON.parse(readFileSync(goodExport, 'utf8')) as AuditExport;
    expect(doc.keys).toEqual([{ kid: 'sh-1', jwk: tb.trust.sh }]);
    expect(doc.format).toBe('yrd-audit-export/2');
  });

  it('a province alone, whose heads no witness co-signed, does not pass with the trust list (exit 1)', async () => {
    // `--key` is the earlier name of `--trust`; the map of one JWK per province is read with a quorum of 2
    const r = await verifyOffline(goodExport, '--key', trustFile);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('✗ head size 40: ');
    expect(r.out).toContain('co-signed by 0 other provinces, 2 needed');
    expect(r.out).toContain('[AUDIT.COSIGNATURES_MISSING]');
    // nor with its own key, or one JWK, without --no-witnesses: the co-signatures cannot be checked
    for (const args of [[], ['--trust', jwkFile]]) {
      const unchecked = await verifyOffline(goodExport, ...args);
      expect(unchecked.code, unchecked.out).toBe(1);
      expect(unchecked.out).toContain('co-signatures cannot be checked without the regional trust list');
    }
  });

  it('a file the verifier cannot read or use is exit 2', async () => {
    expect((await verifyOffline(join(tb.dir, 'no-such-export.json'))).code).toBe(2);
    const notJson = join(tb.dir, 'not.json');
    writeFileSync(notJson, '{"format": ');
    expect((await verifyOffline(notJson)).code).toBe(2);
    const wrongKey = join(tb.dir, 'wrong-key.json');
    writeFileSync(wrongKey, JSON.stringify({ zj: tb.trust.zj }));
    const r = await verifyOffline(goodExport, '--trust', wrongKey);
    expect(r.code).toBe(2);
    expect(r.out).toContain('neither a JWK nor a trust list');
    expect((await verifyOffline()).code).toBe(2);
    expect((await verifyOffline(goodExport, '--trust')).code).toBe(2);
    expect((await verifyOffline(goodExport, '--witnesses')).code).toBe(2);
  });

  it("(a) a record's field changed", async () => {
    const [row] = await db.rows<{ fields: unknown }>(sql`select fields from audit.records where seq = 17`);
    await detects(
      'changed',
      [sql`update audit.records set fields = jsonb_set(fields, '{outcome}', '"deny"') where seq = 17`],
      [sql`update audit.records set fields = ${JSON.stringify(row!.fields)}::jsonb where seq = 17`],
      {
        verify: { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
        offline: { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
      },
    );
  });

  it("(a') a record's field changed together with its stored leaf hash", async () => {
    const [row] = await db.rows<{ fields: Record<string, unknown>; leaf_hash: string }>(
      sql`select fields, leaf_hash from audit.records where seq = 17`,
    );
    const forged = { ...row!.fields, outcome: 'deny' } as unknown as AuditRecordFields;
    await detects(
      'rehashed',
      [
        sql`update audit.records set fields = ${JSON.stringify(forged)}::jsonb,
          leaf_hash = ${recordLeaf(forged).toString('hex')} where seq = 17`,
      ],
      [
        sql`update audit.records set fields = ${JSON.stringify(row!.fields)}::jsonb, leaf_hash = ${row!.leaf_hash}
          where seq = 17`,
      ],
      {
        // the tree the heads commit to still holds the original leaf: that record alone is named
        verify: { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
        // the export's proof names the leaf the log's tree holds: the record no longer hashes to it
        offline: { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
      },
    );
  });

  it('(b) a record deleted', async () => {
    const [row] = await db.rows<Record<string, unknown>>(sql`select * from audit.records where seq = 18`);
    const cols = Object.keys(row!);
    await detects(
      'deleted',
      [sql`delete from audit.records where seq = 18`],
      [
        sql`insert into audit.records (${sql.raw(cols.join(', '))})
          select * from jsonb_populate_record(null::audit.records, ${JSON.stringify(row)}::jsonb)`,
      ],
      {
        verify: { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 18' },
        offline: { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 18' },
      },
    );
  });

  it("(c) two records' seq swapped (reordered)", async () => {
    // three steps: the primary key is checked row by row
    const swap = [
      sql`update audit.records set seq = 1000000 where seq = 20`,
      sql`update audit.records set seq = 20 where seq = 21`,
      sql`update audit.records set seq = 21 where seq = 1000000`,
    ];
    await detects('reordered', swap, swap, {
      verify: { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 20/21' },
      offline: { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 20/21' },
    });
  });

  describe('(d) a head forged', () => {
    let original: { doc: unknown; signature: string; root_hash: string };
    const restore = () => [
      sql`update audit.tree_heads set doc = ${JSON.stringify(original.doc)}::jsonb, signature = ${original.signature},
        root_hash = ${original.root_hash} where size = 32`,
    ];
    const named = {
      verify: { code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 32' },
      offline: { code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 32' },
    };

    beforeAll(async () => {
      [original] = (await db.rows(sql`select doc, signature, root_hash from audit.tree_heads where size = 32`)) as [
        typeof original,
      ];
    });

    it('with a signature taken from another head', async () => {
      await detects(
        'head-signature',
        [
          sql`update audit.tree_heads h set signature = o.signature, doc = jsonb_set(h.doc, '{signature}', to_jsonb(o.signature))
            from audit.tree_heads o where h.size = 32 and o.size = 31`,
        ],
        restore(),
        named,
      );
    });

    it('with another root', async () => {
      await detects(
        'head-root',
        [
          sql`update audit.tree_heads h set root_hash = o.root_hash, doc = jsonb_set(h.doc, '{rootHash}', to_jsonb(o.root_hash))
            from audit.tree_heads o where h.size = 32 and o.size = 31`,
        ],
        restore(),
        named,
      );
    });
  });

  it('an export edited by hand after it was taken fails offline, naming the entry', async () => {
    const doc = JSON.parse(readFileSync(goodExport, 'utf8')) as AuditExport;
    doc.records[17]!.fields.outcome = 'deny';
    doc.records.splice(25, 1);
    const file = join(tb.dir, 'hand-edited.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await verifyOffline(file, '--trust', trustFile, '--no-witnesses');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ seq 17: 叶哈希与记录字段不符（记录被篡改） leaf hash does not match its fields (record altered)',
    );
    expect(r.out).toMatch(/✗ seq 25: .*missing/);
    expect(r.out).toContain('first: seq 17');
  });
});
