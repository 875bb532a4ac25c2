/**
 * The revocation register across four consent services on one real nats-server with the province
 * accounts: live propagation (measured), catch-up after a province was away, and Authorize refusing
 * a revoked consent whose issuer cannot be reached.
 */
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import type { consentV1 } from '@yrd/proto';
import { type Province, provinces } from '@yrd/region';
import { aDataItem, agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsentOptions, type RunningConsent, startConsent } from './index.js';

// 江苏 provides it to government bodies without an application, but its ID numbers need the
// subject's separate consent (敏感个人信息)
const record = aResource('js', '320000-RSJ-00901', {
  sharingTier: 'unconditional',
  grade: 'important',
  items: [
    aDataItem('contribution_months'),
    aDataItem('id_number', {
      grade: 'important',
      personalInfo: true,
      sensitivePersonalInfo: true,
      piiKind: 'id_number',
    }),
  ],
  keyItems: ['id_number'],
});
const purpose = '社保关系转移接续';
const SH_AGENCY = agencyCode('sh');
const validUntil = new Date(Date.now() + 90 * 86400_000).toISOString();

const subjectOf = (p: Province): Principal =>
  aPrincipal({ province: p, sub: `${p}-person-1`, agency: '', roles: ['subject'], kind: 'individual' });

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? Number.NaN;
};
const summary = (xs: number[]) =>
  `p50 ${percentile(xs, 0.5)} ms, p95 ${percentile(xs, 0.95)} ms, max ${Math.max(...xs)} ms (n=${xs.length})`;

/** Polls until `check` holds; fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the revocation register across provinces', () => {
  let tb: Testbed;
  let catalog: RunningCatalog;
  const consent = {} as Record<Province, RunningConsent>;
  // each province's database outlives its consent service, as a restarted service finds it
  const db = {} as Record<Province, DatabaseHandle>;

  /** starts (or starts again) a province's consent service on its own database */
  const start = async (p: Province, opts: Partial<ConsentOptions> = {}) => {
    // every province's consent service finds the entry in the regional catalogue: here 江苏's, which holds it
    const catalogAddress = `127.0.0.1:${catalog.grpcPort}`;
    const deps = await tb.deps(p, { db: db[p], grpcAddress: { catalog: catalogAddress } });
    consent[p] = await tb.started(startConsent(deps, { trust: tb.trust, ...opts }));
    return consent[p];
  };

  /** the subject each consent is about, as the requester names it (by reference) */
  const subjectOfConsent = new Map<string, string>();
  /** a data subject of province p consents to 上海 人社局 reading their 江苏 record */
  const consentAt = async (p: Province): Promise<string> => {
    const r = await tb.http(consent[p].httpUrl, subjectOf(p), 'POST', '/api/consent/v1/consents', {
      requesterAgency: SH_AGENCY,
      requesterProvince: 'sh',
      resourceId: record.id,
      items: ['id_number', 'contribution_months'],
      purpose,
      validUntil,
    });
    expect(r.status).toBe(201);
    subjectOfConsent.set(String(r.body.id), String(r.body.subjectRef));
    return String(r.body.id);
  };
  const revokeAt = async (p: Province, id: string) => {
    const r = await tb.http(consent[p].httpUrl, subjectOf(p), 'DELETE', `/api/consent/v1/consents/${id}`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('revoked');
    return String(r.body.revokedAt);
  };
  const rows = (p: Province) =>
    db[p].rows<{ id: string; kind: string; province: string; revoked_at: Date | string; received_at: Date | string }>(
      sql`select id, kind, province, revoked_at, received_at from consent.revocations`,
    );
  const ms = (v: Date | string) => new Date(v).getTime();

  /** 上海's request to 江苏 for a subject's ID number under a consent, decided at 江苏 */
  const authorizeAtJs = (consentId: string) => {
    const req: consentV1.AuthorizeRequest = {
      requester: { userId: 'sh-u1', agencyCode: SH_AGENCY, province: 'sh', roles: ['requester'], requesterKind: '' },
      resourceId: record.id,
      items: ['id_number'],
      mode: 'query',
      purpose,
      grantId: '',
      consentId,
      subjectRef: subjectOfConsent.get(consentId) ?? '',
      at: '',
    };
    return consent.js.app.authorize(req);
  };

  beforeAll(async () => {
    tb = await createTestbed();
    for (const p of provinces) {
      db[p] = await openDatabase();
      const handle = db[p];
      tb.defer(() => handle.close());
    }
    catalog = await tb.started(
      startCatalog(await tb.deps('js', { db: db.js }), {
        agencies: { nameOf: () => '江苏省人力资源和社会保障厅' },
        seed: [record],
        resyncMs: 600_000,
      }),
    );
    for (const p of provinces) await start(p);
  });

  afterAll(() => tb?.close());

  it('a revocation in any province reaches every other province’s register (measured over 50)', async () => {
    const issuers = Array.from({ length: 50 }, (_, i) => provinces[i % provinces.length] as Province);
    const ids: string[] = [];
    for (const p of issuers) ids.push(await consentAt(p));

    const untilEveryRegister: number[] = [];
    for (const [i, id] of ids.entries()) {
      const issuer = issuers[i] as Province;
      await revokeAt(issuer, id);
      const returned = Date.now();
      await until(() => provinces.every((p) => consent[p].revocations.isRevoked(id)), 5000, `${id} everywhere`);
      untilEveryRegister.push(Date.now() - returned);
    }

    // published (stamped revokedAt at the issuer) → received in each other province, from the tables
    const propagation: number[] = [];
    for (const p of provinces) {
      await until(async () => (await rows(p)).filter((r) => ids.includes(r.id)).length === ids.length);
      const held = (await rows(p)).filter((r) => ids.includes(r.id));
      expect(held).toHaveLength(ids.length); // once each: idempotent on id
      for (const r of held) {
        expect(r.kind).toBe('consent');
        expect(r.id.startsWith(`${r.province}-consent-`)).toBe(true);
        if (r.province !== p) propagation.push(ms(r.received_at) - ms(r.revoked_at));
      }
    }
    expect(propagation).toHaveLength(ids.length * 3);
    console.log(`revocation stamped → received in another province: ${summary(propagation)}`);
    console.log(`revoke returned → in all four registers: ${summary(untilEveryRegister)}`);
    // the bound; typical figures are a few milliseconds
    expect(Math.max(...propagation)).toBeLessThan(1000);
  });

  it('a province that was away catches up when it starts again; one still away is caught up with later', async () => {
    const fromSh = await consentAt('sh');
    const fromAh = await consentAt('ah');
    await consent.js.stop();
    await revokeAt('sh', fromSh);
    await revokeAt('ah', fromAh);
    // 安徽 goes away before 江苏 is back: its revocation can only come by a later catch-up
    await consent.ah.stop();

    const restarted = Date.now();
    const js = await start('js', { revocationCatchUpMs: 200 });
    // the catch-up that started with the service, 安徽 skipped
    expect(await js.revocations.catchUpAll()).not.toContain('ah');
    expect(js.revocations.isRevoked(fromSh)).toBe(true);
    expect(js.revocations.isRevoked(fromAh)).toBe(false);
    // heard by the catch-up, not live: it was recorded after the restart
    const caughtUp = (await rows('js')).find((r) => r.id === fromSh);
    expect(caughtUp).toBeDefined();
    expect(ms(caughtUp?.received_at ?? new Date(0))).toBeGreaterThanOrEqual(restarted - 5);

    await start('ah');
    await until(() => js.revocations.isRevoked(fromAh), 5000, 'the periodic catch-up with 安徽');
    expect((await rows('js')).filter((r) => r.id === fromAh)).toHaveLength(1);
  });

  it('a province the catch-up could not reach is asked again within seconds, not at the next round', async () => {
    const fromAh = await consentAt('ah');
    await consent.js.stop();
    await revokeAt('ah', fromAh);
    await consent.ah.stop();
    // the rounds are ten minutes apart: only the retry of 安徽 can bring its revocation in time
    const js = await start('js', { revocationCatchUpMs: 600_000, revocationRetryMs: 300 });
    expect(await js.revocations.catchUpAll()).not.toContain('ah');
    expect(js.revocations.isRevoked(fromAh)).toBe(false);
    await start('ah');
    const back = Date.now();
    await until(() => js.revocations.isRevoked(fromAh), 8000, 'the retried catch-up with 安徽');
    // within a lane timeout (a retry begun while 安徽 was away ends there) and a retry
    expect(Date.now() - back).toBeLessThan(8000);
    expect((await rows('js')).filter((r) => r.id === fromAh)).toHaveLength(1);
  });

  it('Authorize refuses a revoked consent at once while its issuer is out of reach; the others as before', async () => {
    const revoked = await consentAt('sh');
    const active = await consentAt('sh');
    expect(await authorizeAtJs(revoked)).toMatchObject({ allow: true, consentId: revoked });
    await revokeAt('sh', revoked);
    await until(() => consent.js.revocations.isRevoked(revoked), 2000, 'the revocation at 江苏');

    await consent.sh.stop(); // 上海, the issuer, is out of reach
    const asked = Date.now();
    const refused = await authorizeAtJs(revoked);
    expect(Date.now() - asked).toBeLessThan(1000); // the register answers; nobody waits on 上海
    expect(refused).toMatchObject({ allow: false, denialCode: 'CONSENT.CONSENT_REVOKED' });
    expect(refused.reasons).toEqual([
      expect.objectContaining({ ruleId: 'R-SENSITIVE-CONSENT', code: 'CONSENT.CONSENT_REVOKED' }),
    ]);
    // a consent not revoked cannot be read either: nothing is decided on it, the caller may retry
    await expect(authorizeAtJs(active)).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'CONSENT.ISSUER_UNAVAILABLE',
    });
  });
});
