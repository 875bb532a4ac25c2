/**
 * Access inside a province follows the agency (issue 10 §2), through HTTP: whoever may not see an
 * application, a grant or a consent gets 404, as if it did not exist, for a read, a list and a write.
 */
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsent, startConsent } from './index.js';

// 浙江: 大数据局 provides the resource, 市场监管局 is another agency, the admin sits at the data authority
const ZJ_DSJJ = agencyCode('zj', 2);
const ZJ_SCJG = agencyCode('zj', 3);
const ZJ_AUTHORITY = agencyCode('zj', 9);
const SH_REQUESTER = agencyCode('sh', 4);
const SH_OTHER = agencyCode('sh', 5);

const ofDsjj = aResource('zj', '330000-DSJ-00071', {
  provider: { creditCode: ZJ_DSJJ, name: '浙江省大数据发展管理局' },
});

const users = {
  shRequester: aPrincipal({ province: 'sh', sub: 'sh-req', agency: SH_REQUESTER }),
  shOtherRequester: aPrincipal({ province: 'sh', sub: 'sh-req-2', agency: SH_OTHER }),
  dsjjReviewer: aPrincipal({ province: 'zj', sub: 'zj-dsjj-rev', agency: ZJ_DSJJ, roles: ['reviewer'] }),
  scjgReviewer: aPrincipal({ province: 'zj', sub: 'zj-scjg-rev', agency: ZJ_SCJG, roles: ['reviewer'] }),
  scjgRequester: aPrincipal({ province: 'zj', sub: 'zj-scjg-req', agency: ZJ_SCJG, roles: ['requester'] }),
  dsjjPublisher: aPrincipal({ province: 'zj', sub: 'zj-dsjj-pub', agency: ZJ_DSJJ, roles: ['publisher'] }),
  zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: ZJ_AUTHORITY, roles: ['admin'] }),
  zjAuditor: aPrincipal({ province: 'zj', sub: 'zj-auditor', agency: ZJ_AUTHORITY, roles: ['auditor'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
  shSubject: aPrincipal({ province: 'sh', sub: 'sh-p1', agency: '', roles: ['subject'], kind: 'individual' }),
  shOtherSubject: aPrincipal({ province: 'sh', sub: 'sh-p2', agency: '', roles: ['subject'], kind: 'individual' }),
};

describe('consent records follow the agency, not only the province', () => {
  let tb: Testbed;
  let zjConsent: RunningConsent;
  let shConsent: RunningConsent;
  let appId = '';
  let grantId = '';
  let consentId = '';

  const at = (c: RunningConsent, who: Principal, method: string, path: string, body?: unknown) =>
    tb.http(c.httpUrl, who, method, `/api/consent/v1${path}`, body);
  const refused = async (p: ReturnType<typeof at>, status: number, code: string) => {
    const res = await p;
    expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([status, code]);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  };

  beforeAll(async () => {
    tb = await createTestbed();
    const agencies = { nameOf: () => '某单位' };
    const zjCatalog: RunningCatalog = await tb.started(
      startCatalog(await tb.deps('zj'), { agencies, seed: [ofDsjj], resyncMs: 600_000 }),
    );
    const shCatalog: RunningCatalog = await tb.started(
      startCatalog(await tb.deps('sh'), { agencies, resyncMs: 600_000 }),
    );
    await shCatalog.federation.syncAll();
    const catalogAt = (c: RunningCatalog) => ({ grpcAddress: { catalog: `127.0.0.1:${c.grpcPort}` } });
    zjConsent = await tb.started(startConsent(await tb.deps('zj', catalogAt(zjCatalog)), { trust: tb.trust }));
    shConsent = await tb.started(startConsent(await tb.deps('sh', catalogAt(shCatalog)), { trust: tb.trust }));

    const applied = await at(shConsent, users.shRequester, 'POST', '/applications', {
      resourceId: ofDsjj.id,
      purpose: '场馆客流与公共安全保障',
      legalBasis: '《上海市公共数据管理办法》',
      items: ['company_name'],
      validUntil: new Date(Date.now() + 30 * 86400_000).toISOString(),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    appId = String(applied.body.id);
  });

  afterAll(() => tb?.close());

  it('another agency’s reviewer in the provider province neither sees nor decides 大数据局’s application', async () => {
    await refused(
      at(zjConsent, users.scjgReviewer, 'GET', `/applications/${appId}`),
      404,
      'CONSENT.APPLICATION_NOT_FOUND',
    );
    // a write by id answers as a read would: the id tells nothing
    await refused(
      at(zjConsent, users.scjgReviewer, 'POST', `/applications/${appId}/decision`, { decision: 'approve' }),
      404,
      'CONSENT.APPLICATION_NOT_FOUND',
    );
    const list = await at(zjConsent, users.scjgReviewer, 'GET', '/applications');
    expect(list.status).toBe(200);
    expect((list.body.applications as { id: string }[]).map((a) => a.id)).not.toContain(appId);
    // and no more than a made-up id would tell
    await refused(
      at(zjConsent, users.scjgReviewer, 'GET', '/applications/zj-app-00000000-0000-4000-8000-000000000000'),
      404,
      'CONSENT.APPLICATION_NOT_FOUND',
    );
  });

  it('nor does the provider province’s auditor, another agency’s requester, or another province’s admin', async () => {
    for (const who of [
      users.zjAuditor,
      users.scjgRequester,
      users.dsjjPublisher,
      users.shAdmin,
      users.shOtherRequester,
    ]) {
      const viaProvider = await at(zjConsent, who, 'GET', `/applications/${appId}`);
      expect([viaProvider.status, viaProvider.body.code], who.sub).toEqual([404, 'CONSENT.APPLICATION_NOT_FOUND']);
    }
    // read at 上海 over the lane: 上海's other agency gets nothing either
    await refused(
      at(shConsent, users.shOtherRequester, 'GET', `/applications/${appId}`),
      404,
      'CONSENT.APPLICATION_NOT_FOUND',
    );
  });

  it('the requesting agency, the providing agency and the data authority see it', async () => {
    for (const [svc, who] of [
      [shConsent, users.shRequester],
      [zjConsent, users.dsjjReviewer],
      [zjConsent, users.zjAdmin],
    ] as const) {
      const res = await at(svc, who, 'GET', `/applications/${appId}`);
      expect([res.status, res.body.id], who.sub).toEqual([200, appId]);
    }
    const worklist = await at(zjConsent, users.dsjjReviewer, 'GET', '/applications');
    expect((worklist.body.applications as { id: string }[]).map((a) => a.id)).toContain(appId);
  });

  it('the grant: 404 for another agency’s reviewer (read and revoke), visible to both agencies', async () => {
    const approved = await at(zjConsent, users.dsjjReviewer, 'POST', `/applications/${appId}/decision`, {
      decision: 'approve',
      reason: '符合共享条件',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    grantId = String(approved.body.grant.id);

    await refused(at(zjConsent, users.scjgReviewer, 'GET', `/grants/${grantId}`), 404, 'CONSENT.GRANT_NOT_FOUND');
    await refused(at(zjConsent, users.scjgReviewer, 'DELETE', `/grants/${grantId}`), 404, 'CONSENT.GRANT_NOT_FOUND');
    await refused(at(zjConsent, users.shOtherRequester, 'GET', `/grants/${grantId}`), 404, 'CONSENT.GRANT_NOT_FOUND');
    await refused(at(zjConsent, users.zjAuditor, 'GET', `/grants/${grantId}`), 404, 'CONSENT.GRANT_NOT_FOUND');

    for (const who of [users.shRequester, users.dsjjReviewer, users.zjAdmin]) {
      const res = await at(zjConsent, who, 'GET', `/grants/${grantId}`);
      expect([res.status, res.body.id], who.sub).toEqual([200, grantId]);
    }
  });

  it('who may see a grant but not revoke it is told why (403); its providing agency revokes it', async () => {
    // the admin sees it, and the route wants a reviewer
    await refused(at(zjConsent, users.zjAdmin, 'DELETE', `/grants/${grantId}`), 403, 'AUTH.ROLE_REQUIRED');
    const both = { ...users.shRequester, sub: 'sh-req-rev', roles: ['requester', 'reviewer'] as Principal['roles'] };
    await refused(at(zjConsent, both, 'DELETE', `/grants/${grantId}`), 403, 'CONSENT.NOT_YOUR_RESOURCE');
    const revoked = await at(zjConsent, users.dsjjReviewer, 'DELETE', `/grants/${grantId}`);
    expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
  });

  it('a consent: its subject alone, 404 for another subject of the same province', async () => {
    const created = await at(shConsent, users.shSubject, 'POST', '/consents', {
      requesterAgency: SH_REQUESTER,
      requesterProvince: 'sh',
      resourceId: ofDsjj.id,
      items: ['company_name'],
      purpose: '场馆客流与公共安全保障',
      validUntil: new Date(Date.now() + 30 * 86400_000).toISOString(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    consentId = String(created.body.id);
    await refused(
      at(shConsent, users.shOtherSubject, 'GET', `/consents/${consentId}`),
      404,
      'CONSENT.CONSENT_NOT_FOUND',
    );
    await refused(
      at(shConsent, users.shOtherSubject, 'DELETE', `/consents/${consentId}`),
      404,
      'CONSENT.CONSENT_NOT_FOUND',
    );
    const theirs = await at(shConsent, users.shOtherSubject, 'GET', '/consents');
    expect(theirs.body.consents).toEqual([]);
    // staff are refused by role, whatever the id: the answer tells nothing of the consent
    await refused(at(shConsent, users.shRequester, 'GET', `/consents/${consentId}`), 403, 'AUTH.ROLE_REQUIRED');
    const own = await at(shConsent, users.shSubject, 'GET', `/consents/${consentId}`);
    expect([own.status, own.body.id]).toEqual([200, consentId]);
  });
});
