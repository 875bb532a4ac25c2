/** Builders for test data: a valid default, overridden where the test cares. */
import type { Principal } from '@yrd/auth';
import type { catalogV1 } from '@yrd/proto';
import { makeCreditCode, type Province, provinceInfo } from '@yrd/region';

/** A valid 统一社会信用代码 for a government agency of the province (synthetic). */
export function agencyCode(p: Province, n = 1): string {
  return makeCreditCode('11', provinceInfo[p].adminCode, `00${String(n).padStart(6, '0')}X`);
}

export function aPrincipal(o: Partial<Principal> & Pick<Principal, 'province'>): Principal {
  return {
    sub: `${o.province}-user`,
    name: '测试用户',
    agency: agencyCode(o.province),
    roles: ['requester'],
    kind: 'government',
    ...o,
  };
}

export function aDataItem(name: string, o: Partial<catalogV1.DataItem> = {}): catalogV1.DataItem {
  return {
    name,
    label: name,
    type: 'string',
    description: '',
    grade: 'general',
    subLevel: 1,
    personalInfo: false,
    sensitivePersonalInfo: false,
    piiKind: 'none',
    ...o,
  };
}

/** A published conditional entry of province p with a few items, as the catalogue stores it. */
export function aResource(p: Province, code: string, o: Partial<catalogV1.Resource> = {}): catalogV1.Resource {
  return {
    id: `${p}.${code}`,
    resourceCode: code,
    classCode: 'B01-01-01-01',
    name: '测试资源',
    province: p,
    provider: { creditCode: agencyCode(p), name: '测试单位' },
    summary: '',
    format: '数据库',
    updateCycle: '实时',
    publishDate: '2026-01-01',
    relatedResources: [],
    items: [aDataItem('company_name'), aDataItem('credit_code', { piiKind: 'credit_code' })],
    sharingTier: 'conditional',
    sharingConditions: '',
    sharingModes: ['interface', 'verify'],
    openTier: 'none',
    grade: 'general',
    legalBasis: '',
    version: 1,
    status: 'published',
    domain: '',
    updatedAt: '2026-01-01T00:00:00.000Z',
    keyItems: ['credit_code'],
    ...o,
  };
}
