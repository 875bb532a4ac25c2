import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  signToken,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { silentLogger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type RunningNats, startNatsServer } from '@yrd/nats';
import { auditV1, call, insecureClient } from '@yrd/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';

const key = loadProvinceKey('sh', generateProvinceKey('sh').privateJwk);
const verifier = new TokenVerifier({ sh: key.publicKey.export({ format: 'jwk' }) } as TrustList);

const person = (roles: Principal['roles']): Principal => ({
  sub: `sh-${roles.join('-')}`,
  name: 'x',
  province: 'sh',
  agency: '',
  roles,
  kind: 'government',
});

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
  let dir: string;
  let nats: RunningNats;
  let nc: NatsConnection;
  let db: DatabaseHandle;
  let running: RunningAudit;
  let auditor: string;
  let requester: string;

  const get = async (path: string, token = auditor) => {
    const res = await fetch(`${running.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-audit-'));
    nats = await startNatsServer({ dir });
    nc = await connectProvince({
      servers: nats.url,
      credentials: nats.credentials.sh,
      name: 'test/sh-audit',
      logger: silentLogger(),
    });
    db = await openDatabase();
    running = await startAudit(
      {
        province: 'sh',
        logger: silentLogger(),
        db,
        nc,
        verifier,
        key,
        grpcAddress: { catalog: '127.0.0.1:1', consent: '127.0.0.1:1', exchange: '127.0.0.1:1', audit: '127.0.0.1:1' },
        ports: { http: 0, grpc: 0 },
        clock: () => new Date(),
      },
      { headEvery: 1 },
    );
    auditor = await signToken(key, person(['auditor']), { audience: audiences.user, ttlSeconds: 600 });
    requester = await signToken(key, person(['requester']), { audience: audiences.user, ttlSeconds: 600 });
  });

  afterAll(async () => {
    await running?.stop();
    await nc?.drain();
    await db?.close();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

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
