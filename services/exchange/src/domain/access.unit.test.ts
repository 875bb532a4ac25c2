import { type Role, roles } from '@yrd/auth';
import { describe, expect, it } from 'vitest';
import {
  accessRules,
  canConfigureSource,
  canUseSubscription,
  sourceListFilter,
  subscriptionListFilter,
  type Viewer,
} from './access.js';

// synthetic agency codes: the agency that owns the record, another one, the data authority
const OWNER = 'OWNING-AGENCY';
const agencyRelations = { ownAgency: OWNER, otherAgency: 'OTHER-AGENCY', dataAuthority: 'DATA-AUTHORITY', none: '' };
type AgencyRelation = keyof typeof agencyRelations;
const provinceRelations = { own: 'sh', other: 'zj' } as const;
type ProvinceRelation = keyof typeof provinceRelations;

const viewer = (role: Role, agency: AgencyRelation, province: ProvinceRelation): Viewer => ({
  sub: 'u-1',
  roles: [role],
  agency: agencyRelations[agency],
  province: provinceRelations[province],
});
const combinations = roles.flatMap((role) =>
  (Object.keys(agencyRelations) as AgencyRelation[]).flatMap((agency) =>
    (Object.keys(provinceRelations) as ProvinceRelation[]).map((province) => ({ role, agency, province })),
  ),
);

describe('the exchange access matrix', () => {
  it.each(combinations)('a subscription: $role of $agency, $province province', ({ role, agency, province }) => {
    const v = viewer(role, agency, province);
    const allowed = role === 'requester' && agency === 'ownAgency' && province === 'own';
    expect(canUseSubscription(v, { province: 'sh', requesterAgency: OWNER })).toEqual({
      allow: allowed,
      rule: allowed ? accessRules.subscribingAgency : accessRules.denied,
    });
    // the list holds exactly what may be read by id
    const f = subscriptionListFilter(v, 'sh');
    expect(f === undefined).toBe(!(role === 'requester' && province === 'own' && agency !== 'none'));
    if (f) expect(canUseSubscription(v, { province: f.province, requesterAgency: f.agency }).allow).toBe(true);
  });

  it('a subscription whose agency is not recorded is nobody’s', () => {
    expect(canUseSubscription(viewer('requester', 'none', 'own'), { province: 'sh', requesterAgency: '' }).allow).toBe(
      false,
    );
  });

  it.each(combinations)('a data source: $role of $agency, $province province', ({ role, agency, province }) => {
    const v = viewer(role, agency, province);
    const admin = role === 'admin' && province === 'own';
    const provider = role === 'publisher' && agency === 'ownAgency' && province === 'own';
    const d = canConfigureSource(v, { province: 'sh', providerAgency: OWNER });
    expect(d.allow).toBe(admin || provider);
    expect(d.rule).toBe(admin ? accessRules.provinceAdmin : provider ? accessRules.providerAgency : accessRules.denied);
    const f = sourceListFilter(v, 'sh');
    if (province !== 'own' || !(role === 'admin' || (role === 'publisher' && agency !== 'none')))
      expect(f).toBeUndefined();
    else if (role === 'admin') expect(f).toEqual({ scope: 'province' });
    else expect(f).toEqual({ scope: 'providerAgency', providerAgency: agencyRelations[agency] });
  });

  it('a source of an entry whose provider is not recorded: the admin only', () => {
    const orphan = { province: 'sh', providerAgency: '' };
    expect(canConfigureSource(viewer('publisher', 'none', 'own'), orphan).allow).toBe(false);
    expect(canConfigureSource(viewer('admin', 'dataAuthority', 'own'), orphan).allow).toBe(true);
  });
});
