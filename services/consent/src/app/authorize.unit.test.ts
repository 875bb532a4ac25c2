/**
 * Authorize as a use case, over in-memory ports: what it reads for a decision, what it claims, and
 * the answer it builds from `decide()` — including the refusals that used to be made beside it.
 */
import type { AuditSink } from '@yrd/audit-events';
import { generateProvinceKey, loadProvinceKey } from '@yrd/auth';
import { silentLogger } from '@yrd/logger';
import type { catalogV1, consentV1 } from '@yrd/proto';
import { generateSubjectKeyring, SubjectRefs } from '@yrd/region';
import { aDataItem, agencyCode, aResource } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import { ConsentApp } from './consent.js';
import type { ConsentStore, Grant, ResourceLookup, StoredConsent } from './ports.js';

const SH_AGENCY = agencyCode('sh');
const PURPOSE = '企业开办审批';
const AT = '2026-06-01T08:00:00.000Z';
const CONSENT_ID = 'zj-consent-6f1c2d1e-0000-4000-8000-000000000001';
const GRANT_ID = 'zj-grant-6f1c2d1e-0000-4000-8000-000000000002';

/** 浙江's entry with a sensitive item: a query of it relies on the data subject's consent. */
const resource = aResource('zj', '330000-SCJG-00001', {
  version: 4,
  items: [
    aDataItem('company_name'),
    aDataItem('legal_rep_id', { personalInfo: true, sensitivePersonalInfo: true, piiKind: 'id_number' }),
  ],
});

const grant: Grant = {
  id: GRANT_ID,
  applicationId: 'zj-app-1',
  requesterAgency: SH_AGENCY,
  requesterProvince: 'sh',
  resourceId: resource.id,
  resourceVersion: 4,
  items: ['company_name', 'legal_rep_id'],
  purpose: PURPOSE,
  modes: ['query'],
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-12-31T00:00:00.000Z',
  status: 'active',
  revokedAt: '',
  ratePerMinute: 30,
};

const onceConsent: StoredConsent = {
  id: CONSENT_ID,
  subjectRef: 'subject-ref-1',
  requesterAgency: SH_AGENCY,
  requesterProvince: 'sh',
  resourceId: resource.id,
  items: ['company_name', 'legal_rep_id'],
  purpose: PURPOSE,
  validUntil: '2026-12-31T00:00:00.000Z',
  status: 'active',
  signature: '',
  keyId: 'zj-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  revokedAt: '',
  fetchType: 'once',
  alg: 'Ed25519',
  subjectUser: 'zj-p1',
};

const request = (o: Partial<consentV1.AuthorizeRequest> = {}): consentV1.AuthorizeRequest => ({
  requester: {
    userId: 'sh-u1',
    agencyCode: SH_AGENCY,
    province: 'sh',
    roles: ['requester'],
    requesterKind: 'government',
  },
  resourceId: resource.id,
  items: [],
  mode: 'query',
  purpose: PURPOSE,
  grantId: GRANT_ID,
  consentId: CONSENT_ID,
  subjectRef: 'subject-ref-1',
  at: AT,
  ...o,
});

/** A store holding the grant and the consent; `claim` says whether the once-only fetch is still free. */
function world(o: { claim?: boolean; revoked?: string[]; entries?: catalogV1.Resource[] } = {}) {
  const reads: string[] = [];
  const claims: string[] = [];
  const unused = (name: string) => () => Promise.reject(new Error(`${name} is not part of Authorize`));
  const store: ConsentStore = {
    insertApplication: unused('insertApplication'),
    withdrawApplication: unused('withdrawApplication'),
    getApplication: unused('getApplication'),
    getApplications: unused('getApplications'),
    advance: unused('advance'),
    overdueApplications: unused('overdueApplications'),
    listApplications: unused('listApplications'),
    currentRules: async () => undefined,
    rulesVersion: unused('rulesVersion'),
    rulesHistory: unused('rulesHistory'),
    insertRules: unused('insertRules'),
    getGrant: async (id) => {
      reads.push(`grant ${id}`);
      return id === grant.id ? grant : undefined;
    },
    revokeGrant: unused('revokeGrant'),
    expireLapsed: unused('expireLapsed'),
    consentsOf: unused('consentsOf'),
    insertConsent: unused('insertConsent'),
    withdrawConsent: unused('withdrawConsent'),
    countConsents: unused('countConsents'),
    getConsent: async (id) => {
      reads.push(`consent ${id}`);
      return id === onceConsent.id ? onceConsent : undefined;
    },
    consentUsed: async () => false,
    useConsent: async (id, _at, requester) => {
      claims.push(`${id} by ${requester}`);
      return o.claim ?? true;
    },
    revokeConsent: unused('revokeConsent'),
  };
  const entries = o.entries ?? [resource];
  const catalog: ResourceLookup = { get: async (id) => entries.find((r) => r.id === id) };
  const audit: AuditSink = { publish: unused('publish') };
  const revoked = new Set(o.revoked ?? []);
  const app = new ConsentApp({
    province: 'zj',
    repo: store,
    outgoing: {
      recordOutgoing: unused('recordOutgoing'),
      listOutgoing: unused('listOutgoing'),
      noteOutgoing: unused('noteOutgoing'),
    },
    catalog,
    peers: {
      apply: unused('apply'),
      getApplication: unused('getApplication'),
      applications: unused('applications'),
      getGrant: unused('getGrant'),
      fetchConsent: unused('fetchConsent'),
      requestCoordination: unused('requestCoordination'),
      announceRevocation: unused('announceRevocation'),
    },
    audit,
    key: loadProvinceKey('zj', generateProvinceKey('zj').privateJwk),
    subjectRefs: new SubjectRefs(generateSubjectKeyring()),
    trust: {},
    clock: () => new Date(AT),
    logger: silentLogger(),
    revocations: { isRevoked: (id) => revoked.has(id) },
  });
  return { authorize: (req: consentV1.AuthorizeRequest) => app.authorization.authorize(req), reads, claims };
}

describe('Authorize', () => {
  it('allows under the grant and the consent, and spends the once-only consent', async () => {
    const w = world();
    const answer = await w.authorize(request());
    expect(answer).toMatchObject({
      allow: true,
      allowedItems: ['company_name', 'legal_rep_id'],
      denialCode: '',
      grantId: GRANT_ID,
      consentId: CONSENT_ID,
      resourceVersion: 4,
      rulesVersion: 0,
      ratePerMinute: 30,
    });
    expect(w.claims).toEqual([`${CONSENT_ID} by sh:${SH_AGENCY}`]);
  });

  it('refuses an entry the catalogue lacks without reading a grant, a consent or the rules', async () => {
    const w = world({ entries: [] });
    expect(await w.authorize(request())).toEqual({
      allow: false,
      allowedItems: [],
      masking: [],
      reasons: [
        {
          ruleId: 'R-RESOURCE',
          code: 'CONSENT.UNKNOWN_RESOURCE',
          message: `目录中无资源 ${resource.id} / no catalogue entry ${resource.id}`,
        },
      ],
      denialCode: 'CONSENT.UNKNOWN_RESOURCE',
      grantId: GRANT_ID,
      consentId: CONSENT_ID,
      resourceVersion: 0,
      rulesVersion: 0,
      ratePerMinute: 0,
    });
    expect(w.reads).toEqual([]);
  });

  it('refuses a once-only consent another fetch claimed between the read and this claim', async () => {
    const w = world({ claim: false });
    expect(await w.authorize(request())).toEqual({
      allow: false,
      allowedItems: [],
      masking: [],
      reasons: [
        {
          ruleId: 'R-SENSITIVE-CONSENT',
          code: 'CONSENT.CONSENT_USED',
          message: `授权书 ${CONSENT_ID} 为单次授权，已使用 / Consent ${CONSENT_ID} was for one fetch and has been used`,
        },
      ],
      denialCode: 'CONSENT.CONSENT_USED',
      grantId: GRANT_ID,
      consentId: CONSENT_ID,
      resourceVersion: 4,
      rulesVersion: 0,
      ratePerMinute: 0,
    });
    expect(w.claims).toHaveLength(1);
  });

  it('refuses a consent the revocation register holds without reading it, and claims nothing', async () => {
    const w = world({ revoked: [CONSENT_ID] });
    const answer = await w.authorize(request());
    expect([answer.allow, answer.denialCode]).toEqual([false, 'CONSENT.CONSENT_REVOKED']);
    expect(w.reads).toEqual([`grant ${GRANT_ID}`]);
    expect(w.claims).toEqual([]);
  });

  it('refuses a grant the revocation register holds, whatever its stored status says', async () => {
    const w = world({ revoked: [GRANT_ID] });
    const answer = await w.authorize(request());
    expect([answer.allow, answer.denialCode]).toEqual([false, 'CONSENT.GRANT_REVOKED']);
    expect(answer.reasons.map((r) => r.ruleId)).toEqual(['R-GRANT-REQUIRED']);
  });

  it.each([
    { label: 'an unknown mode', req: request({ mode: 'download' }), code: 'CONSENT.BAD_MODE' },
    { label: 'no requester', req: request({ requester: undefined }), code: 'CONSENT.BAD_REQUESTER' },
    {
      label: 'an entry of another province',
      req: request({ resourceId: 'sh.310000-DSJ-00001' }),
      code: 'CONSENT.WRONG_PROVIDER',
    },
  ])('cannot be asked with $label (an error, not a denial)', async ({ req, code }) => {
    const w = world({ entries: [resource, aResource('sh', '310000-DSJ-00001')] });
    await expect(w.authorize(req)).rejects.toMatchObject({ kind: 'invalid', code });
  });
});
