/**
 * The 电子证照 service through HTTP (issue 16 parts 2–6): 浙江 issues a business licence to a
 * company, the company shows it, 上海 verifies it — online and from imported material — and every
 * refusal answers with its CERT.* code. 浙江 runs one suite and 上海 the other, so every check crosses.
 */
import type { Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Suite } from './domain/suite.js';
import { buildCertificate, type CertificateModule } from './index.js';
import { businessLicenceInput, companyCode, licenceData, zjAmrCode } from './testing/world.js';

const otherAgency = agencyCode('zj', 7);
const shAgency = agencyCode('sh', 4);

describe.each<[Suite, Suite]>([
  ['sm2-sm3', 'ed25519-sha256'],
  ['ed25519-sha256', 'sm2-sm3'],
])('电子证照 service: 浙江 on %s, 上海 on %s', (zjSuite, shSuite) => {
  let tb: Testbed;
  let zj: CertificateModule;
  let sh: CertificateModule;
  // one clock for both provinces, moved by the tests (a Monday, 10:00 Beijing time)
  let now = new Date('2026-12-07T02:00:00Z');
  const clock = () => now;
  let holderRef = '';
  const users = {} as Record<
    | 'publisher'
    | 'otherPublisher'
    | 'requester'
    | 'holder'
    | 'otherHolder'
    | 'zjAdmin'
    | 'shAdmin'
    | 'shVerifier'
    | 'shGov'
    | 'enterprise',
    Principal
  >;

  const call = async (
    m: CertificateModule,
    who: Principal | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await m.http.inject({
      method: method as 'GET',
      url: `/api/certificate/v1${path}`,
      headers: { ...(who ? { authorization: `Bearer ${await tb.token(who)}` } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
      body: (res.body ? JSON.parse(res.body) : {}) as Record<string, any>,
    };
  };
  const refused = async (p: ReturnType<typeof call>, status: number, code: string) => {
    const res = await p;
    expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([status, code]);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    // bilingual: a Chinese and an English part
    expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(res.body.detail).toMatch(/[a-z]{3,}/);
  };
  const typeCode = businessLicenceInput().typeCode as string;

  const issueLicence = async (data: Record<string, unknown> = licenceData) => {
    const res = await call(zj, users.publisher, 'POST', '/certificates', {
      typeCode,
      holder: { creditCode: companyCode },
      data,
      validFrom: '2021-03-15',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return String(res.body.id);
  };
  const present = async (id: string, reveal: string[], over: Record<string, unknown> = {}) => {
    const res = await call(zj, users.holder, 'POST', `/wallet/${encodeURIComponent(id)}/presentations`, {
      reveal,
      ...over,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return String(res.body.presentation);
  };
  const verifyAt = (m: CertificateModule, who: Principal, presentation: string, extra: Record<string, unknown> = {}) =>
    call(m, who, 'POST', '/verifications', { presentation, ...extra });

  beforeAll(async () => {
    tb = await createTestbed();
    holderRef = tb.subjectRefs.ofKey({ credit_code: companyCode }).ref;
    Object.assign(users, {
      publisher: aPrincipal({ province: 'zj', sub: 'zj-amr-pub', agency: zjAmrCode, roles: ['publisher'] }),
      otherPublisher: aPrincipal({ province: 'zj', sub: 'zj-other-pub', agency: otherAgency, roles: ['publisher'] }),
      requester: aPrincipal({ province: 'zj', sub: 'zj-req', agency: otherAgency, roles: ['requester'] }),
      holder: aPrincipal({
        province: 'zj',
        sub: 'zj-company',
        agency: '',
        roles: ['subject'],
        kind: 'enterprise',
        subjectRef: holderRef,
      }),
      otherHolder: aPrincipal({
        province: 'zj',
        sub: 'zj-company-2',
        agency: '',
        roles: ['subject'],
        kind: 'enterprise',
        subjectRef: tb.subjectRefs.ofKey({ credit_code: agencyCode('zj', 8) }).ref,
      }),
      zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
      shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
      shVerifier: aPrincipal({ province: 'sh', sub: 'sh-ver', agency: shAgency, roles: ['requester'] }),
      shGov: aPrincipal({ province: 'sh', sub: 'sh-gov', agency: shAgency, roles: ['requester'] }),
      enterprise: aPrincipal({
        province: 'zj',
        sub: 'zj-bank-officer',
        agency: agencyCode('zj', 11),
        roles: ['requester'],
        kind: 'enterprise',
      }),
    });
    zj = await buildCertificate(await tb.deps('zj', { clock }), { suite: zjSuite });
    const keys = await call(zj, undefined, 'GET', '/issuer-keys');
    expect(keys.status).toBe(200);
    sh = await buildCertificate(await tb.deps('sh', { clock }), { suite: shSuite, trust: [keys.body.root] });
  });

  afterAll(() => tb?.close());

  describe('发证目录', () => {
    it('the issuing agency’s publisher adds a type; anyone signed in lists it', async () => {
      const created = await call(zj, users.publisher, 'POST', '/types', businessLicenceInput());
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.typeCode).toBe(typeCode);
      const listed = await call(zj, users.requester, 'GET', '/types');
      expect(listed.body.types.map((t: { typeCode: string }) => t.typeCode)).toContain(typeCode);
    });

    it('refuses another agency, a non-publisher, a duplicate and a malformed type', async () => {
      await refused(
        call(
          zj,
          users.otherPublisher,
          'POST',
          '/types',
          businessLicenceInput({ typeCode: `${typeCode.slice(0, 18)}033` }),
        ),
        403,
        'CERT.NOT_ISSUER_STAFF',
      );
      await refused(call(zj, users.requester, 'POST', '/types', businessLicenceInput()), 403, 'AUTH.ROLE_REQUIRED');
      await refused(call(zj, users.publisher, 'POST', '/types', businessLicenceInput()), 409, 'CERT.TYPE_EXISTS');
      await refused(
        call(zj, users.publisher, 'POST', '/types', { ...businessLicenceInput(), fields: [] }),
        400,
        'CERT.INVALID_INPUT',
      );
      await refused(call(zj, undefined, 'GET', '/types'), 401, 'AUTH.MISSING_TOKEN');
    });

    it('a not-public type is listed only to its issuer’s staff and admins', async () => {
      const hidden = businessLicenceInput({
        typeCode: `${typeCode.slice(0, 18)}099`,
        name: { zh: '内部许可', en: 'Internal permit' },
        publicAttribute: 'not_public',
      });
      expect((await call(zj, users.publisher, 'POST', '/types', hidden)).status).toBe(201);
      const asRequester = await call(zj, users.requester, 'GET', '/types');
      expect(asRequester.body.types.map((t: { typeCode: string }) => t.typeCode)).not.toContain(hidden.typeCode);
      await refused(call(zj, users.requester, 'GET', `/types/${hidden.typeCode}`), 404, 'CERT.TYPE_NOT_FOUND');
      expect((await call(zj, users.zjAdmin, 'GET', `/types/${hidden.typeCode}`)).status).toBe(200);
      const updated = await call(zj, users.publisher, 'PUT', `/types/${hidden.typeCode}`, {
        ...hidden,
        publicAttribute: 'public',
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect((await call(zj, users.requester, 'GET', `/types/${hidden.typeCode}`)).status).toBe(200);
    });
  });

  describe('制发, 亮证, 核验', () => {
    let id = '';

    it('issues to the company’s keyed reference; its wallet lists it, nobody else’s does', async () => {
      id = await issueLicence();
      expect(id).toMatch(/^1\.2\.156\.3005\.2\./);
      const wallet = await call(zj, users.holder, 'GET', '/wallet');
      expect(wallet.status).toBe(200);
      const entry = wallet.body.certificates.find((c: { id: string }) => c.id === id);
      expect(entry).toMatchObject({ status: 'active', presentable: true, disputed: false, version: 1 });
      expect((await call(zj, users.otherHolder, 'GET', '/wallet')).body.certificates).toEqual([]);
      await refused(call(zj, users.requester, 'GET', '/wallet'), 403, 'CERT.NO_SUBJECT_REF');
    });

    it('refuses a wrong holder, wrong data, and another agency', async () => {
      const body = {
        typeCode,
        holder: { creditCode: '91330106MA2H8QK011' },
        data: licenceData,
        validFrom: '2021-03-15',
      };
      await refused(call(zj, users.publisher, 'POST', '/certificates', body), 400, 'CERT.INVALID_HOLDER');
      await refused(
        call(zj, users.publisher, 'POST', '/certificates', { ...body, holder: { idNumber: '110101199003071234' } }),
        400,
        'CERT.INVALID_HOLDER',
      );
      await refused(
        call(zj, users.publisher, 'POST', '/certificates', {
          ...body,
          holder: { creditCode: companyCode },
          data: { entity_name: 'x' },
        }),
        400,
        'CERT.INVALID_DATA',
      );
      await refused(
        call(zj, users.otherPublisher, 'POST', '/certificates', { ...body, holder: { creditCode: companyCode } }),
        403,
        'CERT.NOT_ISSUER_STAFF',
      );
      await refused(call(zj, users.otherPublisher, 'GET', `/certificates/${id}`), 404, 'CERT.NOT_FOUND');
    });

    it('publishes status lists and keys without a token, cacheable', async () => {
      const lists = await call(zj, undefined, 'GET', '/status-lists/zj-1');
      expect(lists.status).toBe(200);
      expect(lists.headers['cache-control']).toMatch(/public, max-age=\d+/);
      expect(lists.body.revocation.split('.')).toHaveLength(3);
      const again = await call(zj, undefined, 'GET', '/status-lists/zj-1', undefined, {
        'if-none-match': String(lists.headers.etag),
      });
      expect(again.status).toBe(304);
      await refused(call(zj, undefined, 'GET', '/status-lists/zj-9'), 404, 'CERT.STATUS_LIST_NOT_FOUND');
      const keys = await call(zj, undefined, 'GET', '/issuer-keys');
      expect(keys.body.root.suite).toBe(zjSuite);
      expect(keys.body.keyCertificates.length).toBeGreaterThanOrEqual(2);
    });

    it('a presentation discloses only the chosen fields, verifies once, and is refused on replay', async () => {
      const p = await present(id, ['entity_name', 'business_scope']);
      const first = await verifyAt(zj, users.requester, p);
      expect(first.status).toBe(200);
      expect(first.body.valid, JSON.stringify(first.body.checks)).toBe(true);
      expect(first.body.disclosed.map((d: { name: string }) => d.name).sort()).toEqual([
        'business_scope',
        'entity_name',
      ]);
      expect(JSON.stringify(first.body)).not.toContain(licenceData.legal_representative);
      expect(first.body.checks.singleUse.result).toBe('passed');
      const replay = await verifyAt(zj, users.requester, p);
      expect(replay.body.valid).toBe(false);
      expect(replay.body.checks.singleUse.result).toBe('failed');
    });

    it('refuses a field the certificate lacks, a lifetime over 5 minutes, and another holder’s certificate', async () => {
      await refused(
        call(zj, users.holder, 'POST', `/wallet/${id}/presentations`, { reveal: ['salary'] }),
        400,
        'CERT.UNKNOWN_DISCLOSURE',
      );
      await refused(
        call(zj, users.holder, 'POST', `/wallet/${id}/presentations`, { reveal: [], lifetimeSeconds: 301 }),
        400,
        'REQUEST.INVALID',
      );
      await refused(
        call(zj, users.otherHolder, 'POST', `/wallet/${id}/presentations`, { reveal: [] }),
        404,
        'CERT.NOT_FOUND',
      );
    });

    it('an expired, an altered and a forged presentation fail the checks that say why', async () => {
      const p = await present(id, ['entity_name'], { lifetimeSeconds: 60 });
      now = new Date(now.getTime() + 120_000);
      const expired = await verifyAt(zj, users.requester, p);
      expect(expired.body.valid).toBe(false);
      expect(expired.body.checks.freshness.result).toBe('failed');

      const q = await present(id, ['entity_name']);
      const [credential, disclosure, binding] = q.split('~') as [string, string, string];
      const [h, payload, sig] = credential.split('.') as [string, string, string];
      const forgedPayload = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      forgedPayload.validUntil = '2099-12-31';
      const forged = `${h}.${Buffer.from(JSON.stringify(forgedPayload)).toString('base64url')}.${sig}~${disclosure}~${binding}`;
      const res = await verifyAt(zj, users.requester, forged);
      expect(res.body.valid).toBe(false);
      expect(res.body.checks.signature.result).toBe('failed');
      const swapped = await verifyAt(zj, users.requester, `${credential}~${binding}`);
      expect(swapped.body.checks.holderBinding.result).toBe('failed');
    });

    it('a presentation for another audience fails there', async () => {
      const p = await present(id, ['entity_name'], { audience: 'zj.some-bank' });
      const res = await verifyAt(zj, users.requester, p);
      expect(res.body.checks.audience.result).toBe('failed');
    });

    it('上海 verifies a 浙江 licence: not without 浙江’s key certificates, then from the request, then offline from imported material', async () => {
      const p1 = await present(id, ['entity_name']);
      const bare = await verifyAt(sh, users.shVerifier, p1);
      expect(bare.body.valid).toBe(false);
      expect(bare.body.checks.issuerKeyCertified.result).toBe('failed');

      const keys = (await call(zj, undefined, 'GET', '/issuer-keys')).body;
      const lists = (await call(zj, undefined, 'GET', '/status-lists/zj-1')).body;
      const p2 = await present(id, ['entity_name']);
      const carried = await verifyAt(sh, users.shVerifier, p2, {
        keyCertificates: keys.keyCertificates,
        statusLists: [lists.revocation, lists.suspension],
      });
      expect(carried.body.valid, JSON.stringify(carried.body.checks)).toBe(true);
      expect(carried.body.presentation.walletProvince).toBe('zj');

      await refused(
        call(sh, users.shVerifier, 'POST', '/trust-material', { keyCertificates: keys.keyCertificates }),
        403,
        'AUTH.ROLE_REQUIRED',
      );
      const imported = await call(sh, users.shAdmin, 'POST', '/trust-material', {
        keyCertificates: keys.keyCertificates,
        statusLists: [lists.revocation, lists.suspension],
      });
      expect(imported.body).toEqual({ keyCertificates: keys.keyCertificates.length, statusLists: 2 });
      const p3 = await present(id, ['entity_name']);
      const offline = await verifyAt(sh, users.shVerifier, p3);
      expect(offline.body.valid, JSON.stringify(offline.body.checks)).toBe(true);
      // two hours on, the cached lists are stale: the status is unknown until fresh ones come
      now = new Date(now.getTime() + 2 * 3600_000);
      const stale = await verifyAt(sh, users.shVerifier, await present(id, ['entity_name']));
      expect(stale.body.valid).toBe(false);
      expect(stale.body.status.state).toBe('unknown');
      expect(stale.body.checks.status.result).toBe('failed');
      const fresh = (await call(zj, undefined, 'GET', '/status-lists/zj-1')).body;
      const refreshed = await verifyAt(sh, users.shVerifier, await present(id, ['entity_name']), {
        statusLists: [fresh.revocation, fresh.suspension],
      });
      expect(refreshed.body.valid, JSON.stringify(refreshed.body.checks)).toBe(true);
    });

    it('refuses imported material not signed by a trusted root', async () => {
      const keys = (await call(sh, undefined, 'GET', '/issuer-keys')).body;
      // 上海's own key certificates are signed by 上海's root, which 浙江's trust list lacks
      await refused(
        call(zj, users.zjAdmin, 'POST', '/trust-material', { keyCertificates: keys.keyCertificates }),
        400,
        'CERT.FOREIGN_MATERIAL_INVALID',
      );
    });

    it('a suspended certificate fails verification and cannot be shown; resumed it verifies again', async () => {
      const p = await present(id, ['entity_name']);
      await refused(
        call(zj, users.publisher, 'POST', `/certificates/${id}/suspend`, { reason: '' }),
        400,
        'CERT.REASON_REQUIRED',
      );
      const suspended = await call(zj, users.publisher, 'POST', `/certificates/${id}/suspend`, {
        reason: '经营异常，待核查',
      });
      expect(suspended.body.status).toBe('suspended');
      const res = await verifyAt(zj, users.requester, p);
      expect(res.body.valid).toBe(false);
      expect(res.body.status.state).toBe('suspended');
      await refused(
        call(zj, users.holder, 'POST', `/wallet/${id}/presentations`, { reveal: [] }),
        409,
        'CERT.NOT_PRESENTABLE',
      );
      await refused(
        call(zj, users.publisher, 'POST', `/certificates/${id}/suspend`, { reason: '再次中止' }),
        409,
        'CERT.SUSPENDED',
      );
      expect((await call(zj, users.publisher, 'POST', `/certificates/${id}/resume`)).body.status).toBe('active');
      const again = await verifyAt(zj, users.requester, await present(id, ['entity_name']));
      expect(again.body.valid, JSON.stringify(again.body.checks)).toBe(true);
    });

    it('更新 makes a new version; the old one verifies as revoked', async () => {
      const old = await present(id, ['entity_name']);
      const updated = await call(zj, users.publisher, 'PUT', `/certificates/${id}`, {
        data: { ...licenceData, registered_capital: '800万元人民币' },
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(201);
      expect(updated.body.version).toBe(2);
      const res = await verifyAt(zj, users.requester, old);
      expect(res.body.status.state).toBe('revoked');
      await refused(
        call(zj, users.publisher, 'POST', `/certificates/${id}/cancel`, { reason: '注销测试' }),
        409,
        'CERT.SUPERSEDED',
      );
      const wallet = await call(zj, users.holder, 'GET', '/wallet');
      expect(wallet.body.certificates.map((c: { id: string }) => c.id)).toEqual([updated.body.id]);
      id = String(updated.body.id);
    });

    it('a cancelled certificate verifies as revoked, and stays cancelled', async () => {
      const other = await issueLicence();
      const p = await present(other, ['entity_name']);
      expect(
        (await call(zj, users.publisher, 'POST', `/certificates/${other}/cancel`, { reason: '企业注销登记' })).body
          .status,
      ).toBe('cancelled');
      const res = await verifyAt(zj, users.requester, p);
      expect(res.body.valid).toBe(false);
      expect(res.body.status.state).toBe('revoked');
      await refused(call(zj, users.publisher, 'POST', `/certificates/${other}/resume`), 409, 'CERT.CANCELLED');
    });
  });

  it('describes its API: every route with an operationId, the published ones without a token', async () => {
    const doc = (await zj.http.inject({ method: 'GET', url: '/api/certificate/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
    };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(27);
    expect(ops.every((o) => typeof o.operationId === 'string')).toBe(true);
    expect(doc.paths['/api/certificate/v1/status-lists/{id}']?.get?.security).toEqual([]);
  });

  describe('用证清单, 授权, 用证记录', () => {
    const holder = { creditCode: companyCode };

    it('a government user fetches under a listed service; an unlisted one is refused', async () => {
      await refused(
        call(zj, users.requester, 'PUT', '/services/ZJ-KBQY-001', {
          name: '企业开办',
          materials: [{ material: '营业执照', certificateTypes: [typeCode] }],
        }),
        403,
        'AUTH.ROLE_REQUIRED',
      );
      const put = await call(zj, users.zjAdmin, 'PUT', '/services/ZJ-KBQY-001', {
        name: '企业开办',
        materials: [{ material: '营业执照复印件', certificateTypes: [typeCode] }],
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      await call(zj, users.zjAdmin, 'PUT', '/services/ZJ-OTHER-002', {
        name: '其他事项',
        materials: [{ material: '其他证明', certificateTypes: [`${typeCode.slice(0, 18)}099`] }],
      });
      const fetched = await call(zj, users.requester, 'POST', '/fetches', {
        holder,
        typeCode,
        serviceCode: 'ZJ-KBQY-001',
      });
      expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
      expect(fetched.body.data.entity_name).toBe(licenceData.entity_name);
      expect(fetched.body.basis).toEqual({ serviceCode: 'ZJ-KBQY-001' });
      await refused(
        call(zj, users.requester, 'POST', '/fetches', { holder, typeCode, serviceCode: 'ZJ-OTHER-002' }),
        403,
        'CERT.NOT_ON_SERVICE_LIST',
      );
      await refused(call(zj, users.requester, 'POST', '/fetches', { holder, typeCode }), 400, 'CERT.SERVICE_REQUIRED');
      await refused(
        call(zj, users.requester, 'POST', '/fetches', { holder, typeCode, serviceCode: 'NOPE' }),
        404,
        'CERT.SERVICE_NOT_FOUND',
      );
    });

    it('a non-government user fetches only under the holder’s authorisation, until it is revoked', async () => {
      const ask = { holder, typeCode, purpose: '贷款审批' };
      await refused(call(zj, users.enterprise, 'POST', '/fetches', ask), 403, 'CERT.NOT_AUTHORISED');
      const granted = await call(zj, users.holder, 'POST', '/wallet/authorisations', {
        user: { province: 'zj', sub: users.enterprise.sub },
        purpose: '贷款审批',
        typeCodes: [typeCode],
        validUntil: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      });
      expect(granted.status, JSON.stringify(granted.body)).toBe(201);
      const ok = await call(zj, users.enterprise, 'POST', '/fetches', ask);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.basis).toEqual({ authorisationId: granted.body.id });
      // bound to the purpose
      await refused(
        call(zj, users.enterprise, 'POST', '/fetches', { ...ask, purpose: '营销' }),
        403,
        'CERT.NOT_AUTHORISED',
      );
      await refused(
        call(zj, users.otherHolder, 'POST', `/wallet/authorisations/${granted.body.id}/revoke`),
        404,
        'CERT.AUTHORISATION_NOT_FOUND',
      );
      const revoked = await call(zj, users.holder, 'POST', `/wallet/authorisations/${granted.body.id}/revoke`);
      expect(revoked.body.revokedAt).toBeTruthy();
      await refused(call(zj, users.enterprise, 'POST', '/fetches', ask), 403, 'CERT.NOT_AUTHORISED');
    });

    it('the holder sees every fetch and verification: who, when, for which service or purpose', async () => {
      const uses = await call(zj, users.holder, 'GET', '/wallet/uses');
      expect(uses.status).toBe(200);
      const kinds = new Set(uses.body.uses.map((u: { kind: string }) => u.kind));
      expect(kinds).toEqual(new Set(['fetch', 'verification']));
      expect(uses.body.uses).toContainEqual(
        expect.objectContaining({
          kind: 'fetch',
          serviceCode: 'ZJ-KBQY-001',
          user: expect.objectContaining({ sub: users.requester.sub }),
        }),
      );
      expect(uses.body.uses).toContainEqual(expect.objectContaining({ kind: 'fetch', purpose: '贷款审批' }));
      expect((await call(zj, users.otherHolder, 'GET', '/wallet/uses')).body.uses).toEqual([]);
    });
  });

  describe('异议核查', () => {
    it('the holder disputes; the certificate is marked; overdue ones are listed; the issuer resolves', async () => {
      const id = (await call(zj, users.holder, 'GET', '/wallet')).body.certificates[0].id as string;
      await refused(
        call(zj, users.otherHolder, 'POST', `/certificates/${id}/disputes`, { ground: 'accuracy', reason: '地址有误' }),
        403,
        'CERT.NOT_A_PARTY',
      );
      const raised = await call(zj, users.holder, 'POST', `/certificates/${id}/disputes`, {
        ground: 'accuracy',
        fields: ['address'],
        reason: '住所地址有误',
      });
      expect(raised.status, JSON.stringify(raised.body)).toBe(201);
      expect(Date.parse(raised.body.dueAt)).toBeGreaterThan(now.getTime() + 5 * 86_400_000);
      expect((await call(zj, users.holder, 'GET', '/wallet')).body.certificates[0].disputed).toBe(true);
      // a user who fetched it may dispute too
      const byUser = await call(zj, users.requester, 'POST', `/certificates/${id}/disputes`, {
        ground: 'timeliness',
        reason: '数据未及时更新',
      });
      expect(byUser.status, JSON.stringify(byUser.body)).toBe(201);
      expect((await call(zj, users.publisher, 'GET', '/disputes?overdue=true')).body.disputes).toEqual([]);
      now = new Date(now.getTime() + 14 * 86_400_000);
      const overdue = await call(zj, users.publisher, 'GET', '/disputes?overdue=true');
      expect(overdue.body.disputes.map((d: { id: string }) => d.id).sort()).toEqual(
        [raised.body.id, byUser.body.id].sort(),
      );
      await refused(
        call(zj, users.otherPublisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
          outcome: 'rejected',
          reason: '核实无误',
        }),
        404,
        'CERT.DISPUTE_NOT_FOUND',
      );
      await refused(
        call(zj, users.publisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
          outcome: 'rejected',
          reason: '',
        }),
        400,
        'CERT.REASON_REQUIRED',
      );
      const resolved = await call(zj, users.publisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
        outcome: 'rejected',
        reason: '经核实，登记信息无误',
      });
      expect(resolved.body).toMatchObject({ status: 'rejected', resolution: { late: true } });
      await refused(
        call(zj, users.publisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
          outcome: 'rejected',
          reason: '再次',
        }),
        409,
        'CERT.DISPUTE_NOT_OPEN',
      );
      await call(zj, users.publisher, 'POST', `/disputes/${byUser.body.id}/resolution`, {
        outcome: 'rejected',
        reason: '经核实，已是最新',
      });
      expect((await call(zj, users.holder, 'GET', '/wallet')).body.certificates[0].disputed).toBe(false);
    });

    it('a correction is a new version of the disputed certificate', async () => {
      const id = (await call(zj, users.holder, 'GET', '/wallet')).body.certificates[0].id as string;
      const raised = await call(zj, users.holder, 'POST', `/certificates/${id}/disputes`, {
        ground: 'accuracy',
        fields: ['address'],
        reason: '住所已变更',
      });
      expect(raised.status).toBe(201);
      await refused(
        call(zj, users.publisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
          outcome: 'corrected',
          newCertificateId: id,
        }),
        400,
        'CERT.INVALID_INPUT',
      );
      const next = await call(zj, users.publisher, 'PUT', `/certificates/${id}`, {
        data: { ...licenceData, address: '浙江省杭州市西湖区示例路2号' },
      });
      expect(next.status).toBe(201);
      const corrected = await call(zj, users.publisher, 'POST', `/disputes/${raised.body.id}/resolution`, {
        outcome: 'corrected',
        newCertificateId: next.body.id,
      });
      expect(corrected.body).toMatchObject({
        status: 'corrected',
        resolution: { newCertificateId: next.body.id, late: false },
      });
      const wallet = await call(zj, users.holder, 'GET', '/wallet');
      expect(wallet.body.certificates[0]).toMatchObject({ id: next.body.id, disputed: false });
    });
  });
});
