import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, sql } from '@yrd/db';
import type { NatsConnection } from '@yrd/nats';
import { auditV1, call, insecureClient } from '@yrd/proto';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const person = (roles: Principal['roles']) => aPrincipal({ province: 'sh', sub: `sh-${roles.join('-')}`, roles });

const event = (i: number): auditV1.AuditEvent => ({
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
  items: ['name', 'status'],
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
});
