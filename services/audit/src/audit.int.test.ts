import { createPublicKey } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, sql } from '@yrd/db';
import type { NatsConnection } from '@yrd/nats';
import { auditV1, call, insecureClient } from '@yrd/proto';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditExport,
  checkExport,
  type SignedTreeHead,
  verifyConsistency,
  verifyInclusion,
} from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const person = (roles: Principal['roles']) => aPrincipal({ province: 'sh', sub: `sh-${roles.join('-')}`, roles });

const event = (i: number, over: Partial<auditV1.AuditEvent> = {}): auditV1.AuditEvent => ({
  eventId: `ev-${i}`,
  province: 'sh',
  kind: 'exchange.query.served',
  requestId: `req-${i}`,
  resourceId: 'zj.330000-SCJG-0001',
  actorUser: 'sh-requester',
  actorAgency: '91310000MA1FL0000X',
  requesterProvince: 'sh',
  providerProvince: 'zj',
  outcome: 'ok',
  code: '',
  payloadHash: 'a'.repeat(64),
  subjectRef: '',
  grantId: `grant-${i}`,
  consentId: '',
  occurredAt: new Date(Date.UTC(2025, 0, 1, 8, 0, i)).toISOString(),
  subjectRefKeyId: '',
  items: ['name', 'status'],
  ...over,
});

describe('audit service on a real nats-server and PGlite', () => {
  let tb: Testbed;
  let nc: NatsConnection;
  let db: DatabaseHandle;
  let running: RunningAudit;
  const auditor = person(['auditor']);
  const requester = person(['requester']);

  const get = (path: string, who = auditor) => tb.http(running.httpUrl, who, 'GET', path);

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    ({ nc, db } = deps);
    running = await tb.started(startAudit(deps, { headEvery: 1 }));
  });

  afterAll(() => tb?.close());

  it('ingests published events exactly once, proves inclusion, and detects tampering', async () => {
    const pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
    for (let i = 0; i < 5; i++) await pub.publish(event(i));
    await pub.publish(event(3)); // a retry with the same event id

    let verdict: Record<string, unknown> = {};
    for (let t = 0; t < 100; t++) {
      verdict = (await get('/api/audit/v1/verify')).body;
      if (verdict.ok === true && verdict.size === 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(verdict).toMatchObject({ ok: true, size: 5 });

    const traced = await get('/api/audit/v1/records?requestId=req-3');
    expect(traced.status).toBe(200);
    const body = traced.body as {
      records: {
        seq: number;
        eventId: string;
        leafHash: string;
        proof: { treeSize: number; rootHash: string; path: string[] };
      }[];
      head: { size: number; rootHash: string; signature: string };
    };
    expect(body.records).toHaveLength(1);
    const rec = body.records[0]!;
    expect(rec.eventId).toBe('ev-3');
    expect(rec.proof.treeSize).toBe(5);
    expect(body.head.size).toBe(5);
    expect(rec.proof.rootHash).toBe(body.head.rootHash);
    expect(
      verifyInclusion(
        Buffer.from(rec.leafHash, 'hex'),
        rec.seq,
        rec.proof.treeSize,
        rec.proof.path.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(rec.proof.rootHash, 'hex'),
      ),
    ).toBe(true);

    const latest = await get('/api/audit/v1/heads/latest');
    expect(latest.body).toMatchObject({ size: 5, province: 'sh', alg: 'Ed25519' });

    expect((await get('/api/audit/v1/verify', requester)).status).toBe(403);
    const denied = await get('/api/audit/v1/records?requestId=req-3', requester);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('AUTH.ROLE_REQUIRED');

    await db.db.execute(sql`update audit.records set fields = jsonb_set(fields, '{outcome}', '"deny"') where seq = 2`);
    const after = (await get('/api/audit/v1/verify')).body as { ok: boolean; failure?: { seq?: number; code: string } };
    expect(after.ok).toBe(false);
    expect(after.failure?.seq).toBe(2);
    expect(after.failure?.code).toBe('AUDIT.RECORD_ALTERED');

    const client = insecureClient(auditV1.AuditServiceClient, `127.0.0.1:${running.grpcPort}`);
    const viaGrpc = await call(
      client,
      client.verify,
      {},
      { unavailableCode: 'AUDIT.UNAVAILABLE', name: 'audit.Verify' },
    );
    client.close();
    expect(viaGrpc.ok).toBe(false);
    expect(viaGrpc.size).toBe(2);
    expect(viaGrpc.failure).toContain('seq 2');
  });

  it('appends a batch in order in one go: duplicates (in the log or in the batch) write nothing, an event without id is refused alone', async () => {
    const before = running.log.size;
    const results = await running.log.appendMany([
      event(100),
      event(3), // already in the log
      event(101),
      event(100), // earlier in this batch
      { ...event(102), eventId: '' },
    ]);
    expect(results).toEqual([
      { seq: before, duplicate: false },
      { seq: 3, duplicate: true },
      { seq: before + 1, duplicate: false },
      { seq: before, duplicate: true },
      { invalid: 'audit event without event_id' },
    ]);
    expect(running.log.size).toBe(before + 2);
    const traced = (await get('/api/audit/v1/records?requestId=req-100')).body as { records: { seq: number }[] };
    expect(traced.records.map((r) => r.seq)).toEqual([before]);
  });
});

describe('the auditor API: trace filters, consistency proofs, export', () => {
  let tb: Testbed;
  let running: RunningAudit;
  const auditor = person(['auditor']);
  const N = 40;
  // two data subjects, as the hashed references events carry
  const alice = 'a1'.repeat(32);
  const bob = 'b2'.repeat(32);
  const get = (path: string, who = auditor) => tb.http(running.httpUrl, who, 'GET', path);
  const hex = (s: string) => Buffer.from(s, 'hex');

  type Traced = { seq: number; leafHash: string; subjectRef: string; proof: { treeSize: number; path: string[] } };
  type Page = { records: Traced[]; head: SignedTreeHead; next?: number };

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    // heads only every 4 entries: the 1 s timer would sign one wherever a slow ingestion happens to be
    running = await tb.started(startAudit(deps, { headEvery: 4, headIntervalMs: 3_600_000 }));
    const pub = new AuditPublisher(deps.nc, 'sh');
    await pub.ensure();
    for (let i = 0; i < N; i++) {
      await pub.publish(
        event(i, {
          subjectRef: i % 5 === 0 ? alice : i % 5 === 1 ? bob : '',
          // seq 12 states its time in Beijing time: 16:00:12+08:00 is 08:00:12Z
          occurredAt: i === 12 ? '2025-01-01T16:00:12+08:00' : new Date(Date.UTC(2025, 0, 1, 8, 0, i)).toISOString(),
        }),
      );
    }
    for (let t = 0; t < 200; t++) {
      if ((await get('/api/audit/v1/verify')).body.size === N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(() => tb?.close());

  it('traces by data subject and by time range, each record with an inclusion proof', async () => {
    const bySubject = await get(`/api/audit/v1/records?subjectRef=${alice}`);
    expect(bySubject.status).toBe(200);
    const page = bySubject.body as Page;
    expect(page.records.map((r) => r.seq)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    for (const r of page.records) {
      expect(r.subjectRef).toBe(alice);
      expect(
        verifyInclusion(hex(r.leafHash), r.seq, r.proof.treeSize, r.proof.path.map(hex), hex(page.head.rootHash)),
      ).toBe(true);
    }

    // from inclusive, to exclusive, compared as instants (seq 12 is written with +08:00)
    const window = (await get('/api/audit/v1/records?from=2025-01-01T08:00:10Z&to=2025-01-01T16:00:15%2B08:00'))
      .body as Page;
    expect(window.records.map((r) => r.seq)).toEqual([10, 11, 12, 13, 14]);
    const both = (await get(`/api/audit/v1/records?subjectRef=${bob}&from=2025-01-01T08:00:10Z`)).body as Page;
    expect(both.records.map((r) => r.seq)).toEqual([11, 16, 21, 26, 31, 36]);
  });

  it('pages with limit and after, and refuses bad filters with stable codes', async () => {
    const seen: number[] = [];
    let after: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await get(`/api/audit/v1/records?limit=15${after === undefined ? '' : `&after=${after}`}`))
        .body as Page;
      seen.push(...page.records.map((r) => r.seq));
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));

    const idNumber = await get('/api/audit/v1/records?subjectRef=11010519491231002X');
    expect(idNumber.status).toBe(400);
    expect(idNumber.body.code).toBe('REQUEST.INVALID');
    expect(idNumber.body.detail).not.toContain('11010519491231002X');
    const reversed = await get('/api/audit/v1/records?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z');
    expect(reversed.status).toBe(400);
    expect(reversed.body.code).toBe('AUDIT.RANGE_INVALID');
    expect((await get('/api/audit/v1/records?limit=501')).status).toBe(400);
    expect((await get('/api/audit/v1/records?from=yesterday')).status).toBe(400);
    // tracing is the auditor's alone
    const admin = await get('/api/audit/v1/records', person(['admin']));
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('AUTH.ROLE_REQUIRED');
  });

  it('proves consistency between two signed heads, and refuses sizes no head has', async () => {
    const r = await get('/api/audit/v1/consistency?from=8&to=20');
    expect(r.status).toBe(200);
    const c = r.body as { from: SignedTreeHead; to: SignedTreeHead; proof: string[] };
    expect([c.from.size, c.to.size]).toEqual([8, 20]);
    expect(verifyConsistency(8, 20, hex(c.from.rootHash), hex(c.to.rootHash), c.proof.map(hex))).toBe(true);

    const toLatest = (await get('/api/audit/v1/consistency?from=12')).body as typeof c;
    expect(toLatest.to.size).toBe(N);
    expect(
      verifyConsistency(12, N, hex(toLatest.from.rootHash), hex(toLatest.to.rootHash), toLatest.proof.map(hex)),
    ).toBe(true);
    // the empty tree is a prefix of everything; no head of it was signed here
    const fromEmpty = await get('/api/audit/v1/consistency?from=0&to=4');
    expect(fromEmpty.status).toBe(200);
    expect(fromEmpty.body).toMatchObject({ to: { size: 4 }, proof: [] });
    expect(fromEmpty.body.from).toBeUndefined();

    for (const q of ['from=5&to=8', 'from=4&to=41', 'from=4&to=7', 'from=44']) {
      const refused = await get(`/api/audit/v1/consistency?${q}`);
      expect(refused.status, q).toBe(404);
      expect(refused.body.code).toBe('AUDIT.HEAD_NOT_FOUND');
    }
    const backwards = await get('/api/audit/v1/consistency?from=20&to=8');
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('AUDIT.RANGE_INVALID');
    expect((await get('/api/audit/v1/consistency')).status).toBe(400);
  });

  it('exports a range with the heads that commit to it and the proofs, checkable offline', async () => {
    const r = await get('/api/audit/v1/export?fromSeq=5&toSeq=14');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="audit-sh-5-14.json"');
    const doc = r.body as AuditExport;
    expect(doc).toMatchObject({ format: 'yrd-audit-export/2', province: 'sh', range: { fromSeq: 5, toSeq: 14 } });
    expect(doc.keys).toEqual([{ kid: tb.trust.sh.kid, jwk: tb.trust.sh }]);
    expect(doc.records.map((x) => x.seq)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // the head before the range, those within it, the first covering its end, the latest
    expect(doc.heads.map((h) => h.size)).toEqual([4, 8, 12, 16, N]);
    expect(JSON.stringify(doc)).not.toContain('"payload"');
    const check = checkExport(doc, createPublicKey({ key: tb.trust.sh, format: 'jwk' }));
    expect(check.failures).toEqual([]);
    expect(check.ok).toBe(true);

    const whole = (await get('/api/audit/v1/export')).body as AuditExport;
    expect(whole.range).toEqual({ fromSeq: 0, toSeq: N - 1 });

    const cases: [string, number, string][] = [
      ['fromSeq=10&toSeq=5', 400, 'AUDIT.RANGE_INVALID'],
      [`fromSeq=0&toSeq=${N}`, 400, 'AUDIT.RANGE_BEYOND_LOG'],
      ['fromSeq=-1', 400, 'REQUEST.INVALID'],
    ];
    for (const [q, status, code] of cases) {
      const refused = await get(`/api/audit/v1/export?${q}`);
      expect(refused.status, q).toBe(status);
      expect(refused.body.code, q).toBe(code);
    }
    expect((await get('/api/audit/v1/export', person(['requester']))).status).toBe(403);
  });
});
