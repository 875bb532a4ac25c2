/**
 * A province whose audit log cannot append fails closed, on a real nats-server with real audit and
 * exchange services and PGlite: under a steady stream of exchanges from 上海 (requester) to 浙江
 * (provider), a row deleted, a leaf hash updated, log_state corrupted or the database failing turns
 * the log failed with its code; /healthz answers 503 AUDIT.LOG_FAILED, /metrics shows it, the exchange
 * answers 503 EXCHANGE.AUDIT_UNAVAILABLE on the side whose log failed, and no event is acknowledged
 * that is not in the log. A repair and a restart (or, for a passing failure, the database back) ends it.
 */
import { AUDIT_CONSUMER, AuditPublisher, type RunningAudit, startAudit } from '@yrd/audit';
import { auditEvent } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { type RunningExchange, startExchange } from '@yrd/exchange';
import { auditStream, jetstreamManager, type NatsConnection, request, subjects } from '@yrd/nats';
import { checkHealth, consentV1, startGrpcServer, unary } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { aPrincipal, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const resourceId = 'zj.330000-SCJG-00001';
const creditCode = '91330106MA2H7K3L1X';
const requester: Principal = aPrincipal({ province: 'sh', sub: 'sh-user-1' });

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 15_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('a province whose audit log cannot append fails closed', () => {
  let tb: Testbed;
  const db: Partial<Record<Province, DatabaseHandle>> = {};
  const nc: Partial<Record<Province, NatsConnection>> = {};
  const audit: Partial<Record<Province, RunningAudit>> = {};
  let shExchange: RunningExchange;
  let consentPort = 0;
  /** the statuses the steady stream of exchanges got, in order */
  const statuses: { status: number; code?: string }[] = [];
  let loading = true;
  let load: Promise<void>;
  let n = 0;

  const startAuditOf = async (p: Province) => {
    audit[p] = await startAudit(await tb.deps(p, { db: db[p] as DatabaseHandle }), {
      headEvery: 8,
      headIntervalMs: 200,
      stateBeatMs: 200,
      retry: { firstMs: 200, maxMs: 1000 },
      verifyEveryMs: 0,
    });
  };
  const restartAudit = async (p: Province) => {
    await audit[p]?.stop();
    await startAuditOf(p);
  };
  const query = async (id: string) =>
    tb.http(
      shExchange.httpUrl,
      requester,
      'POST',
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': id },
    );
  const healthz = async (p: Province) => {
    const res = await fetch(`${audit[p]?.httpUrl}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const metrics = async (p: Province) => (await fetch(`${audit[p]?.adminUrl}/metrics`)).text();
  const failedGauge = (p: Province, code: string) =>
    new RegExp(`yrd_audit_log_failed\\{(?=[^}]*code="${code}")(?=[^}]*province="${p}")[^}]*\\} 1`);
  /** waits for the next exchanges of the steady stream to be answered with `status` */
  const streamAnswers = (status: number, code?: string) => {
    const from = statuses.length;
    return until(
      async () => {
        const seen = statuses.slice(from);
        return seen.length >= 3 && seen.slice(-3).every((s) => s.status === status && (!code || s.code === code))
          ? true
          : undefined;
      },
      `the stream of exchanges to answer ${status} ${code ?? ''}`,
      // on 2 cores shared with the other test files one exchange can take seconds
      45_000,
    );
  };
  const recordsIn = async (p: Province) =>
    new Set(
      (await (db[p] as DatabaseHandle).rows<{ event_id: string }>(sql`select event_id from audit.records`)).map(
        (r) => r.event_id,
      ),
    );
  /** Every event the consumer acknowledged (up to its ack floor) is in the log, but those `taken` out by hand. */
  const noEventAckedOutsideTheLog = async (p: Province, taken: ReadonlySet<string> = new Set()) => {
    const jsm = await jetstreamManager(nc[p] as NatsConnection);
    const floor = (await jsm.consumers.info(auditStream(p), AUDIT_CONSUMER)).ack_floor.stream_seq;
    const inLog = await recordsIn(p);
    const { events } = await auditEventsIn(nc[p] as NatsConnection, p);
    const acked = events.slice(0, floor).filter((e) => !taken.has(e.eventId));
    expect(acked.filter((e) => !inLog.has(e.eventId)).map((e) => e.eventId)).toEqual([]);
    return { floor, published: events.length };
  };
  /** After the repair: every event published is in the log, none lost. */
  const everyEventInTheLog = (p: Province) =>
    until(
      async () => {
        const inLog = await recordsIn(p);
        const { events } = await auditEventsIn(nc[p] as NatsConnection, p);
        const missing = events.filter((e) => !inLog.has(e.eventId));
        return missing.length === 0 ? true : undefined;
      },
      `every event of ${p} in its log`,
      // events a stopped service had taken but not answered come back after the consumer’s ack wait (5 s)
      45_000,
      // each look reads the whole stream
      1000,
    );

  beforeAll(async () => {
    tb = await createTestbed();
    const consent = await startGrpcServer(
      (s) => {
        const impl: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) =>
            consentV1.AuthorizeResponse.fromPartial({
              allow: true,
              allowedItems: ['credit_code', 'company_name'],
              masking: [],
              grantId: req.grantId,
            }),
          ),
        };
        s.addService(consentV1.ConsentServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
    );
    consentPort = consent.port;
    tb.defer(() => consent.stop());
    for (const p of ['sh', 'zj'] as const) {
      const handle = await openDatabase();
      db[p] = handle;
      tb.defer(() => handle.close());
      await startAuditOf(p);
      tb.defer(async () => audit[p]?.stop());
    }
    const zjDeps = await tb.deps('zj', {
      db: db.zj as DatabaseHandle,
      grpcAddress: { consent: `127.0.0.1:${consentPort}` },
    });
    const zj = await startExchange(zjDeps, {
      datasets: [
        { resourceId, keyItems: ['credit_code'], records: [{ credit_code: creditCode, company_name: '杭州云栖' }] },
      ],
    });
    tb.defer(() => zj.stop());
    const shDeps = await tb.deps('sh', { db: db.sh as DatabaseHandle });
    nc.sh = shDeps.nc;
    nc.zj = zjDeps.nc;
    shExchange = await startExchange(shDeps, {});
    tb.defer(() => shExchange.stop());
    // the steady stream: one exchange after the other, all along
    load = (async () => {
      while (loading) {
        const r = await query(`load-${n++}`);
        statuses.push({ status: r.status, ...(typeof r.body.code === 'string' ? { code: r.body.code } : {}) });
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    await streamAnswers(200);
  });

  afterAll(async () => {
    loading = false;
    await load;
    await tb?.close();
  });

  it('a record deleted at the tail: 浙江 (provider) goes LOG_INCONSISTENT, refuses to serve, and resumes after repair', async () => {
    const zjDb = db.zj as DatabaseHandle;
    await until(async () => ((audit.zj?.log.size ?? 0) > 10 ? true : undefined), 'a few records at 浙江');
    const [row] = await zjDb.rows<Record<string, unknown>>(
      sql`delete from audit.records where seq = (select max(seq) from audit.records) returning *`,
    );
    expect(row).toBeDefined();

    const state = await until(async () => {
      const s = audit.zj?.log.health.current();
      return s?.status === 'failed' ? s : undefined;
    }, '浙江’s log to fail');
    expect(state).toMatchObject({ code: 'AUDIT.LOG_INCONSISTENT' });
    expect(state.status === 'failed' && state.message).toContain(`seq ${Number(row?.seq)}`);

    const h = await healthz('zj');
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ code: 'AUDIT.LOG_FAILED', status: 503 });
    expect(String(h.body.detail)).toContain('AUDIT.LOG_INCONSISTENT');
    expect(await checkHealth(`127.0.0.1:${audit.zj?.grpcPort}`, 'yrd.audit.v1.AuditService')).toBe('NOT_SERVING');
    expect(await metrics('zj')).toMatch(failedGauge('zj', 'AUDIT.LOG_INCONSISTENT'));
    expect(await metrics('zj')).toMatch(/yrd_audit_append_failures_total\{province="zj"\} [1-9]/);

    // the provider refuses: 上海's requester answers 503 with the code that says why
    await streamAnswers(503, 'EXCHANGE.AUDIT_UNAVAILABLE');
    const refused = await query(`refused-${n++}`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('EXCHANGE.AUDIT_UNAVAILABLE');
    expect(String(refused.body.detail ?? refused.body.message)).toMatch(/审计日志.*audit log of zj cannot append/);
    // the log never reused the missing seq, and nothing was acknowledged that is not in it
    const size = audit.zj?.log.size ?? 0;
    expect(size).toBe(Number(row?.seq) + 1);
    await noEventAckedOutsideTheLog('zj', new Set([String(row?.event_id)]));

    // the operator puts the row back, clears the noted alteration and restarts
    const cols = Object.keys(row as object);
    await zjDb.db.execute(sql`insert into audit.records (${sql.raw(cols.join(', '))})
      select * from jsonb_populate_record(null::audit.records, ${JSON.stringify(row)}::jsonb)`);
    await zjDb.db.execute(sql`delete from audit.alterations`);
    await restartAudit('zj');
    expect(audit.zj?.log.health.current()).toEqual({ status: 'ok' });
    await streamAnswers(200);
    expect((await healthz('zj')).status).toBe(200);
    expect(await checkHealth(`127.0.0.1:${audit.zj?.grpcPort}`)).toBe('SERVING');
    expect(await metrics('zj')).not.toMatch(/yrd_audit_log_failed\{[^}]*\} 1/);
    await everyEventInTheLog('zj');
    expect((await audit.zj?.log.verify())?.ok).toBe(true);
  });

  it('a leaf hash updated in the middle: the database notes it, the log goes LOG_INCONSISTENT at the next append', async () => {
    const zjDb = db.zj as DatabaseHandle;
    const [row] = await zjDb.rows<{ seq: string | number; leaf_hash: string }>(
      sql`select seq, leaf_hash from audit.records where seq = 3`,
    );
    await zjDb.db.execute(sql`update audit.records set leaf_hash = ${'0'.repeat(64)} where seq = 3`);
    const state = await until(async () => {
      const s = audit.zj?.log.health.current();
      return s?.status === 'failed' ? s : undefined;
    }, '浙江’s log to fail');
    expect(state).toMatchObject({ code: 'AUDIT.LOG_INCONSISTENT' });
    expect(state.status === 'failed' && state.message).toContain('update audit.records 3');
    await streamAnswers(503, 'EXCHANGE.AUDIT_UNAVAILABLE');
    expect((await healthz('zj')).status).toBe(503);
    // the log itself still appends (its frontier is intact): the refusals are on record
    await noEventAckedOutsideTheLog('zj');

    await zjDb.db.execute(sql`update audit.records set leaf_hash = ${row?.leaf_hash ?? ''} where seq = 3`);
    await zjDb.db.execute(sql`delete from audit.alterations`);
    await restartAudit('zj');
    await streamAnswers(200);
    await everyEventInTheLog('zj');
  });

  it('log_state corrupted: the compare-and-set finds it moved, appends stop, and a start does not shrink the log', async () => {
    const zjDb = db.zj as DatabaseHandle;
    await zjDb.db.execute(sql`update audit.log_state set size = size - 1`);
    const state = await until(async () => {
      const s = audit.zj?.log.health.current();
      return s?.status === 'failed' ? s : undefined;
    }, '浙江’s log to fail');
    expect(state).toMatchObject({ code: 'AUDIT.LOG_INCONSISTENT' });
    await streamAnswers(503, 'EXCHANGE.AUDIT_UNAVAILABLE');
    const sizeAtFailure = audit.zj?.log.size ?? 0;
    await noEventAckedOutsideTheLog('zj');

    // a restart finds log_state disagreeing with the records: still failed, and the log not one seq smaller
    await restartAudit('zj');
    expect(audit.zj?.log.health.current()).toMatchObject({ status: 'failed', code: 'AUDIT.LOG_INCONSISTENT' });
    expect(audit.zj?.log.size).toBe(sizeAtFailure);
    const before = await zjDb.rows<{ n: string | number }>(sql`select count(*) as n from audit.records`);
    await new Promise((r) => setTimeout(r, 600));
    const after = await zjDb.rows<{ n: string | number }>(sql`select count(*) as n from audit.records`);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
    expect((await healthz('zj')).status).toBe(503);

    await zjDb.db.execute(sql`update audit.log_state set size = size + 1`);
    await restartAudit('zj');
    expect(audit.zj?.log.health.current()).toEqual({ status: 'ok' });
    await streamAnswers(200);
    await everyEventInTheLog('zj');
    expect((await audit.zj?.log.verify())?.ok).toBe(true);
  });

  it('the database failing at 上海 (requester): LOG_APPEND_FAILED, refuses to send, and recovers by itself', async () => {
    const shDb = db.sh as DatabaseHandle;
    await shDb.db.execute(sql`alter table audit.records rename to records_away`);
    try {
      const state = await until(async () => {
        const s = audit.sh?.log.health.current();
        return s?.status === 'failed' ? s : undefined;
      }, '上海’s log to fail');
      expect(state).toMatchObject({ code: 'AUDIT.LOG_APPEND_FAILED' });
      await streamAnswers(503, 'EXCHANGE.AUDIT_UNAVAILABLE');
      const h = await healthz('sh');
      expect(h.status).toBe(503);
      expect(h.body.code).toBe('AUDIT.LOG_FAILED');
      expect(await checkHealth(`127.0.0.1:${audit.sh?.grpcPort}`)).toBe('NOT_SERVING');
      expect(await metrics('sh')).toMatch(failedGauge('sh', 'AUDIT.LOG_APPEND_FAILED'));
      // nor does 上海 take in a subscription's events: 浙江's delivery is refused, and retried later
      await expect(
        request(nc.zj as NatsConnection, subjects.lane('sh', 'zj', 'exchange', 'deliver'), new Uint8Array(), {
          timeoutMs: 3000,
          unavailableCode: 'TEST.SH_UNREACHABLE',
        }),
      ).rejects.toMatchObject({ kind: 'unavailable', code: 'EXCHANGE.AUDIT_UNAVAILABLE' });
    } finally {
      await shDb.db.execute(sql`alter table audit.records_away rename to records`);
    }
    // acknowledged events are all in the log: the ones that failed wait in the stream
    await noEventAckedOutsideTheLog('sh');
    await until(
      async () => (audit.sh?.log.health.current().status === 'ok' ? true : undefined),
      '上海’s log to recover',
    );
    await streamAnswers(200);
    expect((await healthz('sh')).status).toBe(200);
    expect(await checkHealth(`127.0.0.1:${audit.sh?.grpcPort}`)).toBe('SERVING');
    await everyEventInTheLog('sh');
    expect((await audit.sh?.log.verify())?.ok).toBe(true);
  });
});

describe('witnesses raise AUDIT.HEAD_STALLED when a province’s head stops while an exchange with it waits', () => {
  let tb: Testbed;
  let sh: RunningAudit;
  let zj: RunningAudit;
  let zjDb: DatabaseHandle;
  const auditor = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
  const publishers: Partial<Record<Province, AuditPublisher>> = {};
  /** both sides record an allowed exchange: 上海 as requester, 浙江 as provider */
  const exchanged = async (i: number) => {
    const occurredAt = new Date();
    for (const [p, side] of [
      ['sh', 'requested'],
      ['zj', 'served'],
    ] as const) {
      await publishers[p]?.publish(
        auditEvent({
          eventId: `stall-${i}-${p}`,
          province: p,
          kind: `exchange.query.${side}`,
          requestId: `stall-req-${i}`,
          resourceId,
          actorUser: 'sh-user-1',
          actorAgency: '91310000MA1FL0000X',
          requesterProvince: 'sh',
          providerProvince: 'zj',
          outcome: 'allow',
          payloadHash: 'c'.repeat(64),
          grantId: 'g-ok',
          items: ['company_name'],
          occurredAt,
        }),
      );
    }
  };
  const alarms = async () =>
    (await tb.http(sh.httpUrl, auditor, 'GET', '/api/audit/v1/witness')).body.alarms as {
      province: string;
      code: string;
      message: string;
    }[];

  beforeAll(async () => {
    tb = await createTestbed();
    zjDb = await openDatabase();
    tb.defer(() => zjDb.close());
    const opts = { trust: tb.trust, headEvery: 1, headIntervalMs: 100, stallGraceMs: 3000, verifyEveryMs: 0 };
    sh = await tb.started(startAudit(await tb.deps('sh'), opts));
    zj = await tb.started(startAudit(await tb.deps('zj', { db: zjDb }), opts));
    for (const p of ['sh', 'zj'] as const) {
      const pub = new AuditPublisher(await tb.connect(p), p);
      await pub.ensure();
      publishers[p] = pub;
    }
  });
  afterAll(() => tb?.close());

  it('no alarm while the other province’s head grows with the exchanges; one alarm, once, when it stalls', async () => {
    for (let i = 0; i < 3; i++) {
      await exchanged(i);
      await new Promise((r) => setTimeout(r, 200));
    }
    // 上海 saw 浙江's head grow past the exchanges
    await until(async () => {
      const w = (await tb.http(sh.httpUrl, auditor, 'GET', '/api/audit/v1/witness')).body.witnessed as {
        province: string;
        size: number;
      }[];
      return w.some((x) => x.province === 'zj' && x.size === 3) ? true : undefined;
    }, '上海 to witness 浙江 at size 3');
    // longer than the grace: the exchanges are old by now, but 浙江's head grew after them
    await new Promise((r) => setTimeout(r, 3500));
    expect((await alarms()).filter((a) => a.code === 'AUDIT.HEAD_STALLED')).toEqual([]);

    // 浙江's log stops appending (its log_state moved under it); 上海 goes on recording exchanges with it
    await zjDb.db.execute(sql`update audit.log_state set size = size - 1`);
    for (let i = 3; i < 6; i++) {
      await exchanged(i);
      await new Promise((r) => setTimeout(r, 200));
    }
    const stalled = await until(
      async () => (await alarms()).find((a) => a.code === 'AUDIT.HEAD_STALLED' && a.province === 'zj'),
      'a stall alarm about 浙江',
    );
    expect(stalled.message).toContain('zj');
    expect(zj.log.health.current()).toMatchObject({ status: 'failed', code: 'AUDIT.LOG_INCONSISTENT' });
    // once per stall, not every tick (the watch looks every 600 ms)
    await new Promise((r) => setTimeout(r, 2000));
    expect((await alarms()).filter((a) => a.code === 'AUDIT.HEAD_STALLED')).toHaveLength(1);
    expect(await (await fetch(`${sh.adminUrl}/metrics`)).text()).toMatch(/yrd_audit_witness_alarms\{province="sh"\} 1/);
  });
});
