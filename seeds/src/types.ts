/** The shapes of the demo seed data. Everything personal in seeds is synthetic. */
import type { Province } from '@yrd/region';

export type Grade = 'core' | 'important' | 'general';
export type SharingTier = 'unconditional' | 'conditional' | 'none';
export type OpenTier = 'unconditional' | 'conditional' | 'none';
export type SharingMode = 'interface' | 'file' | 'verify' | 'subscribe';
export type PiiKind = 'id_number' | 'name' | 'phone' | 'address' | 'credit_code' | 'none';
export type SeedRole = 'publisher' | 'reviewer' | 'requester' | 'auditor' | 'admin' | 'subject';

export interface SeedAgency {
  /** 统一社会信用代码, valid GB 32100 check character */
  creditCode: string;
  province: Province;
  name: string;
  /** short English id, unique within the province, e.g. "scjgj" (市场监管局) */
  slug: string;
}

export interface SeedUser {
  /** unique across the region, e.g. "zj-scjgj-publisher" */
  id: string;
  name: string;
  province: Province;
  /** creditCode of the agency; '' for a data subject */
  agency: string;
  roles: SeedRole[];
  /** government unless stated */
  kind?: 'government' | 'enterprise' | 'research' | 'individual';
  /** for data subjects: the synthetic ID number their keyed reference (subjectRef) is derived from */
  idNumber?: string;
  /** for a company that holds certificates (持证主体, legal person): its credit code, the key of its reference */
  creditCode?: string;
}

export interface SeedDataItem {
  /** identifier used in API calls, e.g. "legal_representative" */
  name: string;
  /** Chinese label shown to users, e.g. "法定代表人" */
  label: string;
  type: 'string' | 'number' | 'date' | 'boolean';
  description: string;
  grade: Grade;
  /** 1-4 for general, 0 for important/core */
  subLevel: number;
  personalInfo: boolean;
  sensitivePersonalInfo: boolean;
  piiKind: PiiKind;
}

export interface SeedResource {
  /** `<province>.<resourceCode>`, e.g. "zj.330000-SCJG-00001" */
  id: string;
  resourceCode: string;
  /** four-level 类/项/目/细目 class code, e.g. "A01-02-03-01" style */
  classCode: string;
  name: string;
  province: Province;
  providerCreditCode: string;
  summary: string;
  format: string;
  updateCycle: '实时' | '每日' | '每周' | '每月' | '每季度' | '每年' | '不定期';
  publishDate: string;
  relatedResources: string[];
  items: SeedDataItem[];
  /** item names that look records up (query key) */
  keyItems: string[];
  sharingTier: SharingTier;
  sharingConditions: string;
  sharingModes: SharingMode[];
  openTier: OpenTier;
  grade: Grade;
  /** required when sharingTier = none */
  legalBasis: string;
  domain: string;
  /** which of the DESIGN.md demo scenarios (1-7) the entry serves; 0 = background entry */
  scenario: number;
}

export interface SeedDataset {
  resourceId: string;
  /** records keyed by the resource's key items; values are strings */
  records: Record<string, string>[];
}

export interface SeedConsent {
  id: string;
  /** the data subject user id */
  subject: string;
  requesterAgency: string;
  requesterProvince: Province;
  resourceId: string;
  items: string[];
  purpose: string;
  validUntil: string;
}
