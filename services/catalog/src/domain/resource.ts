/** What a valid catalogue entry is (政务信息资源目录编制指南 / GB/T 21063), as pure rules. */
import { isValidCreditCode, type Province } from '@yrd/region';
import { z } from 'zod';

export const grades = ['core', 'important', 'general'] as const;
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

export const resourceInput = z
  .object({
    resourceCode: z.string().regex(/^\d{6}-[A-Z]{2,8}-\d{5}$/, 'resource code like 330000-SCJG-00001'),
    classCode: z.string().regex(/^[A-Z]\d{2}-\d{2}-\d{2}-\d{2}$/, '4-level class code like A01-02-03-01'),
    name: z.string().min(2).max(200),
    providerCreditCode: z.string().refine(isValidCreditCode, '统一社会信用代码校验失败 invalid credit code'),
    summary: z.string().max(4000).default(''),
    format: z.string().max(50).default('数据库'),
    updateCycle: z.string().max(20).default('不定期'),
    publishDate: z.string().default(''),
    relatedResources: z.array(z.string()).default([]),
    items: z.array(dataItemInput).min(1).max(500),
    keyItems: z.array(z.string()).default([]),
    sharingTier: z.enum(tiers),
    sharingConditions: z.string().max(2000).default(''),
    sharingModes: z.array(z.enum(sharingModes)).min(1),
    openTier: z.enum(tiers),
    grade: z.enum(grades),
    legalBasis: z.string().max(2000).default(''),
    domain: z.string().max(50).default(''),
  })
  .superRefine((r, ctx) => {
    if (r.sharingTier === 'none' && r.legalBasis.trim() === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['legalBasis'],
        message: '不予共享须注明法律、行政法规或国家政策依据 a none-sharing resource needs a legal basis',
      });
    }
    const names = new Set<string>();
    for (const [i, it] of r.items.entries()) {
      if (names.has(it.name))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'name'], message: 'duplicate item name' });
      names.add(it.name);
    }
    for (const k of r.keyItems) {
      if (!names.has(k))
        ctx.addIssue({ code: 'custom', path: ['keyItems'], message: `key item ${k} is not a data item` });
    }
  });
export type ResourceInput = z.infer<typeof resourceInput>;

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
