/**
 * No exchange is served without its record (issue 10 §5), checked in the audit services' own logs:
 * every answer with data has exactly one allow record on each side, and every refusal its own
 * record, whatever the retries, refusals and counterparts; request ids are the requesting agency's;
 * a request id held by a process that died is free again once its lease has run out.
 */

import type { RunningAudit } from '@yrd/audit';
import { startAudit } from '@yrd/audit';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { auditStream, jetstreamManager, type NatsConnection } from '@yrd/nats';
import { consentV1, startGrpcServer, unary } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { agencyCode, aPrincipal, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchange, startExchange } from './index.js';

const creditCode = '91330106MA2H7K3L1X';
const resources: Record<'zj' | 'js', string> = { zj: 'zj.330000-SCJG-00001', js: 'js.320000-SCJG-00001' };
const record = { credit_code: creditCode, company_name: '测试云栖科技有限公司', phone: '13800000000' };
const other = { ...record, credit_code: '91330106MA2H7K3L2Y', company_name: '测试别家公司' };
const dataset = (p: 'zj' | 'js') => ({ resourceId: resources[p], keyItems: ['credit_code'], records: [record, other] });

/** two agencies of 上海 and one of 江苏, all requesters */
const shA = aPrincipal({ province: 'sh', sub: 'sh-user-a', agency: agencyCode('sh', 1) });
const shB = aPrincipal({ province: 'sh', sub: 'sh-user-b', agency: agencyCode('sh', 2) });
const jsA = aPrincipal({ province: 'js', sub: 'js-user-a', agency: agencyCode('js', 1) });

/** The consent service the providers ask: g-ok allowed, g-rate1 once a minute, anything else refused. */
async function fakeConsent(tb: Testbed, hold: { next: boolean; release?: () => void; delayMs?: number }) {
  const consent = await startGrpcServer(
    (s) => {
      const impl: consentV1.ConsentServiceServer = {
        authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
          if (hold.next && req.purpose === 'hold') {
            hold.next = false;
            // the call a process was serving when it was killed: it never comes back on its own
            await new Promise<void>((resolve) => {
              hold.release = resolve;
            });
          }
          if (req.purpose === 'slow') await new Promise((r) => setTimeout(r, hold.delayMs ?? 3000));
          if (req.grantId !== 'g-ok' && req.grantId !== 'g-rate1') {
            return consentV1.AuthorizeResponse.fromPartial({
              allow: false,
              denialCode: 'CONSENT.NO_GRANT',
              reasons: [{ ruleId: 'grant.required', code: 'CONSENT.NO_GRANT', message: '无有效授权 no valid grant' }],
            });
          }
          const items = ['credit_code', 'company_name'];
          return consentV1.AuthorizeResponse.fromPartial({
            allow: true,
            allowedItems: items,
            masking: items.map((item) => ({ item, profile: 'none' })),
            grantId: req.grantId,
            ratePerMinute: req.grantId === 'g-rate1' ? 1 : 0,
          });
        }),
      };
      s.addService(consentV1.ConsentServiceService, impl);
    },
    { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
  );
  tb.defer(async () => {
    hold.release?.();
    await consent.stop();
  });
  return `127.0.0.1:${consent.port}`;
}

/** A database a killed process leaves behind: after kill() nothing it sends arrives any more. */
function killable(h: DatabaseHandle): { handle: DatabaseHandle; kill(): void } {
  let dead = false;
  const gone = () => Promise.reject(new Error('the process was killed'));
  const db = new Proxy(h.db, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (dead ? gone() : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return {
    handle: {
      db,
      kind: h.kind,
      rows: (q) => (dead ? gone() : h.rows(q)),
      script: (text, after) => (dead ? gone() : h.script(text, after)),
      close: async () => undefined,
    },
    kill: () => {
      dead = true;
    },
  };
}

type TrailRecord = Awaited<ReturnType<RunningAudit['log']['trace']>>['records'][number];

describe('every answer with data has its own allow record on both sides (audit service logs)', () => {
  let tb: Testbed;
  const exchanges = {} as Record<'sh' | 'zj' | 'js', RunningExchange>;
  const audits = {} as Record<'sh' | 'zj' | 'js', RunningAudit>;
  const watchers = {} as Record<'sh' | 'zj' | 'js', NatsConnection>;
  let zjDb: DatabaseHandle;
  let zjKill: () => Promise<void>;
  let consent: string;
  const hold: { next: boolean; release?: () => void } = { next: false };
  /** 浙江's clock runs ahead by this much (a rate window or a lease passes without waiting) */
  let zjAhead = 0;
  const zjClock = () => new Date(Date.now() + zjAhead);

  const query = (
    as: typeof shA,
    provider: 'zj' | 'js',
    requestId: string,
    o: { grantId?: string; purpose?: string; key?: string } = {},
  ): Promise<Reply> =>
    tb.http(
      exchanges[as.province as 'sh' | 'js'].httpUrl,
      as,
      'POST',
      '/api/exchange/v1/queries',
      {
        resourceId: resources[provider],
        purpose: o.purpose ?? '跨省通办',
        key: { credit_code: o.key ?? creditCode },
        grantId: o.grantId ?? 'g-ok',
      },
      { 'x-request-id': requestId },
    );

  /** The audit service's records of a request, once it has taken in everything published so far. */
  async function trail(p: 'sh' | 'zj' | 'js', requestId: string): Promise<TrailRecord[]> {
    const jsm = await jetstreamManager(watchers[p]);
    for (let i = 0; ; i++) {
      const c = await jsm.consumers.info(auditStream(p), 'audit-log');
      if (c.num_pending === 0 && c.num_ack_pending === 0) break;
      if (i > 200) throw new Error(`${p}'s audit log did not catch up`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return (await audits[p].log.trace({ requestId, limit: 500 })).records;
  }

  /** The requester's and the provider's records of one exchange of `as` with `provider`. */
  async function sides(as: typeof shA, provider: Province, requestId: string) {
    const requester = (await trail(as.province as 'sh' | 'js', requestId)).filter(
      (r) => r.kind.endsWith('.requested') && r.actorAgency === as.agency && r.providerProvince === provider,
    );
    const served = (await trail(provider as 'zj' | 'js', requestId)).filter(
      (r) => r.kind.endsWith('.served') && r.actorAgency === as.agency && r.requesterProvince === as.province,
    );
    return { requester, provider: served };
  }
  const outcomes = (rs: TrailRecord[]) => rs.map((r) => `${r.outcome} ${r.code}`.trim()).sort();

  beforeAll(async () => {
    tb = await createTestbed();
    consent = await fakeConsent(tb, hold);
    // one database per province, shared by its services (as a node does): fewer to start
    const dbs = {} as Record<'sh' | 'zj' | 'js', DatabaseHandle>;
    for (const p of ['sh', 'zj', 'js'] as const) {
      const db = await openDatabase();
      tb.defer(() => db.close());
      dbs[p] = db;
      audits[p] = await tb.started(startAudit(await tb.deps(p, { db })));
      watchers[p] = await tb.connect(p);
    }
    zjDb = dbs.zj;
    const k = killable(dbs.zj);
    const zjDeps = await tb.deps('zj', { db: k.handle, clock: zjClock, grpcAddress: { consent } });
    exchanges.zj = await tb.started(startExchange(zjDeps, { datasets: [dataset('zj')] }));
    // a kill: neither its database nor its broker hears from the process again
    zjKill = async () => {
      k.kill();
      await zjDeps.nc.close();
    };
    exchanges.js = await tb.started(
      startExchange(await tb.deps('js', { db: dbs.js, grpcAddress: { consent } }), { datasets: [dataset('js')] }),
    );
    exchanges.sh = await tb.started(startExchange(await tb.deps('sh', { db: dbs.sh }), { timeoutMs: 3000 }));
  }, 300_000); // six services of three provinces: slow to start on a busy machine

  afterAll(() => tb?.close());

  it('a request refused by the rate limit and served after the window has a deny and an allow on both sides', async () => {
    expect((await query(shA, 'zj', 'rl-1', { grantId: 'g-rate1' })).status).toBe(200);
    const refused = await query(shA, 'zj', 'rl-2', { grantId: 'g-rate1' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('EXCHANGE.RATE_LIMITED');
    zjAhead += 61_000; // the minute has passed at the provider
    const served = await query(shA, 'zj', 'rl-2', { grantId: 'g-rate1' });
    expect(served.status).toBe(200);
    expect(served.body.records).toHaveLength(1);

    const { requester, provider } = await sides(shA, 'zj', 'rl-2');
    expect(outcomes(requester)).toEqual(['allow', 'deny EXCHANGE.RATE_LIMITED']);
    expect(outcomes(provider)).toEqual(['allow', 'deny EXCHANGE.RATE_LIMITED']);
    // both allow records are of the reply given: the same bytes hashed on either side
    const hash = (rs: TrailRecord[]) => rs.find((r) => r.outcome === 'allow')?.payloadHash;
    expect(hash(requester)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(requester)).toBe(hash(provider));
    // and a refusal and an allow never share an event id
    expect(new Set([...requester, ...provider].map((r) => r.eventId)).size).toBe(4);
  });

  it('20 parallel copies of one request: one allow on each side, a deny for every 409', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => query(shA, 'zj', 'par-1')));
    const ok = replies.filter((r) => r.status === 200);
    const busy = replies.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(20);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of busy) expect(r.body.code).toBe('EXCHANGE.REQUEST_IN_PROGRESS');
    // every 200 is the one answer, served once
    for (const r of ok) expect(r.body.records).toEqual(ok[0]?.body.records);

    const { requester, provider } = await sides(shA, 'zj', 'par-1');
    const busyDenials = Array.from({ length: busy.length }, () => 'deny EXCHANGE.REQUEST_IN_PROGRESS');
    expect(outcomes(requester)).toEqual(['allow', ...busyDenials]);
    expect(outcomes(provider)).toEqual(['allow', ...busyDenials]);
  });

  it('one request id with two counterparts, and two requesters at one provider: an allow for each exchange', async () => {
    expect((await query(shA, 'zj', 'multi-1')).status).toBe(200);
    expect((await query(shA, 'js', 'multi-1')).status).toBe(200);
    const verified = await tb.http(
      exchanges.js.httpUrl,
      jsA,
      'POST',
      '/api/exchange/v1/verifications',
      {
        resourceId: resources.zj,
        purpose: '跨省通办',
        key: { credit_code: creditCode },
        claims: { company_name: record.company_name },
        grantId: 'g-ok',
      },
      { 'x-request-id': 'multi-1' },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.results).toEqual({ company_name: true });

    // 上海's log: both of its exchanges
    const sh = (await trail('sh', 'multi-1')).filter((r) => r.outcome === 'allow');
    expect(sh.map((r) => r.providerProvince).sort()).toEqual(['js', 'zj']);
    // 浙江's log: what it served 上海 and what it verified for 江苏
    const zj = (await trail('zj', 'multi-1')).filter((r) => r.outcome === 'allow');
    expect(zj.map((r) => `${r.requesterProvince} ${r.kind}`).sort()).toEqual([
      'js exchange.verify.served',
      'sh exchange.query.served',
    ]);
    // 江苏's log: what it served 上海 and what it asked of 浙江
    const js = (await trail('js', 'multi-1')).filter((r) => r.outcome === 'allow');
    expect(js.map((r) => r.kind).sort()).toEqual(['exchange.query.served', 'exchange.verify.requested']);
  });

  it('a request id is the requesting agency’s: two agencies of one province use the same id apart', async () => {
    const a = await query(shA, 'zj', 'agency-1');
    const b = await query(shB, 'zj', 'agency-1', { key: other.credit_code });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.records[0].company_name).toBe(record.company_name);
    expect(b.body.records[0].company_name).toBe(other.company_name);
    for (const who of [shA, shB]) {
      const { requester, provider } = await sides(who, 'zj', 'agency-1');
      expect(outcomes(requester)).toEqual(['allow']);
      expect(outcomes(provider)).toEqual(['allow']);
    }
    // within one agency the id still means one request
    const reused = await query(shA, 'zj', 'agency-1', { key: other.credit_code });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('EXCHANGE.REQUEST_ID_REUSED');
  });

  it('for any interleaving of retries, refusals and counterparts, each answer with data has one allow each side and each refusal its record', async () => {
    const routes = [
      { as: shA, provider: 'zj' },
      { as: shB, provider: 'zj' },
      { as: shA, provider: 'js' },
      { as: jsA, provider: 'zj' },
    ] as const;
    const step = fc.record({
      route: fc.constantFrom(...routes),
      id: fc.constantFrom('a', 'b'),
      grantId: fc.constantFrom('g-ok', 'g-ok', 'g-none'),
      purpose: fc.constantFrom('p1', 'p2'),
      copies: fc.integer({ min: 1, max: 3 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        run++;
        const seen = new Map<string, { as: typeof shA; provider: Province; requestId: string; replies: Reply[] }>();
        for (const s of steps) {
          const requestId = `prop-${run}-${s.id}`;
          const replies = await Promise.all(
            Array.from({ length: s.copies }, () =>
              s.route.as.province === 'js'
                ? tb.http(
                    exchanges.js.httpUrl,
                    s.route.as,
                    'POST',
                    '/api/exchange/v1/queries',
                    {
                      resourceId: resources.zj,
                      purpose: s.purpose,
                      key: { credit_code: creditCode },
                      grantId: s.grantId,
                    },
                    { 'x-request-id': requestId },
                  )
                : query(s.route.as, s.route.provider, requestId, { grantId: s.grantId, purpose: s.purpose }),
            ),
          );
          const key = `${s.route.as.agency}/${s.route.provider}/${requestId}`;
          const entry = seen.get(key) ?? { as: s.route.as, provider: s.route.provider, requestId, replies: [] };
          entry.replies.push(...replies);
          seen.set(key, entry);
        }
        for (const { as, provider, requestId, replies } of seen.values()) {
          const withData = replies.filter((r) => r.status === 200 && (r.body.records?.length ?? 0) > 0);
          const refused = replies.filter((r) => r.status >= 400);
          expect(withData.length + refused.length).toBe(replies.length);
          const t = await sides(as, provider, requestId);
          const allows = {
            requester: t.requester.filter((r) => r.outcome === 'allow'),
            provider: t.provider.filter((r) => r.outcome === 'allow'),
          };
          expect(allows.requester).toHaveLength(withData.length > 0 ? 1 : 0);
          expect(allows.provider).toHaveLength(withData.length > 0 ? 1 : 0);
          if (withData.length > 0) expect(allows.requester[0]?.payloadHash).toBe(allows.provider[0]?.payloadHash);
          // each refusal is on record on both sides, with its code
          const codes = refused.map((r) => `deny ${r.body.code}`).sort();
          expect(outcomes(t.requester.filter((r) => r.outcome !== 'allow'))).toEqual(codes);
          expect(outcomes(t.provider.filter((r) => r.outcome !== 'allow'))).toEqual(codes);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('a request id held when its process was killed is served again once the lease has run out', async () => {
    // 浙江 is serving `crash-1` (its consent call hangs) when the process is killed
    hold.next = true;
    const inFlight = query(shA, 'zj', 'crash-1', { purpose: 'hold' });
    await expect.poll(() => hold.release !== undefined, { timeout: 10_000 }).toBe(true);
    await zjKill();
    const lost = await inFlight;
    expect(lost.status).toBeGreaterThanOrEqual(500);
    // the row the dead process left: still 'serving'
    const left = await zjDb.rows<{ status: string }>(
      sql`select status from exchange.served where request_id = 'crash-1'`,
    );
    expect(left).toEqual([{ status: 'serving' }]);

    // the restarted province: within the lease, a retry is told the request is in progress …
    exchanges.zj = await tb.started(
      startExchange(await tb.deps('zj', { db: zjDb, clock: zjClock, grpcAddress: { consent } }), {
        datasets: [dataset('zj')],
      }),
    );
    await new Promise((r) => setTimeout(r, 300)); // 上海 hears it is back (presence.ts)
    const early = await query(shA, 'zj', 'crash-1', { purpose: 'hold' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('EXCHANGE.REQUEST_IN_PROGRESS');
    // … and once the lease (6 × the 5 s timeout) has run out, the retry is served, with its record
    zjAhead += 31_000;
    const retried = await query(shA, 'zj', 'crash-1', { purpose: 'hold' });
    expect(retried.status).toBe(200);
    expect(retried.body.records).toHaveLength(1);
    const { requester, provider } = await sides(shA, 'zj', 'crash-1');
    expect(provider.filter((r) => r.outcome === 'allow')).toHaveLength(1);
    expect(requester.filter((r) => r.outcome === 'allow')).toHaveLength(1);
    expect(outcomes(provider)).toContain('deny EXCHANGE.REQUEST_IN_PROGRESS');
  });
});
