import type { Province } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import { type DenialCode, denialCodes, noteCodes, ruleIds } from './codes.js';
import { conditionsRequireSubjectConsent, decide } from './decide.js';
import type {
  ConsentView,
  DataItemPolicyView,
  Decision,
  DecisionInput,
  Grade,
  GrantView,
  Mode,
  Requester,
  RequesterKind,
  ResourcePolicyView,
  SharingMode,
  SharingTier,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Builders. The default world: a 沪 (sh) government agency asks a 浙 (zj) provider for a
// general-grade, conditionally shared business-licence resource, under a matching active grant.
// ---------------------------------------------------------------------------------------------

const AT = '2025-06-01T08:00:00.000Z';
const PURPOSE = '跨省通办：企业迁移登记';
const SH_GOV = '11310000MB0000001A';
const SH_ENTERPRISE = '91310000MA1K000002';
const ZJ_GOV = '11330000MB0000003C';

function item(name: string, overrides: Partial<DataItemPolicyView> = {}): DataItemPolicyView {
  return {
    name,
    grade: 'general',
    subLevel: null,
    personalInfo: false,
    sensitivePersonalInfo: false,
    piiKind: 'none',
    ...overrides,
  };
}

function resource(overrides: Partial<ResourcePolicyView> = {}): ResourcePolicyView {
  return {
    id: 'zj.330000-SCJG-0001',
    province: 'zj',
    version: 3,
    sharingTier: 'conditional',
    openTier: 'conditional',
    grade: 'general',
    legalBasis: '',
    sharingModes: ['interface', 'verify'],
    items: [item('licence_no'), item('company_name'), item('status')],
    subjectConsent: false,
    ...overrides,
  };
}

/** 苏 social-insurance records: personal and sensitive items of every masking kind. */
function personalResource(overrides: Partial<ResourcePolicyView> = {}): ResourcePolicyView {
  return resource({
    id: 'js.320000-RSJ-0007',
    province: 'js',
    grade: 'important',
    sharingModes: ['interface', 'verify', 'subscribe'],
    items: [
      item('id_number', { personalInfo: true, sensitivePersonalInfo: true, piiKind: 'id_number' }),
      item('name', { personalInfo: true, piiKind: 'name' }),
      item('phone', { personalInfo: true, piiKind: 'phone' }),
      item('home_address', { personalInfo: true, piiKind: 'address' }),
      item('employer_credit_code', { piiKind: 'credit_code' }),
      item('contribution_months', { grade: 'important', subLevel: null }),
      item('medical_record', { personalInfo: true, sensitivePersonalInfo: true }),
    ],
    ...overrides,
  });
}

/**
 * 沪 随申办 identity: its sharing conditions ask for the person's own authorisation (须取得本人授权),
 * whatever the mode; id_number is sensitive, the rest is not.
 */
function identityResource(overrides: Partial<ResourcePolicyView> = {}): ResourcePolicyView {
  return resource({
    id: 'sh.310000-DSJ-0001',
    province: 'sh',
    grade: 'important',
    sharingModes: ['verify', 'interface', 'subscribe'],
    items: [
      item('id_number', { personalInfo: true, sensitivePersonalInfo: true, piiKind: 'id_number' }),
      item('person_name', { personalInfo: true, piiKind: 'name' }),
      item('auth_level'),
    ],
    subjectConsent: true,
    ...overrides,
  });
}

function requester(overrides: Partial<Requester> = {}): Requester {
  return { province: 'sh', agency: SH_GOV, userId: 'sh-officer-1', kind: 'government', ...overrides };
}

function enterprise(overrides: Partial<Requester> = {}): Requester {
  return requester({ agency: SH_ENTERPRISE, userId: 'sh-ent-user-1', kind: 'enterprise', ...overrides });
}

function grant(overrides: Partial<GrantView> = {}): GrantView {
  return {
    id: 'grant-1',
    requesterAgency: SH_GOV,
    requesterProvince: 'sh',
    resourceId: resource().id,
    items: resource().items.map((i) => i.name),
    purpose: PURPOSE,
    modes: ['query', 'verify'],
    validFrom: '2025-01-01T00:00:00.000Z',
    validUntil: '2025-12-31T23:59:59.000Z',
    status: 'active',
    ...overrides,
  };
}

/** A grant that fits `res` and `req` exactly. */
function grantFor(res: ResourcePolicyView, req: Requester, overrides: Partial<GrantView> = {}): GrantView {
  return grant({
    requesterAgency: req.agency,
    requesterProvince: req.province,
    resourceId: res.id,
    items: res.items.map((i) => i.name),
    modes: ['query', 'verify', 'subscribe'],
    ...overrides,
  });
}

function consentFor(res: ResourcePolicyView, req: Requester, overrides: Partial<ConsentView> = {}): ConsentView {
  return {
    id: 'consent-1',
    requesterAgency: req.agency,
    requesterProvince: req.province,
    resourceId: res.id,
    items: res.items.map((i) => i.name),
    purpose: PURPOSE,
    validUntil: '2025-09-30T00:00:00.000Z',
    status: 'active',
    subjectRef: 'subj-sha256-aa11',
    ...overrides,
  };
}

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    requester: requester(),
    resource: resource(),
    requestedItems: [],
    mode: 'query',
    purpose: PURPOSE,
    grant: grant(),
    at: AT,
    ...overrides,
  };
}

/** A sensitive-data query by a 沪 agency with its grant and the subject's consent, all in order. */
function sensitiveInput(overrides: Partial<DecisionInput> = {}): DecisionInput {
  const res = personalResource();
  const req = requester();
  return input({
    resource: res,
    requester: req,
    grant: grantFor(res, req),
    consent: consentFor(res, req),
    subjectRef: 'subj-sha256-aa11',
    ...overrides,
  });
}

/** 浙 大数据局 verifies a 随申办 identity for a venue booking, with a grant and the person's consent. */
const ZJ_REQUESTER = requester({ province: 'zj', agency: ZJ_GOV, userId: 'zj-officer-1' });
const IDENTITY_ITEMS = ['person_name', 'auth_level'];

function identityInput(overrides: Partial<DecisionInput> = {}): DecisionInput {
  const res = identityResource();
  return input({
    resource: res,
    requester: ZJ_REQUESTER,
    mode: 'verify',
    requestedItems: IDENTITY_ITEMS,
    grant: grantFor(res, ZJ_REQUESTER),
    consent: consentFor(res, ZJ_REQUESTER),
    subjectRef: 'subj-sha256-aa11',
    ...overrides,
  });
}

const codesOf = (d: Decision) => d.reasons.map((r) => r.code);

function expectBilingual(d: Decision) {
  for (const r of d.reasons) {
    expect(r.message, r.code).toMatch(/[\u4e00-\u9fff]/);
    expect(r.message, r.code).toMatch(/[A-Za-z]{3,}/);
  }
}

// ---------------------------------------------------------------------------------------------
// The main matrix: sharing/open tier × grade × requester kind × grant state, for a cross-province
// requester (沪 asking 浙). The tier is set on both the sharing and the open attribute.
// ---------------------------------------------------------------------------------------------

const grantStates = ['none', 'active', 'revoked', 'expired', 'other requester'] as const;
type GrantState = (typeof grantStates)[number];

function grantInState(state: GrantState, res: ResourcePolicyView, req: Requester): GrantView | undefined {
  switch (state) {
    case 'none':
      return undefined;
    case 'active':
      return grantFor(res, req);
    case 'revoked':
      return grantFor(res, req, { status: 'revoked' });
    case 'expired':
      return grantFor(res, req, { validUntil: '2025-03-31T23:59:59.000Z' });
    case 'other requester':
      return grantFor(res, req, { requesterAgency: ZJ_GOV, requesterProvince: 'zj' });
  }
}

type Outcome = 'allow' | DenialCode;
const d = denialCodes;

// Core-grade resources never leave the province, so that row is the same whatever else holds.
const outcomeFor: Record<SharingTier, Record<'government' | 'enterprise', Record<GrantState, Outcome>>> = {
  unconditional: {
    // Implicit grant: a grant offered anyway must be yours and not revoked, but may be out of date.
    government: {
      none: 'allow',
      active: 'allow',
      revoked: d.grantRevoked,
      expired: 'allow',
      'other requester': d.grantNotYours,
    },
    enterprise: {
      none: 'allow',
      active: 'allow',
      revoked: d.grantRevoked,
      expired: 'allow',
      'other requester': d.grantNotYours,
    },
  },
  conditional: {
    government: {
      none: d.noGrant,
      active: 'allow',
      revoked: d.grantRevoked,
      expired: d.grantExpired,
      'other requester': d.grantNotYours,
    },
    enterprise: {
      none: d.noGrant,
      active: 'allow',
      revoked: d.grantRevoked,
      expired: d.grantExpired,
      'other requester': d.grantNotYours,
    },
  },
  none: {
    government: {
      none: d.notShared,
      active: d.notShared,
      revoked: d.notShared,
      expired: d.notShared,
      'other requester': d.notShared,
    },
    enterprise: {
      none: d.notShared,
      active: d.notShared,
      revoked: d.notShared,
      expired: d.notShared,
      'other requester': d.notShared,
    },
  },
};

const tiers: readonly SharingTier[] = ['unconditional', 'conditional', 'none'];
const grades: readonly Grade[] = ['core', 'important', 'general'];
const kinds = ['government', 'enterprise'] as const;

const matrix = tiers.flatMap((tier) =>
  grades.flatMap((grade) =>
    kinds.flatMap((kind) =>
      grantStates.map((grantState) => ({
        tier,
        grade,
        kind,
        grantState,
        outcome: grade === 'core' ? d.coreDataLocal : outcomeFor[tier][kind][grantState],
      })),
    ),
  ),
);

describe('decide: tier × grade × requester kind × grant state (cross-province)', () => {
  it.each(matrix)(
    '$tier / $grade / $kind / grant $grantState → $outcome',
    ({ tier, grade, kind, grantState, outcome }) => {
      const res = resource({
        sharingTier: tier,
        openTier: tier,
        grade,
        legalBasis: tier === 'none' ? '《中华人民共和国户口登记条例》' : '',
        items: [item('graded_item', { grade }), item('licence_no')],
      });
      const req = kind === 'government' ? requester() : enterprise();
      const decision = decide(input({ resource: res, requester: req, grant: grantInState(grantState, res, req) }));

      if (outcome === 'allow') {
        expect(decision).toMatchObject({ allow: true, reasons: expect.any(Array) });
        expect(decision.denialCode).toBeUndefined();
        // Unconditional open data carries general-grade items only.
        const openDrops = kind === 'enterprise' && tier === 'unconditional' && grade !== 'general';
        expect(decision.allowedItems).toEqual(openDrops ? ['licence_no'] : ['graded_item', 'licence_no']);
      } else {
        expect(decision).toMatchObject({ allow: false, allowedItems: [], masking: {}, denialCode: outcome });
        expect(decision.reasons[0]?.code).toBe(outcome);
      }
      expectBilingual(decision);
    },
  );

  it.each(tiers.filter((t) => t !== 'none'))('a core-grade %s resource is usable inside its own province', (tier) => {
    const res = resource({ sharingTier: tier, grade: 'core', items: [item('core_item', { grade: 'core' })] });
    const req = requester({ province: 'zj', agency: ZJ_GOV });
    const decision = decide(input({ resource: res, requester: req, grant: grantFor(res, req) }));
    expect(decision).toMatchObject({ allow: true, allowedItems: ['core_item'] });
  });
});

// ---------------------------------------------------------------------------------------------
// Every denial code, at least once.
// ---------------------------------------------------------------------------------------------

interface DenialCase {
  label: string;
  input: DecisionInput;
  code: DenialCode;
  /** Text the message must mention. */
  mentions?: string[];
}

const denialCases: DenialCase[] = [
  {
    label: 'a resource the catalogue does not have',
    input: input({ resource: { id: 'zj.330000-SCJG-9999', unknown: true } }),
    code: d.unknownResource,
    mentions: ['目录中无资源 zj.330000-SCJG-9999', 'no catalogue entry zj.330000-SCJG-9999'],
  },
  {
    label: 'core resource to another province',
    input: input({ resource: resource({ grade: 'core' }) }),
    code: d.coreDataLocal,
    mentions: ['核心数据不出省', 'Core data'],
  },
  {
    label: 'not shared, citing the legal basis',
    input: input({ resource: resource({ sharingTier: 'none', legalBasis: '《户口登记条例》第十七条' }) }),
    code: d.notShared,
    mentions: ['不予共享', '《户口登记条例》第十七条'],
  },
  {
    label: "on the provider's negative list",
    input: input({ negativeList: ['zj.other', resource().id] }),
    code: d.negativeList,
  },
  {
    label: 'enterprise asking for non-open data',
    input: input({ requester: enterprise(), resource: resource({ openTier: 'none' }) }),
    code: d.notOpen,
  },
  {
    label: 'subscribe on a resource shared by interface only',
    input: input({ mode: 'subscribe', resource: resource({ sharingModes: ['interface'] }) }),
    code: d.modeNotAllowed,
    mentions: ['subscribe'],
  },
  { label: 'blank purpose', input: input({ purpose: '  ' }), code: d.purposeRequired },
  { label: 'conditional without a grant', input: input({ grant: undefined }), code: d.noGrant },
  {
    label: 'grant for another resource',
    input: input({ grant: grant({ resourceId: 'zj.330000-SCJG-0002' }) }),
    code: d.grantMismatch,
  },
  {
    label: "another agency's grant",
    input: input({ grant: grant({ requesterAgency: '11310000MB0000009Z' }) }),
    code: d.grantNotYours,
  },
  {
    label: "same agency code, another province's grant",
    input: input({ grant: grant({ requesterProvince: 'ah' }) }),
    code: d.grantNotYours,
  },
  { label: 'revoked grant', input: input({ grant: grant({ status: 'revoked' }) }), code: d.grantRevoked },
  { label: 'grant marked expired', input: input({ grant: grant({ status: 'expired' }) }), code: d.grantExpired },
  {
    label: 'grant not yet valid',
    input: input({ grant: grant({ validFrom: '2025-06-02T00:00:00.000Z' }) }),
    code: d.grantExpired,
  },
  {
    label: 'grant past its validity',
    input: input({ grant: grant({ validUntil: '2025-05-31T23:59:59.999Z' }) }),
    code: d.grantExpired,
  },
  {
    label: 'grant with an unreadable validity',
    input: input({ grant: grant({ validUntil: 'next year' }) }),
    code: d.grantExpired,
  },
  { label: 'mode not granted', input: input({ grant: grant({ modes: ['verify'] }) }), code: d.modeNotGranted },
  { label: 'another purpose', input: input({ purpose: '市场营销' }), code: d.purposeMismatch },
  {
    label: 'items beyond the grant',
    input: input({ requestedItems: ['licence_no', 'status'], grant: grant({ items: ['licence_no'] }) }),
    code: d.itemsNotGranted,
    mentions: ['status'],
  },
  {
    label: 'unknown item',
    input: input({ requestedItems: ['licence_no', 'shoe_size'] }),
    code: d.unknownItem,
    mentions: ['shoe_size'],
  },
  {
    label: 'only core items, cross-province',
    input: input({
      requestedItems: ['secret'],
      resource: resource({ items: [item('secret', { grade: 'core' })] }),
      grant: grant({ items: ['secret'] }),
    }),
    code: d.noItems,
    mentions: ['secret'],
  },
  {
    label: 'open data with nothing openable',
    input: input({
      requester: enterprise(),
      grant: undefined,
      resource: resource({ openTier: 'unconditional', items: [item('name', { personalInfo: true, piiKind: 'name' })] }),
    }),
    code: d.noItems,
  },
  { label: 'sensitive query without consent', input: sensitiveInput({ consent: undefined }), code: d.consentRequired },
  {
    label: 'sensitive subscribe without a legal duty',
    input: sensitiveInput({ mode: 'subscribe' }),
    code: d.legalDutyRequired,
  },
  {
    label: 'revoked consent',
    input: sensitiveInput({ consent: consentFor(personalResource(), requester(), { status: 'revoked' }) }),
    code: d.consentRevoked,
  },
  {
    label: 'consent marked expired',
    input: sensitiveInput({ consent: consentFor(personalResource(), requester(), { status: 'expired' }) }),
    code: d.consentExpired,
  },
  {
    label: 'a once-only consent already used',
    input: sensitiveInput({
      consent: consentFor(personalResource(), requester(), { fetchType: 'once', used: true }),
    }),
    code: d.consentUsed,
  },
  {
    label: 'a once-only consent a racing fetch spent after it was read (Authorize decides again)',
    input: sensitiveInput({
      consent: consentFor(personalResource(), requester(), { fetchType: 'once', used: true }),
      requestedItems: ['id_number'],
    }),
    code: d.consentUsed,
    mentions: ['consent-1', '单次授权', 'one fetch'],
  },
  {
    label: 'a consent the revocation register holds (not read from its issuer)',
    input: sensitiveInput({ consent: { id: 'sh-consent-1', unresolved: 'revoked' } }),
    code: d.consentRevoked,
    mentions: ['sh-consent-1'],
  },
  {
    label: 'consent past its validity',
    input: sensitiveInput({
      consent: consentFor(personalResource(), requester(), { validUntil: '2025-05-01T00:00:00Z' }),
    }),
    code: d.consentExpired,
  },
  {
    label: 'consent given to another requester',
    input: sensitiveInput({ consent: consentFor(personalResource(), requester({ agency: ZJ_GOV, province: 'zj' })) }),
    code: d.consentNotYours,
    mentions: ['requester', ZJ_GOV],
  },
  {
    label: 'consent for another resource',
    input: sensitiveInput({ consent: consentFor(personalResource({ id: 'js.other' }), requester()) }),
    code: d.consentResourceMismatch,
    mentions: ['resource', 'js.other'],
  },
  {
    label: 'consent for another purpose',
    input: sensitiveInput({ consent: consentFor(personalResource(), requester(), { purpose: '其他用途' }) }),
    code: d.consentPurposeMismatch,
    mentions: ['purpose'],
  },
  {
    label: 'consent from another subject',
    input: sensitiveInput({ subjectRef: 'subj-sha256-bb22' }),
    code: d.consentSubjectMismatch,
  },
  {
    label: 'items beyond the consent',
    input: sensitiveInput({
      consent: consentFor(personalResource(), requester(), { items: ['id_number', 'name'] }),
    }),
    code: d.itemsNotConsented,
    mentions: ['phone', 'medical_record'],
  },
  {
    label: 'a consent id nobody issued',
    input: sensitiveInput({ consent: { id: 'sh-consent-does-not-exist', unresolved: 'unknown' } }),
    code: d.unknownConsent,
    mentions: ['sh-consent-does-not-exist'],
  },
  {
    label: 'a consent whose signature does not verify',
    input: sensitiveInput({ consent: { id: 'sh-consent-1', unresolved: 'forged' } }),
    code: d.consentSignatureInvalid,
  },
  {
    label: 'a consent with no subject on the request',
    input: sensitiveInput({ subjectRef: undefined }),
    code: d.subjectRequired,
  },
  {
    label: 'verification the entry’s conditions require consent for, without one',
    input: identityInput({ consent: undefined }),
    code: d.consentRequired,
    mentions: ['本人授权', 'sh.310000-DSJ-0001', 'verification', '核验'],
  },
  {
    label: 'subscription to an entry that needs each person’s consent',
    input: identityInput({ mode: 'subscribe', requestedItems: [], consent: undefined, subjectRef: undefined }),
    code: d.consentNotSubscribable,
    mentions: ['sh.310000-DSJ-0001'],
  },
];

describe('decide: denials', () => {
  it.each(denialCases)('$label → $code', ({ input: given, code, mentions = [] }) => {
    const decision = decide(given);
    expect(decision).toMatchObject({ allow: false, allowedItems: [], masking: {}, denialCode: code });
    const reason = decision.reasons.find((r) => r.code === code);
    expect(reason?.ruleId).toMatch(/^R-[A-Z-]+$/);
    for (const text of mentions) expect(reason?.message).toContain(text);
    expectBilingual(decision);
  });

  it('covers every denial code', () => {
    const covered = new Set([...denialCases.map((c) => c.code), ...matrix.map((m) => m.outcome)]);
    for (const code of Object.values(denialCodes)) expect([...covered], code).toContain(code);
  });

  it('lists every applicable reason, in rule order', () => {
    const res = resource({
      grade: 'core',
      sharingTier: 'none',
      openTier: 'none',
      legalBasis: '《数据安全法》第二十一条',
    });
    const decision = decide(input({ resource: res, requester: enterprise(), negativeList: [res.id], purpose: '' }));
    expect(decision.denialCode).toBe(d.coreDataLocal);
    expect(codesOf(decision).slice(0, 5)).toEqual([
      d.coreDataLocal,
      d.notShared,
      d.negativeList,
      d.notOpen,
      d.purposeRequired,
    ]);
  });

  it('lists every problem of a grant at once', () => {
    const decision = decide(
      input({
        mode: 'query',
        purpose: '市场营销',
        requestedItems: ['licence_no', 'status'],
        grant: grant({
          status: 'revoked',
          validUntil: '2025-01-31T00:00:00Z',
          modes: ['verify'],
          items: ['licence_no'],
        }),
      }),
    );
    expect(codesOf(decision)).toEqual([
      d.grantRevoked,
      d.grantExpired,
      d.modeNotGranted,
      d.purposeMismatch,
      d.itemsNotGranted,
    ]);
  });

  it('grant validity is inclusive at both ends', () => {
    const g = grant({ validFrom: AT, validUntil: AT });
    expect(decide(input({ grant: g })).allow).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Modes.
// ---------------------------------------------------------------------------------------------

// Refusals Authorize once made beside decide(): an entry the catalogue lacks (R-RESOURCE), and a
// once-only consent another fetch spent between the read and the claim. Their rule, code and text
// are what Authorize answered before, so the wire and the audit trail see no change.
describe('decide: R-RESOURCE and a once-only consent spent meanwhile', () => {
  it('refuses an unknown entry on that alone, whatever else is wrong with the request', () => {
    const decision = decide(
      input({
        resource: { id: 'zj.330000-SCJG-9999', unknown: true },
        purpose: '',
        mode: 'subscribe',
        grant: grant({ status: 'revoked' }),
        consent: { id: 'sh-consent-1', unresolved: 'forged' },
      }),
    );
    expect(decision).toEqual({
      allow: false,
      allowedItems: [],
      masking: {},
      reasons: [
        {
          ruleId: 'R-RESOURCE',
          code: 'CONSENT.UNKNOWN_RESOURCE',
          message: '目录中无资源 zj.330000-SCJG-9999 / no catalogue entry zj.330000-SCJG-9999',
        },
      ],
      denialCode: 'CONSENT.UNKNOWN_RESOURCE',
    });
  });

  it.each([
    { label: 'sensitive items', given: sensitiveInput, ruleId: ruleIds.sensitiveConsent },
    { label: "the entry's own conditions", given: identityInput, ruleId: ruleIds.subjectConsent },
  ])(
    'a once-only consent relied on for $label, spent by another fetch → CONSENT_USED under $ruleId',
    ({ given, ruleId }) => {
      const res = given().resource;
      if ('unknown' in res) throw new Error('the builders name a known entry');
      const once = consentFor(res, given().requester, { fetchType: 'once', used: false });
      const allowed = decide(given({ consent: once }));
      const reliedOn = allowed.reasons.find((r) => r.code === noteCodes.consented);
      expect(allowed.allow).toBe(true);
      expect(reliedOn?.ruleId).toBe(ruleId);

      const spent = decide(given({ consent: { ...once, used: true } }));
      expect(spent).toEqual({
        allow: false,
        allowedItems: [],
        masking: {},
        reasons: [
          {
            ruleId,
            code: denialCodes.consentUsed,
            message: '授权书 consent-1 为单次授权，已使用 / Consent consent-1 was for one fetch and has been used',
          },
        ],
        denialCode: denialCodes.consentUsed,
      });
    },
  );
});

describe('decide: R-MODE', () => {
  it.each<[Mode, SharingMode[], boolean]>([
    ['query', ['interface'], true],
    ['query', ['file'], true],
    ['query', ['verify', 'subscribe'], false],
    ['verify', ['verify'], true],
    ['verify', ['interface'], true],
    ['verify', ['file', 'subscribe'], false],
    ['subscribe', ['subscribe'], true],
    ['subscribe', ['interface', 'file', 'verify'], false],
  ])('%s on a resource shared by %j → allowed: %s', (mode, sharingModes, allowed) => {
    const res = resource({ sharingModes });
    const decision = decide(input({ mode, resource: res, grant: grantFor(res, requester()) }));
    expect(decision.allow).toBe(allowed);
    if (!allowed) expect(decision.denialCode).toBe(d.modeNotAllowed);
  });
});

// ---------------------------------------------------------------------------------------------
// Sensitive personal information and consent.
// ---------------------------------------------------------------------------------------------

const res7 = personalResource();
const sh = requester();

describe('decide: R-SENSITIVE-CONSENT', () => {
  it.each<{ label: string; given: DecisionInput; outcome: Outcome[] | 'allow' }>([
    { label: 'active consent', given: sensitiveInput(), outcome: 'allow' },
    { label: 'no consent', given: sensitiveInput({ consent: undefined }), outcome: [d.consentRequired] },
    {
      label: 'revoked consent',
      given: sensitiveInput({ consent: consentFor(res7, sh, { status: 'revoked' }) }),
      outcome: [d.consentRevoked],
    },
    {
      label: 'expired consent',
      given: sensitiveInput({ consent: consentFor(res7, sh, { status: 'expired' }) }),
      outcome: [d.consentExpired],
    },
    {
      label: 'a once-only consent not used yet',
      given: sensitiveInput({ consent: consentFor(res7, sh, { fetchType: 'once', used: false }) }),
      outcome: 'allow',
    },
    {
      label: 'a periodic consent used before',
      given: sensitiveInput({ consent: consentFor(res7, sh, { fetchType: 'periodic', used: true }) }),
      outcome: 'allow',
    },
    {
      label: 'consent valid until exactly now',
      given: sensitiveInput({ consent: consentFor(res7, sh, { validUntil: AT }) }),
      outcome: 'allow',
    },
    {
      label: "another requester's consent",
      given: sensitiveInput({ consent: consentFor(res7, enterprise()) }),
      outcome: [d.consentNotYours],
    },
    {
      label: 'no subjectRef on the request: a consent cannot be matched to nobody',
      given: sensitiveInput({ subjectRef: undefined }),
      outcome: [d.subjectRequired],
    },
    {
      label: 'an empty subjectRef is no subject either',
      given: sensitiveInput({ subjectRef: '' }),
      outcome: [d.subjectRequired],
    },
    {
      label: 'revoked and expired and for someone else',
      given: sensitiveInput({
        subjectRef: 'subj-other',
        consent: consentFor(res7, sh, { status: 'revoked', validUntil: '2025-01-01T00:00:00Z', resourceId: 'x' }),
      }),
      outcome: [d.consentRevoked, d.consentExpired, d.consentResourceMismatch, d.consentSubjectMismatch],
    },
    {
      label: 'legal-duty grant, no consent',
      given: sensitiveInput({ consent: undefined, grant: grantFor(res7, sh, { legalDuty: true }) }),
      outcome: 'allow',
    },
    {
      label: 'legal-duty grant that has expired',
      given: sensitiveInput({
        consent: undefined,
        grant: grantFor(res7, sh, { legalDuty: true, validUntil: '2025-01-01T00:00:00Z' }),
      }),
      outcome: [d.grantExpired, d.consentRequired],
    },
    {
      label: 'verifying sensitive items needs consent as much as querying them',
      given: sensitiveInput({ mode: 'verify', consent: undefined }),
      outcome: [d.consentRequired],
    },
    { label: 'verify with a sound consent', given: sensitiveInput({ mode: 'verify' }), outcome: 'allow' },
    {
      label: 'verify with a legal-duty grant, no consent',
      given: sensitiveInput({ mode: 'verify', consent: undefined, grant: grantFor(res7, sh, { legalDuty: true }) }),
      outcome: 'allow',
    },
    {
      label: 'only non-sensitive items asked for',
      given: sensitiveInput({ consent: undefined, requestedItems: ['name', 'contribution_months'] }),
      outcome: 'allow',
    },
    {
      label: 'consent covering exactly the requested items',
      given: sensitiveInput({ requestedItems: ['id_number'], consent: consentFor(res7, sh, { items: ['id_number'] }) }),
      outcome: 'allow',
    },
    {
      label: 'subscribe with a legal-duty grant',
      given: sensitiveInput({ mode: 'subscribe', consent: undefined, grant: grantFor(res7, sh, { legalDuty: true }) }),
      outcome: 'allow',
    },
    {
      label: 'subscribe with consent only',
      given: sensitiveInput({ mode: 'subscribe' }),
      outcome: [d.legalDutyRequired],
    },
  ])('$label', ({ given, outcome }) => {
    const decision = decide(given);
    if (outcome === 'allow') {
      expect(decision.allow).toBe(true);
    } else {
      expect(decision.allow).toBe(false);
      expect(codesOf(decision)).toEqual(outcome);
    }
  });

  it('names the basis for sensitive items on allow', () => {
    expect(decide(sensitiveInput()).reasons).toContainEqual(
      expect.objectContaining({ ruleId: ruleIds.sensitiveConsent, code: noteCodes.consented }),
    );
    const duty = decide(sensitiveInput({ consent: undefined, grant: grantFor(res7, sh, { legalDuty: true }) }));
    expect(duty.reasons).toContainEqual(expect.objectContaining({ code: noteCodes.legalDuty }));
  });
});

// ---------------------------------------------------------------------------------------------
// An entry whose sharing conditions require the person's own consent (须取得本人授权): in every
// mode, for every item, and not lifted by a legal duty.
// ---------------------------------------------------------------------------------------------

const idRes = identityResource();

describe('decide: R-SUBJECT-CONSENT', () => {
  it.each<{ label: string; given: DecisionInput; outcome: Outcome[] | 'allow' }>([
    { label: 'verify with the person’s consent', given: identityInput(), outcome: 'allow' },
    { label: 'verify with a grant alone', given: identityInput({ consent: undefined }), outcome: [d.consentRequired] },
    {
      label: 'query with a grant alone',
      given: identityInput({ mode: 'query', consent: undefined }),
      outcome: [d.consentRequired],
    },
    { label: 'query with the person’s consent', given: identityInput({ mode: 'query' }), outcome: 'allow' },
    {
      label: 'a non-personal item alone still needs it',
      given: identityInput({ requestedItems: ['auth_level'], consent: undefined }),
      outcome: [d.consentRequired],
    },
    {
      label: 'a legal-duty grant does not lift the entry’s condition',
      given: identityInput({ consent: undefined, grant: grantFor(idRes, ZJ_REQUESTER, { legalDuty: true }) }),
      outcome: [d.consentRequired],
    },
    {
      label: 'unconditionally shared, still the entry’s condition',
      given: identityInput({
        resource: identityResource({ sharingTier: 'unconditional' }),
        grant: undefined,
        consent: undefined,
      }),
      outcome: [d.consentRequired],
    },
    {
      label: 'the same province asking, still the entry’s condition',
      given: (() => {
        const local = requester({ province: 'sh', agency: SH_GOV });
        return identityInput({ requester: local, grant: grantFor(idRes, local), consent: undefined });
      })(),
      outcome: [d.consentRequired],
    },
    {
      label: 'verify, consent id unknown',
      given: identityInput({ consent: { id: 'sh-consent-x', unresolved: 'unknown' } }),
      outcome: [d.unknownConsent],
    },
    {
      label: 'verify, consent forged',
      given: identityInput({ consent: { id: 'sh-consent-x', unresolved: 'forged' } }),
      outcome: [d.consentSignatureInvalid],
    },
    {
      label: 'verify, consent in the revocation register',
      given: identityInput({ consent: { id: 'sh-consent-x', unresolved: 'revoked' } }),
      outcome: [d.consentRevoked],
    },
    {
      label: 'verify, consent revoked',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { status: 'revoked' }) }),
      outcome: [d.consentRevoked],
    },
    {
      label: 'verify, consent expired',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { validUntil: '2025-05-31T23:59:59Z' }) }),
      outcome: [d.consentExpired],
    },
    {
      label: 'verify, once-only consent used',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { fetchType: 'once', used: true }) }),
      outcome: [d.consentUsed],
    },
    {
      label: 'verify, once-only consent unused',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { fetchType: 'once', used: false }) }),
      outcome: 'allow',
    },
    {
      label: 'verify, another agency’s consent',
      given: identityInput({ consent: consentFor(idRes, requester()) }),
      outcome: [d.consentNotYours],
    },
    {
      label: 'verify, consent for another resource',
      given: identityInput({ consent: consentFor(personalResource(), ZJ_REQUESTER, { items: IDENTITY_ITEMS }) }),
      outcome: [d.consentResourceMismatch],
    },
    {
      label: 'verify, consent for another purpose',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { purpose: '营销' }) }),
      outcome: [d.consentPurposeMismatch],
    },
    {
      label: 'verify, another person’s consent',
      given: identityInput({ subjectRef: 'subj-sha256-bb22' }),
      outcome: [d.consentSubjectMismatch],
    },
    {
      label: 'verify, no subject on the request',
      given: identityInput({ subjectRef: undefined }),
      outcome: [d.subjectRequired],
    },
    {
      label: 'verify, an item beyond the consent',
      given: identityInput({ consent: consentFor(idRes, ZJ_REQUESTER, { items: ['person_name'] }) }),
      outcome: [d.itemsNotConsented],
    },
    {
      label: 'subscribe, even with a legal-duty grant',
      given: identityInput({
        mode: 'subscribe',
        consent: undefined,
        subjectRef: undefined,
        grant: grantFor(idRes, ZJ_REQUESTER, { legalDuty: true }),
      }),
      outcome: [d.consentNotSubscribable],
    },
  ])('$label', ({ given, outcome }) => {
    const decision = decide(given);
    if (outcome === 'allow') {
      expect(decision.allow).toBe(true);
      expect(decision.reasons).toContainEqual(
        expect.objectContaining({ ruleId: ruleIds.subjectConsent, code: noteCodes.consented }),
      );
    } else {
      expect(decision.allow).toBe(false);
      expect(codesOf(decision)).toEqual(outcome);
      expect(decision.reasons.every((r) => r.ruleId === ruleIds.subjectConsent)).toBe(true);
    }
    expectBilingual(decision);
  });

  it('names the statutory rule first when sensitive items are among those verified', () => {
    const decision = decide(identityInput({ requestedItems: ['id_number', 'person_name'], consent: undefined }));
    expect(decision.reasons).toEqual([
      expect.objectContaining({ ruleId: ruleIds.sensitiveConsent, code: d.consentRequired }),
    ]);
    expect(decision.reasons[0]?.message).toContain('id_number');
    expect(decision.reasons[0]?.message).toContain('本人授权');
  });
});

describe('decide: a consent the request names is judged even where none is needed', () => {
  // the default world: a general-grade business-licence resource under a sound grant
  it.each<{ label: string; given: DecisionInput; outcome: Outcome[] | 'allow' }>([
    {
      label: 'a sound consent',
      given: input({ consent: consentFor(resource(), requester()), subjectRef: 'subj-sha256-aa11' }),
      outcome: 'allow',
    },
    {
      label: 'an unknown consent id',
      given: input({ consent: { id: 'zj-consent-none', unresolved: 'unknown' } }),
      outcome: [d.unknownConsent],
    },
    {
      label: 'a revoked consent',
      given: input({
        consent: consentFor(resource(), requester(), { status: 'revoked' }),
        subjectRef: 'subj-sha256-aa11',
      }),
      outcome: [d.consentRevoked],
    },
    {
      label: 'someone else’s consent for another resource',
      given: input({ consent: consentFor(idRes, ZJ_REQUESTER), subjectRef: 'subj-sha256-aa11' }),
      outcome: [d.consentNotYours, d.consentResourceMismatch],
    },
  ])('$label', ({ given, outcome }) => {
    const decision = decide(given);
    if (outcome === 'allow') {
      expect(decision.allow).toBe(true);
      // not relied on, so not the basis (and a once-only consent is not spent)
      expect(codesOf(decision)).not.toContain(noteCodes.consented);
    } else {
      expect(decision.allow).toBe(false);
      expect(codesOf(decision)).toEqual(outcome);
      expect(decision.reasons.every((r) => r.ruleId === ruleIds.consentOffered)).toBe(true);
    }
  });

  it('quotes only an excerpt of a long unknown id', () => {
    const id = `sh-consent-${'x'.repeat(500)}`;
    expect(decide(input({ consent: { id: 'sh-consent-short', unresolved: 'unknown' } })).reasons[0]?.message).toContain(
      'sh-consent-short',
    );
    const decision = decide(input({ consent: { id, unresolved: 'unknown' } }));
    expect(decision.reasons[0]?.message).not.toContain(id);
    expect(decision.reasons[0]?.message.length).toBeLessThan(300);
  });
});

describe('conditionsRequireSubjectConsent', () => {
  it.each<[string, boolean]>([
    ['限长三角跨省通办、“一网通办”场景下的实名身份核验；须取得本人授权，仅提供核验结果', true],
    ['限社会保险关系转移接续、待遇核定等依法履职使用；涉及个人信息的须取得本人单独同意', true],
    ['限跨省就医、医疗急救等场景；须取得本人单独同意，默认脱敏', true],
    ['经当事人书面同意后提供', true],
    ['未经本人同意不得向第三方提供', true],
    ['须取得个人信息主体的明示同意', true],
    ['限跨省通辦；須取得本人授權', true],
    ['须经数据主体授权', true],
    ['Only with the data subject’s consent', true],
    ["Only with the data subject's consent", true],
    ['requires the consent of the subject', true],
    ['限依法履行职责使用，申请时须说明用途与法律依据，经提供方审核同意后共享', false],
    ['限绿色金融授信评估使用，不得向第三方提供', false],
    ['核验场景无需本人授权', false],
    ['不需要取得本人同意', false],
    ['subject consent is not required', false],
    ['', false],
  ])('%s → %s', (conditions, expected) => {
    expect(conditionsRequireSubjectConsent(conditions)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// The allow path: item minimisation and masking.
// ---------------------------------------------------------------------------------------------

describe('decide: allow path', () => {
  it('returns the allowed items and the masking profile of each', () => {
    const decision = decide(sensitiveInput());
    expect(decision).toEqual({
      allow: true,
      allowedItems: [
        'id_number',
        'name',
        'phone',
        'home_address',
        'employer_credit_code',
        'contribution_months',
        'medical_record',
      ],
      masking: {
        id_number: 'id_number',
        name: 'name',
        phone: 'phone',
        home_address: 'address',
        employer_credit_code: 'none',
        contribution_months: 'none',
        medical_record: 'redact',
      },
      reasons: [
        expect.objectContaining({ ruleId: ruleIds.grant, code: noteCodes.granted }),
        expect.objectContaining({ ruleId: ruleIds.sensitiveConsent, code: noteCodes.consented }),
      ],
    });
    expectBilingual(decision);
  });

  it.each<{ kind: RequesterKind; province: Province; expected: string }>([
    { kind: 'government', province: 'sh', expected: 'none' },
    { kind: 'enterprise', province: 'sh', expected: 'credit_code' },
    { kind: 'research', province: 'js', expected: 'credit_code' },
  ])(
    "a company's credit code for a $kind requester from $province is masked as $expected",
    ({ kind, province, expected }) => {
      const res = personalResource({ openTier: 'conditional' });
      const req = requester({ kind, province });
      const decision = decide(
        input({ resource: res, requester: req, grant: grantFor(res, req), requestedItems: ['employer_credit_code'] }),
      );
      expect(decision.masking).toEqual({ employer_credit_code: expected });
    },
  );

  it('applies the province’s masking choices to masked items, and never unmasks', () => {
    const decision = decide({
      ...sensitiveInput(),
      maskOverrides: { name: 'redact', phone: 'redact', credit_code: 'redact', address: 'none' },
    });
    expect(decision.masking).toMatchObject({
      name: 'redact', // chosen instead of 张*
      phone: 'redact',
      home_address: 'address', // "none" is never a choice: it stays masked
      employer_credit_code: 'none', // not masked for government by default, so no choice applies
      id_number: 'id_number',
    });
  });

  it('masks sensitive items for a same-province requester too', () => {
    const res = personalResource();
    const req = requester({ province: 'js', agency: '11320000MB0000004D' });
    const decision = decide(
      sensitiveInput({ requester: req, grant: grantFor(res, req), consent: consentFor(res, req) }),
    );
    expect(decision.masking).toMatchObject({ id_number: 'id_number', medical_record: 'redact' });
  });

  it.each<{ label: string; given: DecisionInput; items: string[] }>([
    {
      label: 'requested items, de-duplicated, in request order',
      given: input({ requestedItems: ['status', 'licence_no', 'status'] }),
      items: ['status', 'licence_no'],
    },
    {
      label: 'nothing requested, conditional: what the grant allows',
      given: input({ grant: grant({ items: ['company_name', 'licence_no'] }) }),
      items: ['company_name', 'licence_no'],
    },
    {
      label: 'nothing requested, unconditional: the whole resource',
      given: input({ resource: resource({ sharingTier: 'unconditional' }), grant: undefined }),
      items: ['licence_no', 'company_name', 'status'],
    },
  ])('item scope: $label', ({ given, items }) => {
    expect(decide(given).allowedItems).toEqual(items);
  });

  it.each<{ label: string; given: DecisionInput; items: string[]; ruleId: string; code: string; dropped: string }>([
    {
      label: 'core items are dropped for another province',
      given: input({
        resource: resource({ items: [item('licence_no'), item('core_detail', { grade: 'core' })] }),
        grant: grant({ items: ['licence_no', 'core_detail'] }),
      }),
      items: ['licence_no'],
      ruleId: ruleIds.coreItem,
      code: noteCodes.itemCoreLocal,
      dropped: 'core_detail',
    },
    {
      label: 'open data keeps only general, non-personal items',
      given: input({
        requester: enterprise(),
        grant: undefined,
        resource: personalResource({ openTier: 'unconditional' }),
      }),
      items: ['employer_credit_code'],
      ruleId: ruleIds.openTier,
      code: noteCodes.itemNotOpen,
      dropped: 'contribution_months',
    },
    {
      label: 'granted items that the current version lacks are dropped',
      given: input({ grant: grant({ items: ['licence_no', 'old_field'] }) }),
      items: ['licence_no'],
      ruleId: ruleIds.items,
      code: noteCodes.itemNotInResource,
      dropped: 'old_field',
    },
  ])('$label', ({ given, items, ruleId, code, dropped }) => {
    const decision = decide(given);
    expect(decision.allow).toBe(true);
    expect(decision.allowedItems).toEqual(items);
    const reason = decision.reasons.find((r) => r.code === code);
    expect(reason).toMatchObject({ ruleId });
    expect(reason?.message).toContain(dropped);
  });

  it('keeps core items inside the province', () => {
    const res = resource({ province: 'sh', items: [item('licence_no'), item('core_detail', { grade: 'core' })] });
    const decision = decide(input({ resource: res, grant: grantFor(res, requester()) }));
    expect(decision.allowedItems).toEqual(['licence_no', 'core_detail']);
    expect(codesOf(decision)).not.toContain(noteCodes.itemCoreLocal);
  });

  it('is a pure function of its input', () => {
    const given = sensitiveInput();
    const snapshot = structuredClone(given);
    expect(decide(given)).toEqual(decide(given));
    expect(given).toEqual(snapshot);
  });
});
