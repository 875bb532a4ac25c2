/**
 * Consent conditions are honoured in every mode (issue 10 §4), through HTTP on the seeded region:
 * - scenario 4: 浙里办 verifies a 随申办 identity. The entry's conditions require the person's own
 *   authorisation (须取得本人授权): a grant alone is refused, a consent id that does not exist is
 *   refused with its own code, and the seeded consent serves it;
 * - scenario 2: 上海 人社局 queries the 江苏 contribution record with the seeded consent, and is
 *   refused once the person revokes it.
 */
import type { Region } from '@yrd/node';
import { demoSubject, subjects } from '@yrd/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionClient, startSeededRegion } from './client.js';

const identity = 'sh.310000-DSJ-00001'; // 随申办实名身份认证信息: conditional, verify, 须取得本人授权
const identityPurpose = '浙里办场馆预约实名核验';
const insurance = 'js.320000-RSJ-00001'; // 江苏 社会保险缴费信息: conditional, query, 须取得本人单独同意
const insurancePurpose = '社保关系转移接续';
const insuranceItems = ['id_number', 'person_name', 'contribution_months', 'last_contribution'];

interface Problem {
  code?: string;
  reasons?: { ruleId: string; code: string; message: string }[];
  results?: Record<string, boolean>;
  records?: Record<string, string>[];
}
interface Decided {
  application?: { status: string };
  grant?: { id: string };
}
interface StoredConsent {
  id: string;
  resourceId: string;
  status: string;
}

describe('consent conditions, in every mode, on the seeds', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let region: Region;
  let api: RegionClient;

  /** A grant from the provider: the reviewer approves, and the data authority too for important data. */
  const grantOf = async (o: {
    requester: string;
    reviewer: string;
    admin: string;
    resourceId: string;
    purpose: string;
    items: string[];
    modes: string[];
  }): Promise<string> => {
    const requesterProvince = o.requester.slice(0, 2) as 'sh' | 'zj';
    const provider = o.reviewer.slice(0, 2) as 'sh' | 'js';
    const applied = await api.as<{ id: string }>(
      o.requester,
      requesterProvince,
      'POST',
      '/api/consent/v1/applications',
      {
        resourceId: o.resourceId,
        purpose: o.purpose,
        legalBasis: '《长三角一体化发展规划纲要》；《中华人民共和国个人信息保护法》第十三条',
        items: o.items,
        modes: o.modes,
        validUntil: '2027-12-31T23:59:59+08:00',
      },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const path = `/api/consent/v1/applications/${applied.body.id}`;
    let decided = await api.as<Decided>(o.reviewer, provider, 'POST', `${path}/decision`, {
      decision: 'approve',
      reason: '符合共享条件',
    });
    if (decided.body.application?.status === 'second_approval') {
      decided = await api.as<Decided>(o.admin, provider, 'POST', `${path}/second-approval`, {
        decision: 'approve',
        reason: '符合共享条件',
      });
    }
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const id = decided.body.grant?.id ?? '';
    expect(id).toMatch(new RegExp(`^${provider}-grant-`));
    return id;
  };

  /** The id the seeds gave the demo subject's consent for a resource: the subject lists their own. */
  const seededConsent = async (resourceId: string): Promise<string> => {
    const mine = await api.as<{ consents: StoredConsent[] }>(demoSubject.id, 'sh', 'GET', '/api/consent/v1/consents');
    expect(mine.status).toBe(200);
    const c = mine.body.consents.find((x) => x.resourceId === resourceId && x.status === 'active');
    expect(c, `a seeded consent for ${resourceId}`).toBeDefined();
    return c?.id ?? '';
  };

  beforeAll(async () => {
    started = await startSeededRegion('consent-conditions');
    region = started.region;
    api = new RegionClient(region);
  });

  afterAll(async () => {
    await started?.stop();
  });

  describe('scenario 4 · 浙里办 verifies a 随申办 identity', () => {
    let grantId: string;
    let run = 0;
    const verify = (o: { consentId?: string; idNumber?: string; claims?: Record<string, string> } = {}) =>
      api.as<Problem>(
        'zj-dsjj-requester',
        'zj',
        'POST',
        '/api/exchange/v1/verifications',
        {
          resourceId: identity,
          purpose: identityPurpose,
          key: { id_number: o.idNumber ?? demoSubject.idNumber },
          claims: o.claims ?? { person_name: demoSubject.name, auth_level: 'L3' },
          grantId,
          ...(o.consentId === undefined ? {} : { consentId: o.consentId }),
        },
        { 'x-request-id': `e2e-consent-verify-${++run}` },
      );

    beforeAll(async () => {
      grantId = await grantOf({
        requester: 'zj-dsjj-requester',
        reviewer: 'sh-dsj-reviewer',
        admin: 'sh-admin',
        resourceId: identity,
        purpose: identityPurpose,
        items: ['id_number', 'person_name', 'phone', 'auth_level'],
        modes: ['verify'],
      });
    });

    it('is refused with a grant alone: the entry requires the person’s own authorisation', async () => {
      const r = await verify();
      expect(r.status).toBe(403);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.code).toBe('CONSENT.CONSENT_REQUIRED');
      expect(r.body.reasons).toEqual([
        expect.objectContaining({ ruleId: 'R-SUBJECT-CONSENT', code: 'CONSENT.CONSENT_REQUIRED' }),
      ]);
      expect(r.body.reasons?.[0]?.message).toContain('本人授权');
      expect(r.body.results).toBeUndefined();
    });

    it.each([
      ['a well-formed id nobody issued', 'sh-consent-00000000-0000-4000-8000-000000000000'],
      ['an id of another issuing province', 'js-consent-00000000-0000-4000-8000-000000000000'],
      ['an id no province issues', 'consent-demo-0002'],
    ])('is refused with its own code for %s', async (_label, consentId) => {
      const r = await verify({ consentId });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('CONSENT.UNKNOWN_CONSENT');
      expect(r.body.reasons?.map((x) => x.code)).toEqual(['CONSENT.UNKNOWN_CONSENT']);
    });

    it('is served with the seeded consent, and answers match / no match only', async () => {
      const consentId = await seededConsent(identity);
      const r = await verify({ consentId });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results).toEqual({ person_name: true, auth_level: true });
      expect(r.body.records).toBeUndefined();
      const wrong = await verify({ consentId, claims: { person_name: '王某某' } });
      expect(wrong.status).toBe(200);
      expect(wrong.body.results).toEqual({ person_name: false });
    });

    it('does not stretch the seeded consent to another person', async () => {
      const consentId = await seededConsent(identity);
      const other = subjects.find((s) => s.id !== demoSubject.id && s.idNumber)?.idNumber ?? '';
      const r = await verify({ consentId, idNumber: other });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('CONSENT.CONSENT_SUBJECT_MISMATCH');
    });

    it('does not stretch the seeded consent to items it does not name, or to another requester', async () => {
      const consentId = await seededConsent(identity);
      // the grant and the consent both name the items checked; another agency's officer has neither
      const r = await api.as<Problem>('sh-scjgj-requester', 'sh', 'POST', '/api/exchange/v1/verifications', {
        resourceId: identity,
        purpose: identityPurpose,
        key: { id_number: demoSubject.idNumber },
        claims: { person_name: demoSubject.name },
        consentId,
      });
      expect(r.status).toBe(403);
      expect(r.body.reasons?.map((x) => x.code)).toEqual(
        expect.arrayContaining(['CONSENT.NO_GRANT', 'CONSENT.CONSENT_NOT_YOURS']),
      );
    });
  });

  describe('scenario 2 · 江苏 contribution months reach 上海 人社局 with the person’s consent', () => {
    let grantId: string;
    const query = (consentId?: string) =>
      api.as<Problem>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
        resourceId: insurance,
        purpose: insurancePurpose,
        key: { id_number: demoSubject.idNumber },
        grantId,
        ...(consentId === undefined ? {} : { consentId }),
      });

    beforeAll(async () => {
      grantId = await grantOf({
        requester: 'sh-rsj-requester',
        reviewer: 'js-rst-reviewer',
        admin: 'js-admin',
        resourceId: insurance,
        purpose: insurancePurpose,
        items: insuranceItems,
        modes: ['query'],
      });
    });

    it('is refused with a grant alone, even for items that are not sensitive', async () => {
      expect((await query()).body.code).toBe('CONSENT.CONSENT_REQUIRED');
      const plain = await api.as<Problem>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
        resourceId: insurance,
        purpose: insurancePurpose,
        key: { id_number: demoSubject.idNumber },
        items: ['contribution_months'],
        grantId,
      });
      expect(plain.status).toBe(403);
      expect(plain.body.code).toBe('CONSENT.CONSENT_REQUIRED');
      expect(plain.body.reasons?.[0]?.ruleId).toBe('R-SUBJECT-CONSENT');
    });

    it('is refused with the consent the person gave for scenario 4 (another requester, resource and issuer scope)', async () => {
      // 上海 issued it for a 上海 resource: 江苏 may not read it, so to 江苏 it does not exist
      const r = await query(await seededConsent(identity));
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('CONSENT.UNKNOWN_CONSENT');
    });

    it('is served with the seeded consent, masked, and refused once the person revokes it', async () => {
      const consentId = await seededConsent(insurance);
      const served = await query(consentId);
      expect(served.status, JSON.stringify(served.body)).toBe(200);
      expect(served.body.records?.length).toBeGreaterThan(0);
      for (const rec of served.body.records ?? []) {
        expect(rec.id_number).toBe(`${demoSubject.idNumber.slice(0, 3)}***********${demoSubject.idNumber.slice(-4)}`);
        expect(Number(rec.contribution_months)).toBeGreaterThan(0);
      }

      const revoked = await api.as<{ status: string }>(
        demoSubject.id,
        'sh',
        'DELETE',
        `/api/consent/v1/consents/${consentId}`,
      );
      expect(revoked.status).toBe(200);
      expect(revoked.body.status).toBe('revoked');
      const after = await query(consentId);
      expect(after.status).toBe(403);
      expect(after.body.code).toBe('CONSENT.CONSENT_REVOKED');
    });
  });
});
