import { entryIssues, resourceInput } from '@yrd/catalog';
import { isValidCreditCode, isValidIdNumber, provinceOfResourceId, provinces } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import {
  agencies,
  agencyBySlug,
  certificateSeedFor,
  certificateTypeCodes,
  consents,
  datasets,
  demoCompany,
  demoDeclarationNo,
  demoSubject,
  organisations,
  resourceById,
  resourceSubLevels,
  resources,
  type SeedRole,
  seedsFor,
  subjects,
  users,
} from './index.js';

const roles: SeedRole[] = ['publisher', 'reviewer', 'requester', 'auditor', 'admin', 'subject'];

function duplicates(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

describe('agencies and users', () => {
  it('every credit code is valid', () => {
    const codes = [
      ...agencies.map((a) => a.creditCode),
      ...organisations.map((o) => o.creditCode),
      ...resources.flatMap((r) => {
        const ds = datasets.find((d) => d.resourceId === r.id);
        const codeItems = r.items.filter((i) => i.piiKind === 'credit_code').map((i) => i.name);
        return (ds?.records ?? []).flatMap((rec) => codeItems.map((n) => rec[n] ?? ''));
      }),
      demoCompany.creditCode,
    ];
    expect(codes.length).toBeGreaterThan(agencies.length);
    for (const c of codes) expect(isValidCreditCode(c), c).toBe(true);
  });

  it('government agencies carry prefix 11 and an area of their province', () => {
    const area = { sh: '31', js: '32', zj: '33', ah: '34' } as const;
    for (const a of agencies) {
      expect(a.creditCode.slice(0, 2), a.name).toBe('11');
      expect(a.creditCode.slice(2, 4), a.name).toBe(area[a.province]);
    }
  });

  it('every ID number is valid', () => {
    const ids = [
      ...users.filter((u) => u.idNumber !== undefined).map((u) => u.idNumber ?? ''),
      ...resources.flatMap((r) => {
        const ds = datasets.find((d) => d.resourceId === r.id);
        const idItems = r.items.filter((i) => i.piiKind === 'id_number').map((i) => i.name);
        return (ds?.records ?? []).flatMap((rec) => idItems.map((n) => rec[n] ?? ''));
      }),
    ];
    expect(ids.length).toBeGreaterThan(subjects.length);
    for (const id of ids) expect(isValidIdNumber(id), id).toBe(true);
  });

  it('ids, slugs and codes are unique', () => {
    expect(duplicates(users.map((u) => u.id))).toEqual([]);
    expect(duplicates(resources.map((r) => r.id))).toEqual([]);
    expect(duplicates(resources.map((r) => r.resourceCode))).toEqual([]);
    expect(duplicates(consents.map((c) => c.id))).toEqual([]);
    expect(duplicates(datasets.map((d) => d.resourceId))).toEqual([]);
    expect(duplicates([...agencies, ...organisations].map((a) => a.creditCode))).toEqual([]);
    expect(duplicates(agencies.map((a) => `${a.province}/${a.slug}`))).toEqual([]);
  });

  it('each province has at least 3 agencies and every role', () => {
    for (const p of provinces) {
      expect(agencies.filter((a) => a.province === p).length, p).toBeGreaterThanOrEqual(3);
      const present = new Set(users.filter((u) => u.province === p).flatMap((u) => u.roles));
      for (const r of roles) expect(present.has(r), `${p} ${r}`).toBe(true);
    }
  });

  it('staff belong to an agency of their own province; subjects to none', () => {
    const orgs = [...agencies, ...organisations];
    for (const u of users) {
      if (u.roles.includes('subject')) {
        expect(u.agency).toBe('');
        // a person by their ID number, or a company holding certificates by its credit code
        if (u.creditCode) {
          expect(u.kind).toBe('enterprise');
          expect(u.idNumber).toBeUndefined();
        } else {
          expect(u.kind).toBe('individual');
          expect(u.idNumber).toBeDefined();
        }
        continue;
      }
      const org = orgs.find((a) => a.creditCode === u.agency);
      expect(org, u.id).toBeDefined();
      expect(org?.province, u.id).toBe(u.province);
    }
    expect(users.some((u) => u.kind === 'enterprise' && u.roles.includes('requester'))).toBe(true);
  });

  it('every publishing agency has a publisher and a reviewer', () => {
    for (const r of resources) {
      const staff = users.filter((u) => u.agency === r.providerCreditCode);
      expect(
        staff.some((u) => u.roles.includes('publisher')),
        r.id,
      ).toBe(true);
      expect(
        staff.some((u) => u.roles.includes('reviewer')),
        r.id,
      ).toBe(true);
    }
  });
});

describe('catalogue entries', () => {
  it('has at least 30 entries, at least 8 per province', () => {
    expect(resources.length).toBeGreaterThanOrEqual(30);
    for (const p of provinces) expect(resources.filter((r) => r.province === p).length, p).toBeGreaterThanOrEqual(8);
  });

  it('covers every sharing tier, open tier and grade, and general sub-levels 1-4', () => {
    const sharing = new Set(resources.map((r) => r.sharingTier));
    const open = new Set(resources.map((r) => r.openTier));
    const grades = new Set(resources.map((r) => r.grade));
    for (const t of ['unconditional', 'conditional', 'none'] as const) {
      expect(sharing.has(t), t).toBe(true);
      expect(open.has(t), t).toBe(true);
    }
    for (const g of ['core', 'important', 'general'] as const) expect(grades.has(g), g).toBe(true);
    const subLevels = new Set(resources.filter((r) => r.grade === 'general').map((r) => resourceSubLevels[r.id]));
    expect([...subLevels].sort()).toEqual([1, 2, 3, 4]);
  });

  it('ids carry province and resource code; providers are agencies of the same province', () => {
    for (const r of resources) {
      expect(r.id).toBe(`${r.province}.${r.resourceCode}`);
      expect(provinceOfResourceId(r.id)).toBe(r.province);
      expect(r.resourceCode).toMatch(/^\d{6}-[A-Z]+-\d{5}$/);
      expect(r.classCode).toMatch(/^[A-Z]\d{2}-\d{2}-\d{2}-\d{2}$/);
      const provider = agencies.find((a) => a.creditCode === r.providerCreditCode);
      expect(provider?.province, r.id).toBe(r.province);
      for (const rel of r.relatedResources) expect(() => resourceById(rel), `${r.id} -> ${rel}`).not.toThrow();
    }
  });

  it('every entry keeps the catalogue’s rules (known class code, grade floors, legal basis)', () => {
    for (const r of resources) {
      const parsed = resourceInput.safeParse(r);
      expect(parsed.error?.issues ?? [], r.id).toEqual([]);
      if (parsed.success) expect(entryIssues(parsed.data), r.id).toEqual([]);
    }
  });

  it('a none entry has a legal basis, no modes and is not open; core data is never shared', () => {
    for (const r of resources) {
      if (r.sharingTier === 'none') {
        expect(r.legalBasis.trim(), r.id).not.toBe('');
        expect(r.sharingModes, r.id).toEqual([]);
        expect(r.openTier, r.id).toBe('none');
      } else {
        expect(r.sharingModes.length, r.id).toBeGreaterThan(0);
      }
      if (r.sharingTier === 'conditional') expect(r.sharingConditions.trim(), r.id).not.toBe('');
      if (r.grade === 'core') expect(r.sharingTier, r.id).toBe('none');
    }
  });

  it('has 3-8 well-formed data items and key items that name them', () => {
    for (const r of resources) {
      expect(r.items.length, r.id).toBeGreaterThanOrEqual(3);
      expect(r.items.length, r.id).toBeLessThanOrEqual(8);
      const names = r.items.map((i) => i.name);
      expect(duplicates(names), r.id).toEqual([]);
      expect(r.keyItems.length, r.id).toBeGreaterThanOrEqual(1);
      expect(r.keyItems.length, r.id).toBeLessThanOrEqual(2);
      for (const k of r.keyItems) expect(names, `${r.id} key ${k}`).toContain(k);
      for (const i of r.items) {
        expect(i.name, r.id).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(i.label, `${r.id}.${i.name}`).not.toBe('');
        expect(i.description, `${r.id}.${i.name}`).not.toBe('');
        if (i.grade === 'general') expect([1, 2, 3, 4], `${r.id}.${i.name}`).toContain(i.subLevel);
        else expect(i.subLevel, `${r.id}.${i.name}`).toBe(0);
        if (i.sensitivePersonalInfo) expect(i.personalInfo, `${r.id}.${i.name}`).toBe(true);
        if (i.piiKind === 'id_number') {
          expect(i.sensitivePersonalInfo, `${r.id}.${i.name}`).toBe(true);
          expect(i.grade === 'important' || i.grade === 'core' || i.subLevel === 4, `${r.id}.${i.name}`).toBe(true);
        }
        if (i.piiKind === 'name' || i.piiKind === 'phone') expect(i.personalInfo, `${r.id}.${i.name}`).toBe(true);
      }
      if (r.items.some((i) => i.sensitivePersonalInfo)) expect(r.openTier, r.id).toBe('none');
    }
  });

  it('natural search words appear in names or summaries', () => {
    for (const word of ['营业执照', '社保缴费', '危险品', '客流']) {
      expect(
        resources.some((r) => r.name.includes(word) || r.summary.includes(word)),
        word,
      ).toBe(true);
    }
    expect(resourceById('js.320000-RSJ-00001').summary).toContain('社保缴费');
  });
});

describe('scenario entries', () => {
  const shape = (id: string) => {
    const r = resourceById(id);
    return {
      sharing: r.sharingTier,
      open: r.openTier,
      grade: r.grade,
      subLevel: resourceSubLevels[id],
      modes: [...r.sharingModes].sort(),
      keys: r.keyItems,
    };
  };

  it('1: 浙 营业执照, unconditional with verify', () => {
    const r = resourceById('zj.330000-SCJG-00001');
    expect(r.scenario).toBe(1);
    expect(shape(r.id)).toEqual({
      sharing: 'unconditional',
      open: 'conditional',
      grade: 'general',
      subLevel: 2,
      modes: ['interface', 'verify'],
      keys: ['credit_code'],
    });
    expect(r.items.map((i) => i.name)).toEqual([
      'credit_code',
      'company_name',
      'legal_representative',
      'registered_capital',
      'license_status',
      'established_date',
      'address',
    ]);
    expect(r.items.find((i) => i.name === 'legal_representative')).toMatchObject({
      personalInfo: true,
      piiKind: 'name',
      grade: 'general',
      subLevel: 3,
    });
  });

  it('2: 苏 社保缴费, conditional, personal', () => {
    const r = resourceById('js.320000-RSJ-00001');
    expect(r.scenario).toBe(2);
    expect(shape(r.id)).toMatchObject({
      sharing: 'conditional',
      open: 'none',
      grade: 'important',
      modes: ['interface'],
    });
    expect(r.items.find((i) => i.name === 'id_number')).toMatchObject({
      grade: 'important',
      personalInfo: true,
      sensitivePersonalInfo: true,
      piiKind: 'id_number',
    });
    expect(r.keyItems).toEqual(['id_number']);
  });

  it('3: 皖 合肥海关 危险品, conditional', () => {
    const r = resourceById('ah.340000-HFHG-00001');
    expect(r.scenario).toBe(3);
    expect(shape(r.id)).toMatchObject({
      sharing: 'conditional',
      open: 'none',
      grade: 'important',
      modes: ['interface', 'verify'],
      keys: ['declaration_no'],
    });
  });

  it('4: 沪 随申办 identity, verify only', () => {
    const r = resourceById('sh.310000-DSJ-00001');
    expect(r.scenario).toBe(4);
    expect(shape(r.id)).toMatchObject({ sharing: 'conditional', open: 'none', grade: 'important', modes: ['verify'] });
    expect(r.items.map((i) => i.name)).toEqual(['id_number', 'person_name', 'phone', 'auth_level']);
  });

  it('5: 苏 景区客流, unconditional and subscribable', () => {
    const r = resourceById('js.320000-WL-00001');
    expect(r.scenario).toBe(5);
    expect(shape(r.id)).toEqual({
      sharing: 'unconditional',
      open: 'unconditional',
      grade: 'general',
      subLevel: 1,
      modes: ['interface', 'subscribe'],
      keys: ['scenic_area'],
    });
  });

  it('6: carbon footprints in 浙 苏 皖, conditional', () => {
    for (const id of ['zj.330000-STHJ-00001', 'js.320000-STHJ-00001', 'ah.340000-STHJ-00001']) {
      const r = resourceById(id);
      expect(r.scenario, id).toBe(6);
      expect(shape(id), id).toEqual({
        sharing: 'conditional',
        open: 'conditional',
        grade: 'general',
        subLevel: 3,
        modes: ['interface'],
        keys: ['credit_code'],
      });
    }
  });

  it('7: 沪 户籍 is core and not shared, with its legal basis', () => {
    const r = resourceById('sh.310000-GA-00001');
    expect(r.scenario).toBe(7);
    expect(shape(r.id)).toMatchObject({ sharing: 'none', open: 'none', grade: 'core', modes: [] });
    expect(r.legalBasis).toContain('居民身份证法');
    expect(r.legalBasis).toContain('户口登记条例');
  });
});

describe('datasets and consents', () => {
  it('records have exactly the items of their resource, as strings', () => {
    for (const d of datasets) {
      const r = resourceById(d.resourceId);
      const names = r.items.map((i) => i.name).sort();
      expect(d.records.length, d.resourceId).toBeGreaterThanOrEqual(5);
      expect(d.records.length, d.resourceId).toBeLessThanOrEqual(20);
      for (const rec of d.records) {
        expect(Object.keys(rec).sort(), d.resourceId).toEqual(names);
        for (const v of Object.values(rec)) expect(typeof v).toBe('string');
        for (const i of r.items) {
          if (i.type === 'number') expect(rec[i.name], `${d.resourceId}.${i.name}`).toMatch(/^-?\d+(\.\d+)?$/);
        }
      }
    }
  });

  it('consents name a seeded entry and only items it has (the node seeds them before the catalogue syncs)', () => {
    for (const c of consents) {
      const names = new Set(resourceById(c.resourceId).items.map((i) => i.name));
      expect(
        c.items.filter((i) => !names.has(i)),
        c.id,
      ).toEqual([]);
    }
  });

  it('every scenario entry has records', () => {
    for (const r of resources.filter((x) => x.scenario > 0)) {
      expect(
        datasets.some((d) => d.resourceId === r.id),
        r.id,
      ).toBe(true);
    }
  });

  it('demo constants point at real records', () => {
    const licences = datasets.find((d) => d.resourceId === 'zj.330000-SCJG-00001')?.records ?? [];
    expect(licences).toContainEqual(
      expect.objectContaining({
        credit_code: demoCompany.creditCode,
        company_name: demoCompany.companyName,
        legal_representative: demoCompany.legalRepresentative,
        license_status: '存续',
      }),
    );
    expect(demoSubject).toMatchObject({ id: subjects[0]?.id, idNumber: subjects[0]?.idNumber });
    const insurance = datasets.find((d) => d.resourceId === 'js.320000-RSJ-00001')?.records ?? [];
    expect(insurance.some((rec) => rec.id_number === demoSubject.idNumber)).toBe(true);
    for (const s of subjects.slice(0, 3)) expect(insurance.some((rec) => rec.id_number === s.idNumber)).toBe(true);
    const inspections = datasets.find((d) => d.resourceId === 'ah.340000-HFHG-00001')?.records ?? [];
    expect(inspections.some((rec) => rec.declaration_no === demoDeclarationNo)).toBe(true);
  });

  it('the demo consent covers scenario 2', () => {
    const c = consents.find((x) => x.id === 'consent-demo-0001');
    expect(c).toEqual({
      id: 'consent-demo-0001',
      subject: demoSubject.id,
      requesterAgency: agencies.find((a) => a.name === '上海市人力资源和社会保障局')?.creditCode,
      requesterProvince: 'sh',
      resourceId: 'js.320000-RSJ-00001',
      items: ['id_number', 'person_name', 'contribution_months', 'last_contribution'],
      purpose: '社保关系转移接续',
      validUntil: '2028-12-31T23:59:59+08:00',
    });
  });

  it('the demo consent covers scenario 4: 浙里办 verifies the 随申办 identity', () => {
    const c = consents.find((x) => x.id === 'consent-demo-0002');
    expect(c).toEqual({
      id: 'consent-demo-0002',
      subject: demoSubject.id,
      requesterAgency: agencyBySlug('zj', 'dsjj').creditCode,
      requesterProvince: 'zj',
      resourceId: 'sh.310000-DSJ-00001',
      items: ['id_number', 'person_name', 'phone', 'auth_level'],
      purpose: '浙里办场馆预约实名核验',
      validUntil: '2028-12-31T23:59:59+08:00',
    });
    // the identity entry offers verification, and its conditions ask for the person's authorisation
    const r = resourceById('sh.310000-DSJ-00001');
    expect(r.sharingModes).toContain('verify');
    expect(r.sharingConditions).toContain('本人授权');
  });

  it('consents reference real subjects, agencies, resources and items', () => {
    for (const c of consents) {
      expect(subjects.map((s) => s.id)).toContain(c.subject);
      const requester = agencies.find((a) => a.creditCode === c.requesterAgency);
      expect(requester?.province).toBe(c.requesterProvince);
      const r = resourceById(c.resourceId);
      for (const i of c.items) expect(r.items.map((x) => x.name)).toContain(i);
      expect(Number.isNaN(Date.parse(c.validUntil))).toBe(false);
      // somebody at the requester agency can use it
      expect(users.some((u) => u.agency === c.requesterAgency && u.roles.includes('requester'))).toBe(true);
      // the subject's records are behind the resource, under the key a requester names
      const records = datasets.find((d) => d.resourceId === c.resourceId)?.records ?? [];
      const subject = subjects.find((s) => s.id === c.subject);
      expect(records.some((rec) => rec.id_number === subject?.idNumber)).toBe(true);
    }
  });
});

describe('seedsFor', () => {
  it('partitions the seeds by province', () => {
    const parts = provinces.map((p) => seedsFor(p));
    expect(parts.reduce((n, s) => n + s.agencies.length, 0)).toBe(agencies.length);
    expect(parts.reduce((n, s) => n + s.users.length, 0)).toBe(users.length);
    expect(parts.reduce((n, s) => n + s.resources.length, 0)).toBe(resources.length);
    expect(parts.reduce((n, s) => n + s.datasets.length, 0)).toBe(datasets.length);
    expect(parts.reduce((n, s) => n + s.consents.length, 0)).toBe(consents.length);
    // consents are issued by the data subject's province (李四海 lives in 上海)
    expect(seedsFor('sh').consents.map((c) => c.id)).toContain('consent-demo-0001');
    const js = seedsFor('js');
    expect(js.resources.every((r) => r.province === 'js')).toBe(true);
    expect(js.datasets.map((d) => d.resourceId)).toContain('js.320000-RSJ-00001');
  });
});

describe('电子证照 seeds', () => {
  it('issue each certificate under a type of the same province, to a holder the seeds know', () => {
    for (const p of ['sh', 'js', 'zj', 'ah'] as const) {
      const seed = certificateSeedFor(p);
      const types = new Map(seed.types.map((t) => [t.typeCode, t]));
      for (const t of seed.types) expect(t.issuer.province).toBe(p);
      for (const c of seed.certificates) {
        expect(types.has(c.typeCode), c.typeCode).toBe(true);
        const holder = c.holder as { idNumber?: string; creditCode?: string };
        const known = users.some(
          (u) =>
            (holder.idNumber && u.idNumber === holder.idNumber) ||
            (holder.creditCode && u.creditCode === holder.creditCode),
        );
        expect(known, JSON.stringify(holder)).toBe(true);
      }
      for (const s of seed.services)
        for (const m of s.materials) for (const code of m.certificateTypes) expect(types.has(code)).toBe(true);
    }
    expect(certificateSeedFor('zj').certificates.map((c) => c.typeCode)).toContain(
      certificateTypeCodes.businessLicence,
    );
  });
});
