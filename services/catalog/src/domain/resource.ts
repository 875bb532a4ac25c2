/** What a valid catalogue entry is (政务信息资源目录编制指南 / GB/T 21063), as pure rules. */

import { isoDate } from '@yrd/http/dates';
import { isValidCreditCode, type Province } from '@yrd/region';
import { z } from 'zod';
import { classOf, gradeLabel, gradeRank } from './classes.js';
import { grades } from './grades.js';

export { grades } from './grades.js';
export const tiers = ['unconditional', 'conditional', 'none'] as const;
export const sharingModes = ['interface', 'file', 'verify', 'subscribe'] as const;

export const dataItemInput = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'item name: lower-case identifier'),
  label: z.string().min(1).max(100),
  type: z.enum(['string', 'number', 'date', 'boolean']).default('string'),
  description: z.string().max(2000).default(''),
  grade: z.enum(grades),
  subLevel: z.number().int().min(0).max(4).default(0),
  personalInfo: z.boolean().default(false),
  sensitivePersonalInfo: z.boolean().default(false),
  piiKind: z.enum(['id_number', 'name', 'phone', 'address', 'credit_code', 'none']).default('none'),
});

export const resourceInput = z.object({
  resourceCode: z.string().regex(/^\d{6}-[A-Z]{2,8}-\d{5}$/, 'resource code like 330000-SCJG-00001'),
  classCode: z.string().regex(/^[A-Z]\d{2}-\d{2}-\d{2}-\d{2}$/, '4-level class code like A01-02-03-01'),
  name: z.string().min(2).max(200),
  providerCreditCode: z.string().refine(isValidCreditCode, '统一社会信用代码校验失败 invalid credit code'),
  summary: z.string().max(4000).default(''),
  format: z.string().max(50).default('数据库'),
  updateCycle: z.string().max(20).default('不定期'),
  /** YYYY-MM-DD, or empty: the catalogue sets the day of publication */
  publishDate: isoDate.or(z.literal('')).default(''),
  relatedResources: z.array(z.string()).default([]),
  items: z.array(dataItemInput).min(1).max(500),
  keyItems: z.array(z.string()).default([]),
  sharingTier: z.enum(tiers),
  sharingConditions: z.string().max(2000).default(''),
  /** empty only for 不予共享 (checked by entryIssues) */
  sharingModes: z.array(z.enum(sharingModes)).default([]),
  openTier: z.enum(tiers),
  grade: z.enum(grades),
  legalBasis: z.string().max(2000).default(''),
  domain: z.string().max(50).default(''),
});
export type ResourceInput = z.infer<typeof resourceInput>;

const gradeNames = { core: '核心', important: '重要', general: '一般' } as const;

/** A rule an entry breaks, with a stable code and the field it is about. */
export interface EntryIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * The catalogue's rules beyond the shape of an entry: a known class code, 不予共享 only with a legal
 * basis, items graded at least the floor of their class, the entry graded at its most sensitive item.
 * Pure, so the API, the bulk import and the tests apply the same rules.
 */
export function entryIssues(r: ResourceInput): EntryIssue[] {
  const out: EntryIssue[] = [];
  const add = (path: string, code: string, message: string) => out.push({ path, code, message });
  const cls = classOf(r.classCode);
  if (!cls)
    add('classCode', 'CATALOG.UNKNOWN_CLASS_CODE', `分类代码 ${r.classCode} 不在资源分类表中 unknown class code`);
  if (r.sharingTier === 'none' && r.legalBasis.trim() === '') {
    add(
      'legalBasis',
      'CATALOG.LEGAL_BASIS_REQUIRED',
      '不予共享须注明法律、行政法规或国家政策依据 a none-sharing resource needs a legal basis',
    );
  }
  if (r.sharingTier !== 'none' && r.sharingModes.length === 0) {
    add(
      'sharingModes',
      'CATALOG.SHARING_MODE_REQUIRED',
      '共享资源须注明共享方式 a shared resource needs a sharing mode',
    );
  }
  const names = new Set<string>();
  for (const [i, it] of r.items.entries()) {
    if (names.has(it.name))
      add(`items.${i}.name`, 'CATALOG.DUPLICATE_ITEM', `信息项 ${it.name} 重复 duplicate item name`);
    names.add(it.name);
    if (it.sensitivePersonalInfo && !it.personalInfo) {
      add(
        `items.${i}.personalInfo`,
        'CATALOG.SENSITIVE_NOT_PERSONAL',
        `信息项 ${it.name} 标为敏感个人信息，也须标为个人信息 sensitive personal information is personal information`,
      );
    }
    if (cls?.floor && gradeRank(it) < gradeRank(cls.floor)) {
      add(
        `items.${i}.grade`,
        'CATALOG.ITEM_BELOW_FLOOR',
        `信息项 ${it.name} 定级${gradeLabel(it)}，低于分类“${cls.path.join('/')}”的最低级别${gradeLabel(cls.floor)} item graded below its class floor`,
      );
    }
  }
  for (const k of r.keyItems) {
    if (!names.has(k))
      add('keyItems', 'CATALOG.UNKNOWN_KEY_ITEM', `查询键 ${k} 不是本资源的信息项 key item is not a data item`);
  }
  const top = r.items.reduce((m, it) => Math.max(m, gradeRank(it)), 0);
  // an entry has no sub-level of its own: general covers general-1…4
  if (gradeRank({ grade: r.grade, subLevel: 4 }) < top) {
    add(
      'grade',
      'CATALOG.GRADE_BELOW_ITEM',
      `资源定级“${gradeNames[r.grade]}”低于其最敏感的信息项 an entry is graded at least as its most sensitive item`,
    );
  }
  return out;
}

/** Text the search index is built from: name, summary, item labels and names. */
export function searchText(r: {
  name: string;
  summary: string;
  items: { label: string; name: string }[];
  domain: string;
}) {
  return [r.name, r.summary, r.domain, ...r.items.map((i) => `${i.label} ${i.name}`)].join(' ');
}

export function resourceId(province: Province, resourceCode: string) {
  return `${province}.${resourceCode}`;
}
