/**
 * Verifying the log as a job over HTTP, on a real audit service (PGlite, nats-server): POST starts one
 * (or returns the one running), GET /verify/{id} follows it, GET /verify waits for a pass from now;
 * appends go on while a job runs, and the background pass after start finds an edit by itself.
 */
import { auditEvent } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, sql } from '@yrd/db';
import type { auditV1 } from '@yrd/proto';
import { metricsRegistry } from '@yrd/telemetry';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyJobView } from './app/verify-job.js';
import { type RunningAudit, startAudit } from './index.js';

const auditor: Principal = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
const requester: Principal = aPrincipal({ province: 'sh', sub: 'sh-requester', roles: ['requester'] });

const event = (i: number): auditV1.AuditEvent =>
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
    occurredAt: new Date(Date.UTC(2025, 0, 1, 8, 0, 0) + i * 1000),
  });

async function appendRange(running: RunningAudit, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 200) {
    await running.log.appendMany(Array.from({ length: Math.min(200, to - i) }, (_, k) => event(i + k)));
  }
}

const N = 3_000;

describe('verifying the audit log as a job, over HTTP', () => {
  let tb: Testbed;
  let db: DatabaseHandle;
  let running: RunningAudit;
  const call = (method: 'GET' | 'POST', path: string, who = auditor) => tb.http(running.httpUrl, who, method, path);

  async function untilDone(location: string): Promise<VerifyJobView> {
    for (let t = 0; t < 400; t++) {
      const r = await call('GET', location);
      expect(r.status).toBe(200);
      const job = r.body as unknown as VerifyJobView;
      if (job.state === 'finished' || job.state === 'failed') return job;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`${location} did not finish`);
  }

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    db = deps.db;
    // no background pass here: each test starts its own
    running = await tb.started(startAudit(deps, { verifyEveryMs: 0 }));
    await appendRange(running, 0, N);
    // a head over the whole log now, not at the next tick of the head timer (heads come every 1,024
    // entries or every second): the first test compares the job's root with it
    await running.log.signHead();
  }, 120_000);

  afterAll(() => tb?.close());

  it('POST starts a job (202, Location), asking again returns the running one, GET follows it to its verdict', async () => {
    const first = await call('POST', '/api/audit/v1/verify');
    expect(first.status).toBe(202);
    const job = first.body as unknown as VerifyJobView;
    expect(job).toMatchObject({ state: 'running', checked: 0 });
    const location = first.headers.get('location');
    expect(location).toBe(`/api/audit/v1/verify/${job.id}`);
    const again = await call('POST', '/api/audit/v1/verify');
    expect((again.body as unknown as VerifyJobView).id).toBe(job.id);

    const done = await untilDone(location!);
    expect(done).toMatchObject({ state: 'finished', size: N, checked: N, result: { ok: true, size: N } });
    expect(done.result?.root).toBe((await running.log.latestHead()).rootHash);
  });

  it('keeps appending while a job runs; the job checks the size it started at, the next one the rest', async () => {
    const job = (await call('POST', '/api/audit/v1/verify')).body as unknown as VerifyJobView;
    await appendRange(running, N, N + 400);
    const done = await untilDone(`/api/audit/v1/verify/${job.id}`);
    expect(done.result).toMatchObject({ ok: true, size: done.size });
    expect(done.size).toBeLessThan(N + 400);
    const now = await call('GET', '/api/audit/v1/verify');
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ ok: true, size: N + 400 });
  });

  it('GET /verify answers from a pass that starts after the request, so an edit is never hidden', async () => {
    await db.db.execute(
      sql`update audit.records set fields = jsonb_set(fields, '{outcome}', '"deny"') where seq = 1234`,
    );
    try {
      const r = await call('GET', '/api/audit/v1/verify');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        ok: false,
        size: 1234,
        failure: { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 1234' },
        jobId: expect.any(String),
      });
    } finally {
      await db.db.execute(
        sql`update audit.records set fields = jsonb_set(fields, '{outcome}', '"allow"') where seq = 1234`,
      );
    }
    expect((await call('GET', '/api/audit/v1/verify')).body).toMatchObject({ ok: true });
  });

  it('GET /verify?wait=0 answers 202 with the job when the pass has not finished', async () => {
    const r = await call('GET', '/api/audit/v1/verify?wait=0');
    expect(r.status).toBe(202);
    const job = r.body as unknown as VerifyJobView;
    expect(job.state).toMatch(/queued|running/);
    expect(r.headers.get('location')).toBe(`/api/audit/v1/verify/${job.id}`);
    expect((await untilDone(r.headers.get('location')!)).result?.ok).toBe(true);
  });

  it('refuses callers without the role, unknown jobs and bad waits with a stable code', async () => {
    for (const [method, path] of [
      ['POST', '/api/audit/v1/verify'],
      ['GET', '/api/audit/v1/verify'],
      ['GET', '/api/audit/v1/verify/some-job'],
    ] as const) {
      const r = await call(method, path, requester);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'AUTH.ROLE_REQUIRED' });
    }
    const unknown = await call('GET', '/api/audit/v1/verify/no-such-job');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'AUDIT.VERIFY_JOB_NOT_FOUND' });
    for (const wait of ['61', '-1', 'soon']) {
      const bad = await call('GET', `/api/audit/v1/verify?wait=${wait}`);
      expect(bad.status, wait).toBe(400);
    }
  });
});

describe('the background verification after start', () => {
  let tb: Testbed;

  afterAll(() => tb?.close());

  it('runs by itself shortly after the start and reports what it finds', async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    // a log with a deleted record, before the service starts
    const first = await tb.started(startAudit(deps, { verifyEveryMs: 0 }));
    await appendRange(first, 0, 300);
    await first.stop();
    await deps.db.db.execute(sql`delete from audit.records where seq = 77`);

    // a restart is a new process: its metrics start afresh in a registry of their own
    const restarted = { ...deps, metrics: metricsRegistry({ province: 'sh' }) };
    const running = await tb.started(startAudit(restarted, { verifyEveryMs: 3_600_000, verifyFirstAfterMs: 50 }));
    let job: VerifyJobView | undefined;
    for (let t = 0; t < 200 && !job; t++) {
      job = running.log.verification.latestFinished();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(job?.result?.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 77' });
  }, 60_000);
});
