import { type Role, roles } from '@yrd/auth';
import { describe, expect, it } from 'vitest';
import {
  accessRules,
  canManage,
  canRead,
  canReadHistory,
  canReadVersion,
  type EntryView,
  ownEntriesFilter,
  type Viewer,
} from './access.js';

// synthetic agency codes of 浙江: the providing agency, another one, the data authority
const PROVIDER = 'ZJ-PROVIDING-AGENCY';
const agencyRelations = { providerAgency: PROVIDER, otherAgency: 'ZJ-OTHER', dataAuthority: 'ZJ-AUTHORITY', none: '' };
type AgencyRelation = keyof typeof agencyRelations;
const provinceRelations = { own: 'zj', other: 'sh' } as const;
type ProvinceRelation = keyof typeof provinceRelations;
const statuses = ['draft', 'submitted', 'published', 'withdrawn'] as const;

const entry = (status: string, origin: EntryView['origin'] = 'local'): EntryView => ({
  province: 'zj',
  origin,
  status,
  providerAgency: PROVIDER,
});
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

/** The owners of a local entry, written out: the admin of its province, a publisher of its agency. */
const isOwner = (role: Role, agency: AgencyRelation, province: ProvinceRelation) =>
  province === 'own' && (role === 'admin' || (role === 'publisher' && agency === 'providerAgency'));

describe('the catalogue access matrix', () => {
  for (const status of statuses) {
    it.each(combinations)(
      `read a ${status} entry: $role of $agency, $province province`,
      ({ role, agency, province }) => {
        const d = canRead(viewer(role, agency, province), entry(status));
        const allowed = status === 'published' || isOwner(role, agency, province);
        expect(d.allow).toBe(allowed);
        if (status === 'published') expect(d.rule).toBe(accessRules.published);
        else if (!allowed) expect(d.rule).toBe(accessRules.denied);
      },
    );

    it.each(combinations)(
      `change or read the history of a ${status} entry: $role of $agency, $province province`,
      ({ role, agency, province }) => {
        const v = viewer(role, agency, province);
        const allowed = isOwner(role, agency, province);
        expect(canManage(v, entry(status)).allow).toBe(allowed);
        expect(canReadHistory(v, entry(status)).allow).toBe(allowed);
      },
    );

    it.each(combinations)(
      `versions of a ${status} entry: $role of $agency, $province province`,
      ({ role, agency, province }) => {
        const v = viewer(role, agency, province);
        const owner = isOwner(role, agency, province);
        for (const versionStatus of statuses) {
          const allowed = owner || (status === 'published' && versionStatus === 'published');
          expect(canReadVersion(v, entry(status), versionStatus).allow, versionStatus).toBe(allowed);
        }
      },
    );
  }

  it('without a viewer (a service asking for the regional view) only published entries', () => {
    for (const status of statuses) expect(canRead(undefined, entry(status)).allow).toBe(status === 'published');
  });

  it('another province’s entry in the regional view is read by all, changed by none', () => {
    for (const c of combinations) {
      const v = viewer(c.role, c.agency, c.province);
      expect(canRead(v, entry('published', 'federated')).allow).toBe(true);
      expect(canManage(v, entry('published', 'federated'))).toMatchObject({
        allow: false,
        code: 'CATALOG.WRONG_PROVINCE',
      });
    }
  });

  it('a refusal to one who sees the entry names why: another province, or another agency', () => {
    expect(canManage(viewer('publisher', 'providerAgency', 'other'), entry('published')).code).toBe(
      'CATALOG.WRONG_PROVINCE',
    );
    expect(canManage(viewer('publisher', 'otherAgency', 'own'), entry('published')).code).toBe(
      'CATALOG.NOT_YOUR_AGENCY',
    );
    expect(canManage(viewer('reviewer', 'providerAgency', 'own'), entry('published')).code).toBe(
      'CATALOG.NOT_YOUR_AGENCY',
    );
  });

  it('an entry whose provider is not recorded has no agency owner, only the admin', () => {
    const orphan = { ...entry('draft'), providerAgency: '' };
    expect(canRead(viewer('publisher', 'none', 'own'), orphan).allow).toBe(false);
    expect(canRead(viewer('admin', 'dataAuthority', 'own'), orphan).allow).toBe(true);
  });

  it.each(combinations)(
    'the own-entries export of $role of $agency, $province province',
    ({ role, agency, province }) => {
      const f = ownEntriesFilter(viewer(role, agency, province), 'zj');
      if (province !== 'own' || !(role === 'admin' || (role === 'publisher' && agency !== 'none')))
        expect(f).toBeUndefined();
      else if (role === 'admin') expect(f).toEqual({ own: true });
      else expect(f).toEqual({ own: true, agency: agencyRelations[agency] });
      // what the export lists, each one may read by id
      if (f && 'agency' in f)
        expect(canRead(viewer(role, agency, province), { ...entry('draft'), providerAgency: f.agency }).allow).toBe(
          true,
        );
    },
  );
});
