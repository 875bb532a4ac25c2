import { AuditPublisher } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { type DatabaseHandle, sql } from '@yrd/db';
import { auditStream, jetstreamManager, type NatsConnection } from '@yrd/nats';
import { call, consentV1, insecureClient } from '@yrd/proto';
import { aDataItem, agencyCode, aPrincipal, aResource, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
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
/** general data: one level of approval */
const general = resource('330000-SCJG-00003', {
  grade: 'general',
  items: [aDataItem('company_name'), aDataItem('credit_code', { piiKind: 'credit_code' })],
});
/** the entry's own conditions ask for each person's authorisation, whatever the items and the mode */
const withSubjectConsent = resource('330000-SCJG-00004', {
  grade: 'general',
  sharingConditions: '限“一网通办”场景使用；须取得本人授权',
  sharingModes: ['interface', 'verify', 'subscribe'],
  items: [aDataItem('company_name'), aDataItem('legal_rep_name', { personalInfo: true, piiKind: 'name' })],
});
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
  // each province's own NATS connection (its audit stream) and database, as its consent service has them
  const nc = {} as Record<'zj' | 'sh', NatsConnection>;
  const db = {} as Record<'zj' | 'sh', DatabaseHandle>;

  /** a province's audit stream, as its consent service published to it */
  const audited = (p: 'zj' | 'sh') => auditEventsIn(nc[p], p);
  const auditedOnce = async (p: 'zj' | 'sh', eventId: string) => {
    const found = (await audited(p)).events.filter((e) => e.eventId === eventId);
    expect(found, eventId).toHaveLength(1);
    return found[0]!;
  };
  const rowCount = async (p: 'zj' | 'sh', table: 'applications' | 'consents') =>
    (await db[p].rows<{ n: number }>(sql.raw(`select count(*)::int as n from consent.${table}`)))[0]?.n;
  /** takes a province's audit stream away (as when JetStream is down), then brings it back */
  const withoutAuditStream = async (p: 'zj' | 'sh', fn: () => Promise<void>) => {
    await (await jetstreamManager(nc[p])).streams.delete(auditStream(p));
    try {
      await fn();
    } finally {
      await new AuditPublisher(nc[p], p).ensure();
    }
  };

  const users = {
    shRequester: aPrincipal({ province: 'sh', sub: 'sh-u1', agency: SH_AGENCY }),
    zjReviewer: aPrincipal({ province: 'zj', sub: 'zj-r1', agency: ZJ_AGENCY, roles: ['reviewer'] }),
    zjOtherReviewer: aPrincipal({ province: 'zj', sub: 'zj-r2', agency: agencyCode('zj', 2), roles: ['reviewer'] }),
    /** 浙江's data authority (数据主管部门): the second level for important data */
    zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
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
  const consentBody = () => ({
    requesterAgency: SH_AGENCY,
    requesterProvince: 'sh',
    resourceId: conditional.id,
    items: ['legal_rep_id'],
    purpose,
    validUntil,
  });
  /** 上海's requester applies for 浙江's company names */
  const apply = (resourceId = conditional.id) =>
    http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      resourceId,
      purpose,
      legalBasis: '《优化营商环境条例》',
      items: ['company_name'],
      validUntil,
    });

  beforeAll(async () => {
    tb = await createTestbed();
    const agencies = { nameOf: () => '某单位' };
    zjCatalog = await tb.started(
      startCatalog(await tb.deps('zj'), {
        agencies,
        seed: [conditional, general, notShared, withSubjectConsent],
        resyncMs: 600_000,
      }),
    );
    shCatalog = await tb.started(startCatalog(await tb.deps('sh'), { agencies, resyncMs: 600_000 }));
    await shCatalog.federation.syncAll();
    const catalogAt = (c: RunningCatalog) => ({ grpcAddress: { catalog: `127.0.0.1:${c.grpcPort}` } });
    const zjDeps = await tb.deps('zj', catalogAt(zjCatalog));
    const shDeps = await tb.deps('sh', catalogAt(shCatalog));
    Object.assign(nc, { zj: zjDeps.nc, sh: shDeps.nc });
    Object.assign(db, { zj: zjDeps.db, sh: shDeps.db });
    zjConsent = await tb.started(startConsent(zjDeps, { trust: tb.trust }));
    shConsent = await tb.started(startConsent(shDeps, { trust: tb.trust }));
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
    // ten working days, to the end of the day in Beijing: at least 12 calendar days ahead (from a
    // Sunday night in Beijing to the Friday after next), whatever the day the test runs
    expect(Date.parse(String(applied.body.dueAt))).toBeGreaterThan(Date.now() + 11 * 86400_000);

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
    // another agency's reviewer cannot see the application, so it is not there for them (issue 10 §2)
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('CONSENT.APPLICATION_NOT_FOUND');

    const noReason = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'reject', reason: ' ' },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('CONSENT.REASON_REQUIRED');

    // important data: the provider's approval is the first level, the data authority's the second
    const firstLevel = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve' },
    );
    expect(firstLevel.status).toBe(200);
    expect(firstLevel.body.application).toMatchObject({ status: 'second_approval', firstApprovedBy: 'zj-r1' });
    expect(firstLevel.body.grant).toBeUndefined();
    const approved = await http(
      zjConsent.httpUrl,
      users.zjAdmin,
      'POST',
      `/api/consent/v1/applications/${appId}/second-approval`,
      { decision: 'approve' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.application.status).toBe('approved');
    expect(
      (approved.body.application.steps as { action: string; actorUser: string }[]).map((s) => [s.action, s.actorUser]),
    ).toEqual([
      ['submitted', 'sh-u1'],
      ['first_level_approved', 'zj-r1'],
      ['second_level_approved', 'zj-admin'],
    ]);
    const grantId = String(approved.body.grant.id);
    expect(grantId).toMatch(/^zj-grant-/);
    expect(approved.body.grant).toMatchObject({
      items,
      purpose,
      modes: ['query'],
      status: 'active',
      requesterProvince: 'sh',
    });
    // read back at 上海, where the requester works: fetched from 浙江 over the lane
    const grantAtSh = await http(shConsent.httpUrl, users.shRequester, 'GET', `/api/consent/v1/grants/${grantId}`);
    expect(grantAtSh.status).toBe(200);
    expect(grantAtSh.body).toMatchObject({ id: grantId, items, purpose, modes: ['query'], status: 'active' });
    // another 上海 agency is told there is no such grant, as at 浙江
    const otherAgency = aPrincipal({ province: 'sh', sub: 'sh-u9', agency: agencyCode('sh', 7) });
    const notTheirs = await http(shConsent.httpUrl, otherAgency, 'GET', `/api/consent/v1/grants/${grantId}`);
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.code).toBe('CONSENT.GRANT_NOT_FOUND');

    const twice = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve' },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CONSENT.ALREADY_DECIDED');

    // 浙江, which stores the application, has both facts on its audit stream, once each (the second
    // approval above re-published the same event id); 上海 only forwarded, and records nothing
    const submitted = await auditedOnce('zj', `${appId}:submitted`);
    expect(submitted).toMatchObject({
      province: 'zj',
      kind: 'consent.application.submitted',
      requestId: appId,
      resourceId: conditional.id,
      actorUser: 'sh-u1',
      actorAgency: SH_AGENCY,
      requesterProvince: 'sh',
      providerProvince: 'zj',
      outcome: 'ok',
      items,
    });
    expect(submitted.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditedOnce('zj', `${appId}:first_level_approved`)).toMatchObject({
      kind: 'consent.application.first_level_approved',
      actorUser: 'zj-r1',
      actorAgency: ZJ_AGENCY,
      outcome: 'ok',
    });
    expect(await auditedOnce('zj', `${appId}:decided`)).toMatchObject({
      kind: 'consent.application.approved',
      requestId: appId,
      actorUser: 'zj-admin',
      outcome: 'allow',
      code: 'CONSENT.APPLICATION_APPROVED',
      grantId,
    });
    expect((await audited('sh')).events.some((e) => e.requestId === appId)).toBe(false);

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
    const consent = await http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', consentBody());
    expect(consent.status).toBe(201);
    expect(String(consent.body.id)).toMatch(/^sh-consent-/);
    const withConsent = await authorize({
      requester: shActor,
      grantId,
      items: ['legal_rep_id'],
      consentId: String(consent.body.id),
      // a consent is one person's: the request names whose record it is about
      subjectRef: String(consent.body.subjectRef),
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
      subjectRef: String(consent.body.subjectRef),
    });
    expect(afterRevoke.denialCode).toBe('CONSENT.CONSENT_REVOKED');

    // a once-only consent: signed with its fetch type and algorithm, good for one fetch at 浙江
    const once = await http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', {
      ...consentBody(),
      fetchType: 'once',
    });
    expect(once.body).toMatchObject({ fetchType: 'once', alg: 'Ed25519' });
    const fetchOnce = () =>
      authorize({
        requester: shActor,
        grantId,
        items: ['legal_rep_id'],
        consentId: String(once.body.id),
        subjectRef: String(once.body.subjectRef),
      });
    expect((await fetchOnce()).allow).toBe(true);
    const second = await fetchOnce();
    expect(second.allow).toBe(false);
    expect(second.denialCode).toBe('CONSENT.CONSENT_USED');
    const mine = await http(shConsent.httpUrl, users.shSubject, 'GET', '/api/consent/v1/consents');
    expect((mine.body.consents as { id: string }[]).map((c) => c.id)).toEqual([
      String(once.body.id),
      String(consent.body.id),
    ]);
    // items that need no consent are still served under the grant: the consent is not consumed by them
    expect((await authorize({ requester: shActor, grantId, items: ['company_name'] })).allow).toBe(true);
    // the issuing province recorded the consent's life, naming the subject by reference only
    const consentId = String(consent.body.id);
    const created = await auditedOnce('sh', `${consentId}:created`);
    expect(created).toMatchObject({
      province: 'sh',
      kind: 'consent.consent.created',
      consentId,
      subjectRef: consent.body.subjectRef,
      resourceId: conditional.id,
      requesterProvince: 'sh',
      providerProvince: 'zj',
      actorUser: '',
      items: ['legal_rep_id'],
    });
    expect(created.subjectRef).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditedOnce('sh', `${consentId}:revoked`)).toMatchObject({
      kind: 'consent.consent.revoked',
      consentId,
      subjectRef: created.subjectRef,
    });

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
    expect(await auditedOnce('zj', `${grantId}:revoked`)).toMatchObject({
      kind: 'consent.grant.revoked',
      requestId: appId,
      grantId,
      actorUser: 'zj-r1',
      requesterProvince: 'sh',
    });

    // ids and hashes only: no free text of the application, no subject's account
    const all = JSON.stringify([...(await audited('zj')).events, ...(await audited('sh')).events]);
    for (const text of [purpose, '《优化营商环境条例》', 'sh-p1']) expect(all).not.toContain(text);
  });

  it('records a rejection with a stable code, never the reviewer’s reason', async () => {
    const reason = '材料不全：缺少营业执照副本及授权委托书';
    const applied = await apply();
    expect(applied.status).toBe(201);
    const appId = String(applied.body.id);
    const rejected = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'reject', reason },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.application).toMatchObject({ status: 'rejected', reason });

    const { events } = await audited('zj');
    expect(events.filter((e) => e.requestId === appId).map((e) => e.kind)).toEqual([
      'consent.application.submitted',
      'consent.application.rejected',
    ]);
    expect(await auditedOnce('zj', `${appId}:decided`)).toMatchObject({
      outcome: 'deny',
      code: 'CONSENT.APPLICATION_REJECTED',
      grantId: '',
    });
    expect(JSON.stringify(events)).not.toContain(reason);
    expect(JSON.stringify(events)).not.toContain('营业执照');
  });

  it('refuses a consent for an entry that does not exist or for items the entry does not have, and keeps nothing', async () => {
    const before = await rowCount('sh', 'consents');
    const post = (body: Record<string, unknown>) =>
      http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', { ...consentBody(), ...body });
    const missing = await post({ resourceId: 'zj.330000-SCJG-99999' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('CONSENT.UNKNOWN_RESOURCE');
    const item = await post({ items: ['legal_rep_id', 'no_such_item'] });
    expect(item.status).toBe(400);
    expect(item.body.code).toBe('CONSENT.UNKNOWN_ITEM');
    expect(await rowCount('sh', 'consents')).toBe(before);
  });

  it('without the audit trail, stores no new fact and keeps a change, which a retry then puts on record', async () => {
    // a new application (at the provider, over the lane) or consent: refused, and not kept
    const before = { apps: await rowCount('zj', 'applications'), consents: await rowCount('sh', 'consents') };
    await withoutAuditStream('zj', async () => {
      const r = await apply();
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('AUDIT.UNAVAILABLE');
    });
    await withoutAuditStream('sh', async () => {
      const r = await http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', consentBody());
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('AUDIT.UNAVAILABLE');
    });
    expect(await rowCount('zj', 'applications')).toBe(before.apps);
    expect(await rowCount('sh', 'consents')).toBe(before.consents);

    // a change: kept, and the caller's retry records it without changing anything twice
    const consent = await http(shConsent.httpUrl, users.shSubject, 'POST', '/api/consent/v1/consents', consentBody());
    expect(consent.status).toBe(201);
    const consentId = String(consent.body.id);
    const revoke = () => http(shConsent.httpUrl, users.shSubject, 'DELETE', `/api/consent/v1/consents/${consentId}`);
    await withoutAuditStream('sh', async () => {
      const r = await revoke();
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('AUDIT.UNAVAILABLE');
    });
    const stored = await http(shConsent.httpUrl, users.shSubject, 'GET', `/api/consent/v1/consents/${consentId}`);
    expect(stored.body.status).toBe('revoked');
    const retried = await revoke();
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'revoked', revokedAt: stored.body.revokedAt });
    expect(await auditedOnce('sh', `${consentId}:revoked`)).toMatchObject({
      kind: 'consent.consent.revoked',
      occurredAt: stored.body.revokedAt,
    });
    await revoke();
    await auditedOnce('sh', `${consentId}:revoked`);

    // a decision likewise: the retry finds it decided (409) after putting it on record
    const applied = await apply(general.id);
    expect(applied.status).toBe(201);
    const appId = String(applied.body.id);
    const decide = () =>
      http(zjConsent.httpUrl, users.zjReviewer, 'POST', `/api/consent/v1/applications/${appId}/decision`, {
        decision: 'approve',
      });
    await withoutAuditStream('zj', async () => {
      const r = await decide();
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('AUDIT.UNAVAILABLE');
    });
    const again = await decide();
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONSENT.ALREADY_DECIDED');
    const decided = await auditedOnce('zj', `${appId}:decided`);
    expect(decided).toMatchObject({ kind: 'consent.application.approved', outcome: 'allow' });
    expect(decided.grantId).toMatch(/^zj-grant-/);
  });

  it('holds every mode of an entry whose conditions require the person’s consent to it, read from the catalogue', async () => {
    const body = {
      resourceId: withSubjectConsent.id,
      purpose,
      legalBasis: '《优化营商环境条例》',
      items: ['company_name'],
      validUntil,
    };
    // a grant to subscribe could never be used: refused when it is asked for
    const feed = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      ...body,
      modes: ['query', 'subscribe'],
    });
    expect(feed.status).toBe(403);
    expect(feed.body.code).toBe('CONSENT.CONSENT_NOT_SUBSCRIBABLE');
    // granted for query and verify, it still needs the person's consent in both, for any item
    const applied = await http(shConsent.httpUrl, users.shRequester, 'POST', '/api/consent/v1/applications', {
      ...body,
      modes: ['query', 'verify'],
    });
    expect(applied.status).toBe(201);
    const decided = await http(
      zjConsent.httpUrl,
      users.zjReviewer,
      'POST',
      `/api/consent/v1/applications/${String(applied.body.id)}/decision`,
      { decision: 'approve', reason: '符合条件' },
    );
    const grantId = String((decided.body.grant as { id: string }).id);
    const requester = {
      userId: 'sh-u1',
      agencyCode: SH_AGENCY,
      province: 'sh',
      roles: ['requester'],
      requesterKind: 'government',
    };
    const ask = (o: Partial<consentV1.AuthorizeRequest>) =>
      authorize({ requester, resourceId: withSubjectConsent.id, grantId, items: ['company_name'], ...o });
    for (const mode of ['query', 'verify'] as const) {
      const d = await ask({ mode, subjectRef: 'subj-1' });
      expect(d).toMatchObject({ allow: false, denialCode: 'CONSENT.CONSENT_REQUIRED' });
      expect(d.reasons.map((r) => r.ruleId)).toEqual(['R-SUBJECT-CONSENT']);
      const unknown = await ask({
        mode,
        subjectRef: 'subj-1',
        consentId: 'sh-consent-00000000-0000-4000-8000-000000000000',
      });
      expect(unknown).toMatchObject({ allow: false, denialCode: 'CONSENT.UNKNOWN_CONSENT' });
    }
    const sub = await ask({ mode: 'subscribe' });
    expect(sub.reasons.map((r) => r.code)).toContain('CONSENT.CONSENT_NOT_SUBSCRIBABLE');
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

  it('a submission sent again with its Idempotency-Key answers the application it filed, across the lane; another submission under that key is refused', async () => {
    const body = {
      resourceId: conditional.id,
      purpose,
      legalBasis: '《优化营商环境条例》',
      items: ['company_name', 'credit_code'],
      validUntil,
    };
    const key = { 'idempotency-key': 'b6f1c2d4-5e7a-4b8c-9d0e-1f2a3b4c5d6e' };
    const apply = (b: unknown, headers: Record<string, string>, who: Principal = users.shRequester) =>
      tb.http(shConsent.httpUrl, who, 'POST', '/api/consent/v1/applications', b, headers);
    const first = await apply(body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const id = String(first.body.id);
    expect(id).toMatch(/^zj-app-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // the same submission again (items in another order): the same application, nothing new filed
    const again = await apply({ ...body, items: ['credit_code', 'company_name'] }, key);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id, status: 'submitted' });
    const twice = await Promise.all([apply(body, key), apply(body, key)]);
    for (const r of twice) expect(r.body).toMatchObject({ id });
    const stored = await db.zj.rows<{ n: number }>(
      sql`select count(*)::int as n from consent.applications where id = ${id}`,
    );
    expect(stored[0]?.n).toBe(1);
    const submitted = (await audited('zj')).events.filter(
      (e) => e.kind === 'consent.application.submitted' && e.requestId === id,
    );
    expect(submitted).toHaveLength(1);
    // 我的申请 at 上海 holds it once
    const mine = await http(shConsent.httpUrl, users.shRequester, 'GET', '/api/consent/v1/outgoing-applications');
    expect((mine.body.applications as { id: string }[]).filter((a) => a.id === id)).toHaveLength(1);

    // the same key with another purpose: refused, and nothing filed
    const other = await apply({ ...body, purpose: '另一个用途' }, key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('CONSENT.IDEMPOTENCY_KEY_REUSED');
    expect(String(other.body.detail)).toMatch(/幂等键/);
    // another user's key of the same text names another application
    const colleague = aPrincipal({ province: 'sh', sub: 'sh-u9', agency: SH_AGENCY });
    const theirs = await apply(body, key, colleague);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(id);
    // without a key, every submission is an application of its own
    const a = await apply(body, {});
    const b = await apply(body, {});
    expect(a.body.id).not.toBe(b.body.id);
    // two first submissions at once under a new key: one application
    const fresh = { 'idempotency-key': 'c0ffee00-1111-4222-8333-444455556666' };
    const racing = await Promise.all([apply(body, fresh), apply(body, fresh)]);
    expect(racing.map((r) => r.status)).toEqual([201, 201]);
    expect(racing[0]?.body.id).toBe(racing[1]?.body.id);
    const raced = await db.zj.rows<{ n: number }>(
      sql`select count(*)::int as n from consent.applications where id = ${String(racing[0]?.body.id)}`,
    );
    expect(raced[0]?.n).toBe(1);
    // a key that is not one
    for (const bad of ['short', 'has space in it', 'x'.repeat(129)]) {
      const r = await apply(body, { 'idempotency-key': bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.code).toBe('REQUEST.INVALID');
    }
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
