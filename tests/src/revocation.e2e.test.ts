import type { Region } from '@yrd/node';
import { agencyBySlug, demoSubject, userById } from '@yrd/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RegionClient, type Response, startSeededRegion } from './client.js';

const resourceId = 'js.320000-RSJ-00001'; // 江苏 社会保险缴费信息: conditional, ID numbers need consent
const purpose = '社保关系转移接续';
const items = ['id_number', 'person_name', 'contribution_months', 'last_contribution'];
const subject = userById('ah-subject-01'); // 孙八方: lives in 安徽, insured in 江苏
const idNumber = subject.idNumber ?? '';
const bound = 1000; // the issue: every province refuses within one second

interface Problem {
  code?: string;
  reasons?: { ruleId: string; code: string }[];
  records?: Record<string, string>[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('revocation is immediate everywhere', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let region: Region;
  let api: RegionClient;
  let grantId: string;
  let consentId: string;
  let run = 0;

  /** 上海 人社局 queries 江苏 for the subject's record; every call has its own request id */
  const query = (o: { consentId?: string; items?: string[]; idNumber?: string } = {}) => {
    const requestId = `e2e-revocation-${++run}`;
    return api
      .as<Problem>(
        'sh-rsj-requester',
        'sh',
        'POST',
        '/api/exchange/v1/queries',
        {
          resourceId,
          purpose,
          key: { id_number: o.idNumber ?? idNumber },
          grantId,
          ...(o.consentId ? { consentId: o.consentId } : {}),
          ...(o.items ? { items: o.items } : {}),
        },
        { 'x-request-id': requestId },
      )
      .then((r) => ({ ...r, requestId }));
  };

  /**
   * Revokes, then polls the query every ~20 ms until the first refusal: how long after the revoke
   * returned it came, and after how many queries that were still served.
   */
  const timeToRefusal = async (
    revoke: () => Promise<Response>,
    poll: () => Promise<Response<Problem> & { requestId: string }>,
  ) => {
    const revoked = await revoke();
    expect(revoked.status).toBe(200);
    const returned = performance.now();
    let served = 0;
    for (;;) {
      const r = await poll();
      if (r.status !== 200) return { ms: Math.round(performance.now() - returned), served, refusal: r };
      served++;
      if (performance.now() - returned > 5 * bound) throw new Error(`still served ${served} queries after the revoke`);
      await sleep(20);
    }
  };

  /** an exchange record of a province's audit log for one request */
  const audited = (p: 'sh' | 'js', requestId: string) =>
    eventually(async () => {
      const r = await api.as<{ records?: { outcome: string; code: string; consentId: string; grantId: string }[] }>(
        `${p}-auditor`,
        p,
        'GET',
        `/api/audit/v1/records?requestId=${requestId}`,
      );
      return r.body.records?.[0];
    });

  beforeAll(async () => {
    started = await startSeededRegion('revocation');
    region = started.region;
    api = new RegionClient(region);

    // 上海 applies for 江苏's record; 江苏 approves (a second level where its rules ask for one)
    const applied = await api.as<{ id: string }>('sh-rsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId,
      purpose,
      legalBasis: '《社会保险法》第十九条',
      items,
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status).toBe(201);
    const path = `/api/consent/v1/applications/${applied.body.id}`;
    type Decided = { application: { status: string }; grant?: { id: string } };
    let decided = await api.as<Decided>('js-rst-reviewer', 'js', 'POST', `${path}/decision`, {
      decision: 'approve',
      reason: '社保关系转移',
    });
    if (decided.body.application?.status === 'second_approval') {
      decided = await api.as<Decided>('js-admin', 'js', 'POST', `${path}/second-approval`, {
        decision: 'approve',
        reason: '社保关系转移',
      });
    }
    expect(decided.status).toBe(200);
    grantId = decided.body.grant?.id ?? '';
    expect(grantId).toMatch(/^js-grant-/);

    // the 安徽 resident consents, at 安徽
    const consent = await api.as<{ id: string }>('ah-subject-01', 'ah', 'POST', '/api/consent/v1/consents', {
      requesterAgency: agencyBySlug('sh', 'rsj').creditCode,
      requesterProvince: 'sh',
      resourceId,
      items,
      purpose,
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(consent.status).toBe(201);
    consentId = consent.body.id;
    expect(consentId).toMatch(/^ah-consent-/);
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('a consent revoked in 安徽 stops 上海’s query to 江苏 within a second, refused in both', async () => {
    const before = await query({ consentId });
    expect(before.status).toBe(200);
    expect(before.body.records?.length).toBeGreaterThan(0);

    const t = await timeToRefusal(
      () => api.as('ah-subject-01', 'ah', 'DELETE', `/api/consent/v1/consents/${consentId}`),
      () => query({ consentId }),
    );
    console.log(`consent revoked at 安徽 → first refusal at 上海: ${t.ms} ms (${t.served} queries served after)`);
    expect(t.refusal.status).toBe(403);
    expect(t.refusal.body.code).toBe('CONSENT.CONSENT_REVOKED');
    expect(t.ms).toBeLessThan(bound);

    // 江苏, the provider, refused it; 上海, the requester, refused it to its user: both on record
    for (const p of ['js', 'sh'] as const) {
      expect(await audited(p, t.refusal.requestId)).toMatchObject({
        outcome: 'deny',
        code: 'CONSENT.CONSENT_REVOKED',
        consentId,
      });
    }
  });

  it('江苏 still refuses it when 安徽’s consent service is gone, without waiting on 安徽', async () => {
    await region.nodes.ah.services.consent?.stop();
    const asked = performance.now();
    const r = await query({ consentId });
    const ms = Math.round(performance.now() - asked);
    console.log(`query naming the revoked consent, its issuer down: refused in ${ms} ms`);
    expect(r.status).toBe(403);
    // not CONSENT_REQUIRED (the artefact cannot be read): 江苏's revocation register knows
    expect(r.body.code).toBe('CONSENT.CONSENT_REVOKED');
    expect(r.body.reasons?.map((x) => x.ruleId)).toEqual(['R-SENSITIVE-CONSENT']);
    expect(ms).toBeLessThan(bound);
  });

  it('a grant revoked at 江苏 stops 上海’s query within a second', async () => {
    // the entry's conditions ask for the person's consent whatever the items (安徽's consent service
    // is down by now): the demo subject's seeded consent, issued at 上海, stands behind these queries
    const mine = await api.as<{ consents: { id: string; resourceId: string }[] }>(
      demoSubject.id,
      'sh',
      'GET',
      '/api/consent/v1/consents',
    );
    const seeded = mine.body.consents.find((c) => c.resourceId === resourceId)?.id ?? '';
    const withConsent = {
      items: ['contribution_months', 'last_contribution'],
      consentId: seeded,
      idNumber: demoSubject.idNumber,
    };
    const before = await query(withConsent);
    expect(before.status).toBe(200);
    expect(before.body.records?.length).toBeGreaterThan(0);

    const t = await timeToRefusal(
      () => api.as('js-rst-reviewer', 'js', 'DELETE', `/api/consent/v1/grants/${grantId}`),
      () => query(withConsent),
    );
    console.log(`grant revoked at 江苏 → first refusal at 上海: ${t.ms} ms (${t.served} queries served after)`);
    expect(t.refusal.status).toBe(403);
    expect(t.refusal.body.code).toBe('CONSENT.GRANT_REVOKED');
    expect(t.ms).toBeLessThan(bound);
    for (const p of ['js', 'sh'] as const) {
      expect(await audited(p, t.refusal.requestId)).toMatchObject({
        outcome: 'deny',
        code: 'CONSENT.GRANT_REVOKED',
        grantId,
      });
    }
  });
});
