/**
 * The holder sees every use of their certificates, in every province (issue 16 part 5): 上海
 * verifies a 浙江 licence, the use goes to 浙江 on 上海's certificate lane, and the company's wallet
 * in 浙江 lists it with the verifying province — also when 浙江 was down at the time. 浙江 keeps a
 * use once, only of a certificate it issued, and audits each receipt.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, sql } from '@yrd/db';
import { AppError } from '@yrd/errors';
import { type NatsConnection, request, subjects } from '@yrd/nats';
import type { Registry } from '@yrd/telemetry';
import { agencyCode, aPrincipal, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UseForward, useForwardCodes } from './domain/use-forward.js';
import { buildCertificate, type CertificateModule, type CertificateOptions } from './index.js';
import { businessLicenceInput, companyCode, licenceData, zjAmrCode } from './testing/world.js';

const shAgency = agencyCode('sh', 4);
// quick retries so a test sees a province come back within a second or two
const useForwarding = { timeoutMs: 400, retryMinMs: 100, retryMaxMs: 400, pollMs: 100, batch: 10 };

describe('uses of a 浙江 certificate recorded in 上海 reach the holder in 浙江', () => {
  let tb: Testbed;
  let zj: CertificateModule;
  let sh: CertificateModule;
  let shLane: NatsConnection;
  let shDb: DatabaseHandle;
  let shMetrics: Registry;
  let shDeps: Awaited<ReturnType<Testbed['deps']>>;
  let zjRoot: NonNullable<CertificateOptions['trust']>[number];
  let holderRef = '';
  let holderKeyId = '';
  let certificateId = '';
  let zjMaterial: { keyCertificates: string[]; statusLists: string[] };
  const users = {} as Record<'publisher' | 'holder' | 'shVerifier', Principal>;

  const call = async (
    m: CertificateModule,
    who: Principal | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await m.http.inject({
      method: method as 'GET',
      url: `/api/certificate/v1${path}`,
      headers: who ? { authorization: `Bearer ${await tb.token(who)}` } : {},
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
    return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as Record<string, any> };
  };
  const holderUses = async () => (await call(zj, users.holder, 'GET', '/wallet/uses')).body.uses as UseView[];
  const verifyInShanghai = async () => {
    const shown = await call(zj, users.holder, 'POST', `/wallet/${encodeURIComponent(certificateId)}/presentations`, {
      reveal: ['entity_name'],
    });
    expect(shown.status, JSON.stringify(shown.body)).toBe(201);
    const res = await call(sh, users.shVerifier, 'POST', '/verifications', {
      presentation: shown.body.presentation,
      ...zjMaterial,
    });
    expect(res.body.valid, JSON.stringify(res.body.checks)).toBe(true);
    // the use 上海 recorded for itself: its id is the one 浙江 will show
    const [mine] = (await localUses()).filter((u) => !seen.has(u.id));
    expect(mine).toBeDefined();
    seen.add(String(mine?.id));
    return String(mine?.id);
  };
  const seen = new Set<string>();
  /** 上海's own records of uses of 浙江's licence (read from its store, as no 上海 holder owns it) */
  const localUses = () => sh.app.ctx.store.usesOfHolder(holderRef, 100);
  /** sends a use on 上海's lane into 浙江 straight, as 上海's forwarder would */
  const sendAsShanghai = async (body: unknown) =>
    JSON.parse(
      new TextDecoder().decode(
        await request(
          shLane,
          subjects.lane('zj', 'sh', 'certificate', 'use'),
          new TextEncoder().encode(JSON.stringify(body)),
          { timeoutMs: 2000, unavailableCode: 'TEST.UNAVAILABLE' },
        ),
      ),
    ) as { stored: boolean };
  const refusedOnLane = async (body: unknown, code: string) => {
    const err = await sendAsShanghai(body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    // bilingual
    expect((err as AppError).message).toMatch(/[\u4e00-\u9fff]/);
    expect((err as AppError).message).toMatch(/[a-z]{3,}/);
  };
  const aForward = (over: Partial<UseForward> = {}): UseForward => ({
    id: randomUUID(),
    certificateId,
    holder: { keyId: holderKeyId, ref: holderRef },
    kind: 'verification',
    who: { sub: 'sh-counter-7', agency: shAgency, kind: 'government' },
    serviceCode: null,
    purpose: null,
    outcome: 'valid',
    at: new Date().toISOString(),
    ...over,
  });

  /** Waits until `check` passes (the forwarder works in the background), at most `ms`. */
  const eventually = async <T>(check: () => Promise<T>, ms = 8000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      try {
        return await check();
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  beforeAll(async () => {
    tb = await createTestbed();
    const ref = tb.subjectRefs.ofKey({ credit_code: companyCode });
    holderRef = ref.ref;
    holderKeyId = ref.keyId;
    Object.assign(users, {
      publisher: aPrincipal({ province: 'zj', sub: 'zj-amr-pub', agency: zjAmrCode, roles: ['publisher'] }),
      holder: aPrincipal({
        province: 'zj',
        sub: 'zj-company',
        agency: '',
        roles: ['subject'],
        kind: 'enterprise',
        subjectRef: holderRef,
      }),
      shVerifier: aPrincipal({ province: 'sh', sub: 'sh-counter-7', agency: shAgency, roles: ['requester'] }),
    });
    zj = await buildCertificate(await tb.deps('zj'), { suite: 'ed25519-sha256', useForwarding });
    const keys = await call(zj, undefined, 'GET', '/issuer-keys');
    shDeps = await tb.deps('sh');
    zjRoot = keys.body.root;
    shDb = shDeps.db;
    shMetrics = shDeps.metrics;
    sh = await buildCertificate(shDeps, { suite: 'sm2-sm3', trust: [keys.body.root], useForwarding });
    await zj.start?.();
    await sh.start?.();
    shLane = await tb.connect('sh');

    expect((await call(zj, users.publisher, 'POST', '/types', businessLicenceInput())).status).toBe(201);
    const issued = await call(zj, users.publisher, 'POST', '/certificates', {
      typeCode: businessLicenceInput().typeCode,
      holder: { creditCode: companyCode },
      data: licenceData,
      validFrom: '2021-03-15',
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    certificateId = String(issued.body.id);
    const lists = (await call(zj, undefined, 'GET', '/status-lists/zj-1')).body;
    zjMaterial = {
      keyCertificates: (await call(zj, undefined, 'GET', '/issuer-keys')).body.keyCertificates,
      statusLists: [lists.revocation, lists.suspension],
    };
  });

  afterAll(async () => {
    await sh?.stop?.();
    await zj?.stop?.();
    await tb?.close();
  });

  it('上海 verifies 浙江’s licence: the holder’s wallet in 浙江 lists the use with the verifying province', async () => {
    const useId = await verifyInShanghai();
    const use = await eventually(async () => {
      const found = (await holderUses()).find((u) => u.id === useId);
      expect(found).toBeDefined();
      return found;
    });
    expect(use).toMatchObject({
      certificateId,
      holderRef,
      kind: 'verification',
      user: { province: 'sh', sub: 'sh-counter-7', agency: shAgency, kind: 'government' },
      outcome: 'valid',
      recordedIn: 'sh',
    });
    // 浙江's audit log has the receipt; 上海's has the verification itself
    const zjAudit = (await auditEventsIn(await tb.connect('zj'), 'zj')).events;
    expect(zjAudit).toContainEqual(
      expect.objectContaining({
        kind: 'certificate.use.received',
        resourceId: certificateId,
        requesterProvince: 'sh',
        providerProvince: 'zj',
        actorUser: 'sh-counter-7',
        outcome: 'ok',
        subjectRef: holderRef,
      }),
    );
    const shAudit = (await auditEventsIn(shLane, 'sh')).events;
    expect(shAudit.filter((e) => e.kind === 'certificate.verified' && e.resourceId === certificateId)).not.toEqual([]);
  });

  it('a 上海 user whose use reached 浙江 may raise a dispute (异议) there', async () => {
    // 浙江 knows the 上海 verifier as a user of the licence only through the forwarded use
    const res = await call(
      zj,
      users.shVerifier,
      'POST',
      `/certificates/${encodeURIComponent(certificateId)}/disputes`,
      {
        ground: 'accuracy',
        reason: '登记机关与核验所见不符',
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.raisedBy).toEqual({ kind: 'user', ref: shAgency });
  });

  it('a use sent twice is stored once', async () => {
    const f = aForward();
    expect(await sendAsShanghai(f)).toEqual({ stored: true });
    expect(await sendAsShanghai(f)).toEqual({ stored: false });
    expect((await holderUses()).filter((u) => u.id === f.id)).toHaveLength(1);
    // and the receipt is audited once
    const receipts = (await auditEventsIn(await tb.connect('zj'), 'zj')).events.filter(
      (e) => e.kind === 'certificate.use.received' && e.eventId.endsWith(`${f.id}-ok`),
    );
    expect(receipts).toHaveLength(1);
  });

  it('refuses a use of a certificate 浙江 did not issue, a holder that does not match, and a malformed body', async () => {
    const before = (await holderUses()).length;
    await refusedOnLane(aForward({ certificateId: 'sh-not-ours-2026-000001' }), useForwardCodes.notIssuedHere);
    await refusedOnLane(
      aForward({ holder: { keyId: holderKeyId, ref: 'someone-else' } }),
      useForwardCodes.holderMismatch,
    );
    // the sending province comes from the lane, never the body: a body naming one is refused whole
    await refusedOnLane({ ...aForward(), province: 'ah' }, useForwardCodes.invalid);
    await refusedOnLane({ ...aForward(), id: 'not-a-uuid' }, useForwardCodes.invalid);
    // only the `use` operation, and never from 浙江 itself (its own uses are recorded where they happen)
    for (const [lane, conn] of [
      [subjects.lane('zj', 'sh', 'certificate', 'delete'), shLane],
      [subjects.lane('zj', 'zj', 'certificate', 'use'), await tb.connect('zj')],
    ] as const) {
      const err = await request(conn, lane, new TextEncoder().encode(JSON.stringify(aForward())), {
        timeoutMs: 2000,
        unavailableCode: 'TEST.UNAVAILABLE',
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as AppError).code, lane).toBe(useForwardCodes.invalid);
    }
    expect((await holderUses()).length).toBe(before);
    const denied = (await auditEventsIn(await tb.connect('zj'), 'zj')).events.filter(
      (e) => e.kind === 'certificate.use.received' && e.outcome === 'deny',
    );
    expect(denied.map((e) => e.code)).toEqual(
      expect.arrayContaining([useForwardCodes.notIssuedHere, useForwardCodes.holderMismatch]),
    );
  });

  it('a use whose id another province’s use has is refused, not merged', async () => {
    const f = aForward();
    expect(await sendAsShanghai(f)).toEqual({ stored: true });
    const ahLane = await tb.connect('ah');
    const err = await request(
      ahLane,
      subjects.lane('zj', 'ah', 'certificate', 'use'),
      new TextEncoder().encode(JSON.stringify(f)),
      { timeoutMs: 2000, unavailableCode: 'TEST.UNAVAILABLE' },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe(useForwardCodes.idTaken);
    expect((await holderUses()).find((u) => u.id === f.id)?.user.province).toBe('sh');
  });

  it('上海 stops sending a use 浙江 refused for good, and keeps it marked', async () => {
    const f = aForward({ certificateId: 'zj-forged-id' });
    await sh.app.ctx.store.insertUse(
      {
        id: f.id,
        certificateId: f.certificateId,
        holderRef,
        kind: 'verification',
        user: { province: 'sh', ...f.who },
        serviceCode: null,
        purpose: null,
        authorisationId: null,
        outcome: 'valid',
        at: f.at,
        recordedIn: 'sh',
      },
      { issuer: 'zj', body: f },
    );
    sh.app.ctx.forwarding.wake();
    const row = await eventually(async () => {
      const [r] = await shDb.rows<{ refused_code: string | null; attempts: number; sent_at: unknown }>(
        sql`select refused_code, attempts, sent_at from certificate.use_forwards where id = ${f.id}`,
      );
      expect(r?.refused_code).toBe(useForwardCodes.notIssuedHere);
      return r;
    });
    expect(row).toMatchObject({ attempts: 1, sent_at: null });
    // several polls later it was not sent again
    await new Promise((r) => setTimeout(r, 400));
    const [again] = await shDb.rows<{ attempts: number }>(
      sql`select attempts from certificate.use_forwards where id = ${f.id}`,
    );
    expect(Number(again?.attempts)).toBe(1);
    // an operator sees it on 上海's metrics
    const series = await shMetrics.getSingleMetricAsString('yrd_certificate_use_forwards');
    expect(series).toMatch(/yrd_certificate_use_forwards\{[^}]*state="refused"[^}]*\} 1$/m);
  });

  it('a use made while 浙江’s service is stopped arrives after it starts again', async () => {
    await zj.stop?.();
    const useId = await verifyInShanghai();
    // 上海 keeps trying: the forward is still waiting, with failed attempts behind it
    await eventually(async () => {
      const [pending] = (await sh.app.ctx.store.dueForwards(new Date(Date.now() + 3_600_000).toISOString(), 50)).filter(
        (f) => f.id === useId,
      );
      expect(pending?.attempts).toBeGreaterThanOrEqual(1);
    });
    expect((await holderUses()).some((u) => u.id === useId)).toBe(false);
    const waiting = await shMetrics.getSingleMetricAsString('yrd_certificate_use_forwards');
    expect(waiting).toMatch(/state="waiting"[^}]*\} 1$/m);
    await zj.start?.();
    await eventually(async () => expect((await holderUses()).some((u) => u.id === useId)).toBe(true));
    // sent and acknowledged: nothing of it is left to send (上海 marks it sent when 浙江's answer
    // arrives, which may be just after 浙江 stored it)
    await eventually(async () => {
      const left = await sh.app.ctx.store.dueForwards(new Date(Date.now() + 3_600_000).toISOString(), 50);
      expect(left.filter((f) => f.id === useId)).toEqual([]);
    });
  });

  it('a use recorded while 上海’s sender was down leaves from the database when 上海 comes back', async () => {
    await sh.stop?.();
    const useId = await verifyInShanghai();
    await new Promise((r) => setTimeout(r, 300));
    expect((await holderUses()).some((u) => u.id === useId)).toBe(false);
    // a new process over the same database: the outbox is all it knows of the use
    sh = await buildCertificate(shDeps, { suite: 'sm2-sm3', trust: [zjRoot], useForwarding });
    await sh.start?.();
    await eventually(async () => expect((await holderUses()).some((u) => u.id === useId)).toBe(true));
  });
});

interface UseView {
  id: string;
  certificateId: string;
  holderRef: string;
  kind: string;
  user: { province: string; sub: string; agency: string; kind: string };
  outcome: string;
  recordedIn: string;
}
