import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { call, consentV1, insecureClient } from '@yrd/proto';
import { aDataItem, agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsent, startConsent } from './index.js';

// the provider of the resources, where the reviewer works
const ZJ_AGENCY = agencyCode('zj');
const SH_AGENCY = agencyCode('sh');
const AH_AGENCY = agencyCode('ah');

const resource = (code: string, o: Parameters<typeof aResource>[2] = {}) =>
  aResource('zj', code, {
    provider: { creditCode: ZJ_AGENCY, name: '浙江省市场监督管理局' },
    grade: 'important',
    items: [
      aDataItem('company_name'),
      aDataItem('credit_code', { piiKind: 'credit_code' }),
      aDataItem('legal_rep_name', { grade: 'important', personalInfo: true, piiKind: 'name' }),
      aDataItem('legal_rep_id', {
        grade: 'important',
        personalInfo: true,
        sensitivePersonalInfo: true,
        piiKind: 'id_number',
      }),
    ],
    ...o,
  });

const conditional = resource('330000-SCJG-00001');
const notShared = resource('330000-GAJ-00002', {
  name: '户籍信息',
  sharingTier: 'none',
  legalBasis: '《居民身份证法》第六条',
});

describe('consent across provinces on a real nats-server', () => {
  let tb: Testbed;
  let zjCatalog: RunningCatalog;
  let shCatalog: RunningCatalog;
  let zjConsent: RunningConsent;
  let shConsent: RunningConsent;

  const users = {
    shRequester: aPrincipal({ province: 'sh', sub: 'sh-u1', agency: SH_AGENCY }),
    zjReviewer: aPrincipal({ province: 'zj', sub: 'zj-r1', agency: ZJ_AGENCY, roles: ['reviewer'] }),
    zjOtherReviewer: aPrincipal({ province: 'zj', sub: 'zj-r2', agency: agencyCode('zj', 2), roles: ['reviewer'] }),
    shSubject: aPrincipal({ province: 'sh', sub: 'sh-p1', agency: '', roles: ['subject'], kind: 'individual' }),
  };

  const http = (base: string, who: Principal, method: string, path: string, body?: unknown) =>
    tb.http(base, who, method, path, body);

  const authorize = (req: Partial<consentV1.AuthorizeRequest>) => {
    const client = insecureClient(consentV1.ConsentServiceClient, `127.0.0.1:${zjConsent.grpcPort}`);
    const full: consentV1.AuthorizeRequest = {
      requester: undefined,
      resourceId: conditional.id,
      items: [],
      mode: 'query',
      purpose: '企业开办审批',
      grantId: '',
      consentId: '',
      subjectRef: '',
      at: '',
      ...req,
    };
    return call(client, client.authorize, full, {
      name: 'consent.Authorize',
      unavailableCode: 'CONSENT.UNAVAILABLE',
    }).finally(() => client.close());
  };

  const validUntil = new Date(Date.now() + 90 * 86400_000).toISOString();
  const purpose = '企业开办审批';

  beforeAll(async () => {
    tb = await createTestbed();
    const agencies = { nameOf: () => '某单位' };
    zjCatalog = await tb.started(
      startCatalog(await tb.deps('zj'), { agencies, seed: [conditional, notShared], resyncMs: 600_000 }),
    );
    shCatalog = await tb.started(startCatalog(await tb.deps('sh'), { agencies, resyncMs: 600_000 }));
    await shCatalog.federation.syncAll();
    const catalogAt = (c: RunningCatalog) => ({ grpcAddress: { catalog: `127.0.0.1:${c.grpcPort}` } });
    zjConsent = await tb.started(startConsent(await tb.deps('zj', catalogAt(zjCatalog)), { trust: tb.trust }));
    shConsent = await tb.started(startConsent(await tb.deps('sh', catalogAt(shCatalog)), { trust: tb.trust }));
  });

  afterAll(() => tb?.close());

  it('applies at 上海, is approved at 浙江, and Authorize at 浙江 allows the granted items masked', async () => {
    const items = ['company_name', 'credit_code', 'legal_rep_name', 'legal_rep_id'];
    const applied = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId: conditional.id,
      purpose,
      legalBasis: '《优化营商环境条例》',
      items,
      validUntil,
    });
    expect(applied.status).toBe(201);
    const appId = String(applied.body.id);
    expect(appId).toMatch(/^zj-app-/);
    expect(applied.body).toMatchObject({
      status: 'submitted',
      requesterProvince: 'sh',
      requesterAgency: SH_AGENCY,
      providerProvince: 'zj',
      modes: ['query'],
    });
    expect(Date.parse(String(applied.body.dueAt))).toBeGreaterThan(Date.now() + 13 * 86400_000);

    // read back at 上海: fetched from 浙江 over the lane
    const seen = await http(shConsent.httpUrl, users.shRequester, 'GET', `/api/consent/v1/applications/${appId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.id).toBe(appId);

    const other = await http(
      zjConsent.httpUrl,
      users.zjOtherReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve' },
    );
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('CONSENT.NOT_YOUR_RESOURCE');

    const noReason = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'reject', reason: ' ' },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('CONSENT.REASON_REQUIRED');

    const approved = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.application.status).toBe('approved');
    const grantId = String(approved.body.grant.id);
    expect(grantId).toMatch(/^zj-grant-/);
    expect(approved.body.grant).toMatchObject({
      items,
      purpose,
      modes: ['query'],
      status: 'active',
      requesterProvince: 'sh',
    });

    const twice = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve' },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CONSENT.ALREADY_DECIDED');

    const shActor = {
      userId: 'sh-u1',
      agencyCode: SH_AGENCY,
      province: 'sh',
      roles: ['requester'],
      requesterKind: 'government',
    };
    const allowed = await authorize({
      requester: shActor,
      grantId,
      items: ['company_name', 'credit_code', 'legal_rep_name'],
    });
    expect(allowed.allow).toBe(true);
    expect(allowed.allowedItems).toEqual(['company_name', 'credit_code', 'legal_rep_name']);
    expect(Object.fromEntries(allowed.masking.map((m) => [m.item, m.profile]))).toEqual({
      company_name: 'none',
      credit_code: 'none',
      legal_rep_name: 'name',
    });
    expect(allowed.resourceVersion).toBe(1);

    // sensitive item: needs the subject's consent, issued in 上海 and fetched + verified by 浙江
    const noConsent = await authorize({ requester: shActor, grantId, items: ['legal_rep_id'] });
    expect(noConsent.allow).toBe(false);
    expect(noConsent.denialCode).toBe('CONSENT.CONSENT_REQUIRED');
    const consent = await http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', {
      requesterAgency: SH_AGENCY,
      requesterProvince: 'sh',
      resourceId: conditional.id,
      items: ['legal_rep_id'],
      purpose,
      validUntil,
    });
    expect(consent.status).toBe(201);
    expect(String(consent.body.id)).toMatch(/^sh-consent-/);
    const withConsent = await authorize({
      requester: shActor,
      grantId,
      items: ['legal_rep_id'],
      consentId: String(consent.body.id),
    });
    expect(withConsent.allow).toBe(true);
    expect(withConsent.masking).toEqual([{ item: 'legal_rep_id', profile: 'id_number' }]);
    const revoked = await http(
      shConsent.httpUrl,
      users.shSubject,
      'DELETE',
      `/api/consent/v1/consents/${String(consent.body.id)}`,
    );
    expect(revoked.body.status).toBe('revoked');
    const afterRevoke = await authorize({
      requester: shActor,
      grantId,
      items: ['legal_rep_id'],
      consentId: String(consent.body.id),
    });
    expect(afterRevoke.denialCode).toBe('CONSENT.CONSENT_REVOKED');

    // 安徽 presenting 上海's grant
    const ah = await authorize({
      requester: {
        userId: 'ah-u1',
        agencyCode: AH_AGENCY,
        province: 'ah',
        roles: ['requester'],
        requesterKind: 'government',
      },
      grantId,
    });
    expect(ah.allow).toBe(false);
    expect(ah.denialCode).toBe('CONSENT.GRANT_NOT_YOURS');

    // the provider revokes the grant
    const revokedGrant = await http(zjConsent.httpUrl, users.zjReviewer, 'DELETE', `/api/consent/v1/grants/${grantId}`);
    expect(revokedGrant.body.status).toBe('revoked');
    const afterGrantRevoke = await authorize({ requester: shActor, grantId, items: ['company_name'] });
    expect(afterGrantRevoke.allow).toBe(false);
    expect(afterGrantRevoke.denialCode).toBe('CONSENT.GRANT_REVOKED');
  });

  it('refuses an application for a resource that is not shared, citing its legal basis', async () => {
    const r = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId: notShared.id,
      purpose,
      legalBasis: '无',
      items: ['company_name'],
      validUntil,
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('CONSENT.NOT_SHARED');
    expect(String(r.body.detail)).toContain('《居民身份证法》第六条');
  });

  it('answers malformed bodies and bad requests with problem+json', async () => {
    const bad = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId: conditional.id,
      items: 'all',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    const unknownItem = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId: conditional.id,
      purpose,
      legalBasis: 'x',
      items: ['nope'],
      validUntil,
    });
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.body.code).toBe('CONSENT.UNKNOWN_ITEM');
    const past = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId: conditional.id,
      purpose,
      legalBasis: 'x',
      items: ['company_name'],
      validUntil: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('CONSENT.VALID_UNTIL_PAST');
  });
});
