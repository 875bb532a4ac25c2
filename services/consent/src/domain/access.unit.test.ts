import { type Role, roles } from '@yrd/auth';
import type { Province } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import {
  accessRules,
  canFetchConsentOverLane,
  canRead,
  canRevokeGrant,
  type ExchangeRecordView,
  type Viewer,
  worklistFilter,
} from './access.js';

// synthetic agency codes: 上海's requesting agency, 浙江's providing agency, 浙江's data authority
const SH_REQUESTER = 'SH-REQUESTING-AGENCY';
const ZJ_PROVIDER = 'ZJ-PROVIDING-AGENCY';
const ZJ_AUTHORITY = 'ZJ-DATA-AUTHORITY';
const OTHER = 'SOME-OTHER-AGENCY';

/** 上海 applied for a resource of 浙江's providing agency; the record is stored at 浙江. */
const record = (kind: 'application' | 'grant'): ExchangeRecordView => ({
  kind,
  province: 'zj',
  requesterProvince: 'sh',
  requesterAgency: SH_REQUESTER,
  providerAgency: ZJ_PROVIDER,
});

const agencyRelations = {
  requesterAgency: SH_REQUESTER,
  providerAgency: ZJ_PROVIDER,
  dataAuthority: ZJ_AUTHORITY,
  otherAgency: OTHER,
  noAgency: '',
} as const;
type AgencyRelation = keyof typeof agencyRelations;
const provinceRelations = { provider: 'zj', requester: 'sh', third: 'ah' } as const satisfies Record<string, Province>;
type ProvinceRelation = keyof typeof provinceRelations;

const viewer = (role: Role, agency: AgencyRelation, province: ProvinceRelation, sub = 'u-1'): Viewer => ({
  sub,
  roles: [role],
  agency: agencyRelations[agency],
  province: provinceRelations[province],
});

/** The rows that allow, written out: every other combination is denied. */
const allowedRows: { role: Role; agency: AgencyRelation | '*'; province: ProvinceRelation; rule: string }[] = [
  { role: 'requester', agency: 'requesterAgency', province: 'requester', rule: accessRules.requesterAgency },
  { role: 'reviewer', agency: 'providerAgency', province: 'provider', rule: accessRules.providerAgency },
  { role: 'admin', agency: '*', province: 'provider', rule: accessRules.dataAuthority },
];

const combinations = roles.flatMap((role) =>
  (Object.keys(agencyRelations) as AgencyRelation[]).flatMap((agency) =>
    (Object.keys(provinceRelations) as ProvinceRelation[]).map((province) => ({ role, agency, province })),
  ),
);

describe('the consent access matrix', () => {
  for (const kind of ['application', 'grant'] as const) {
    it.each(combinations)(`${kind}: $role of $agency in the $province province`, ({ role, agency, province }) => {
      const row = allowedRows.find(
        (r) => r.role === role && (r.agency === '*' || r.agency === agency) && r.province === province,
      );
      const d = canRead(viewer(role, agency, province), record(kind));
      expect(d.allow).toBe(row !== undefined);
      expect(d.rule).toBe(row?.rule ?? accessRules.denied);
      expect(d.reason).not.toBe('');
    });
  }

  it('the issue’s example: a 浙江 reviewer of another agency does not see 大数据局’s application or grant', () => {
    const scjgReviewer: Viewer = { sub: 'zj-scjgj-reviewer', province: 'zj', agency: 'ZJ-SCJGJ', roles: ['reviewer'] };
    const ofDsjj: ExchangeRecordView = {
      kind: 'application',
      province: 'zj',
      requesterProvince: 'sh',
      requesterAgency: SH_REQUESTER,
      providerAgency: 'ZJ-DSJJ',
    };
    expect(canRead(scjgReviewer, ofDsjj).allow).toBe(false);
    expect(canRead(scjgReviewer, { ...ofDsjj, kind: 'grant' }).allow).toBe(false);
    expect(canRead({ ...scjgReviewer, agency: 'ZJ-DSJJ' }, ofDsjj).allow).toBe(true);
  });

  it('an application inside one province: the requesting agency’s requesters, not its reviewers', () => {
    const local: ExchangeRecordView = { ...record('application'), requesterProvince: 'zj', requesterAgency: OTHER };
    expect(canRead({ sub: 'a', province: 'zj', agency: OTHER, roles: ['requester'] }, local).allow).toBe(true);
    expect(canRead({ sub: 'b', province: 'zj', agency: OTHER, roles: ['reviewer'] }, local).allow).toBe(false);
    expect(canRead({ sub: 'c', province: 'zj', agency: OTHER, roles: ['publisher'] }, local).allow).toBe(false);
  });

  it('a record whose providing agency is not known is seen by no agency, only by the data authority', () => {
    const unknown = { ...record('grant'), providerAgency: '' };
    expect(canRead(viewer('reviewer', 'noAgency', 'provider'), unknown).allow).toBe(false);
    expect(canRead(viewer('admin', 'dataAuthority', 'provider'), unknown).allow).toBe(true);
    const noRequester = { ...record('grant'), requesterAgency: '' };
    expect(canRead(viewer('requester', 'noAgency', 'requester'), noRequester).allow).toBe(false);
  });

  it('several roles: any row that holds allows', () => {
    const both: Viewer = { sub: 'x', province: 'zj', agency: OTHER, roles: ['reviewer', 'admin'] };
    expect(canRead(both, record('application'))).toMatchObject({ allow: true, rule: accessRules.dataAuthority });
    expect(canRead({ ...both, roles: [] }, record('application')).allow).toBe(false);
  });

  describe('consents: the data subject only', () => {
    const consent = { kind: 'consent', province: 'sh', subjectUser: 'sh-subject-01' } as const;
    it.each(combinations)('$role of $agency in the $province province, same account', ({ role, agency, province }) => {
      const v = viewer(role, agency, province, 'sh-subject-01');
      const allowed = role === 'subject' && province === 'requester'; // 'requester' is 上海, the issuer
      expect(canRead(v, consent)).toMatchObject({
        allow: allowed,
        rule: allowed ? accessRules.subject : accessRules.denied,
      });
    });
    it('another subject of the same province does not see it', () => {
      expect(canRead({ sub: 'sh-subject-02', province: 'sh', agency: '', roles: ['subject'] }, consent).allow).toBe(
        false,
      );
      expect(
        canRead({ sub: '', province: 'sh', agency: '', roles: ['subject'] }, { ...consent, subjectUser: '' }).allow,
      ).toBe(false);
    });
  });

  it.each(combinations)(
    'revoking a grant: $role of $agency in the $province province',
    ({ role, agency, province }) => {
      const allowed = role === 'reviewer' && agency === 'providerAgency' && province === 'provider';
      expect(canRevokeGrant(viewer(role, agency, province), record('grant'))).toBe(allowed);
    },
  );

  it.each(combinations)('the worklist of $role of $agency in the $province province', ({ role, agency, province }) => {
    const f = worklistFilter(viewer(role, agency, province), 'zj');
    if (
      province !== 'provider' ||
      (role !== 'admin' && role !== 'reviewer') ||
      (role === 'reviewer' && agency === 'noAgency')
    )
      expect(f).toBeUndefined();
    else if (role === 'admin') expect(f).toEqual({ scope: 'province' });
    else expect(f).toEqual({ scope: 'providerAgency', providerAgency: agencyRelations[agency] });
  });

  it('a worklist holds exactly what its holder may read by id', () => {
    const records = (Object.values(agencyRelations) as string[]).map((providerAgency) => ({
      ...record('application'),
      providerAgency,
    }));
    for (const c of combinations) {
      const v = viewer(c.role, c.agency, c.province);
      const f = worklistFilter(v, 'zj');
      if (!f) continue;
      const listed = records.filter((r) => f.scope === 'province' || r.providerAgency === f.providerAgency);
      expect(listed.every((r) => canRead(v, r).allow)).toBe(true);
    }
  });

  it('a consent over a lane goes only to the province that provides the consented resource', () => {
    expect(canFetchConsentOverLane('zj', 'zj')).toBe(true);
    expect(canFetchConsentOverLane('js', 'zj')).toBe(false);
    expect(canFetchConsentOverLane('js', undefined)).toBe(false);
  });
});
