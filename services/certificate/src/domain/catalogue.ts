/**
 * 发证目录: the certificate types an issuing agency (发证单位) issues, as 《上海市电子证照管理办法》
 * 第七条 lists them — 证照名称, 发证单位, 持证主体类型, 证照归集起始时间, 类目公开属性, 标准级别,
 * 照面信息 (the fields) — laid out after GB/T 36902 (目录信息: type code, name, issuer, holder
 * category) and GB/T 36903 (元数据: each 照面 field with its name and type).
 *
 * Where we had to choose (the standards' full text is not public here):
 * - type code: GB/T 36902 codes a type under the 统一社会信用代码 of the authority that defines it
 *   plus a serial; we take 18 characters of credit code + a 3-digit serial (21 characters), which is
 *   what published identifiers (e.g. `…11100000000013338W032…`) show.
 * - holder categories: 自然人 / 法人 / 其他组织 (GB/T 36902 持证主体类别; 管理办法 第三条 says
 *   非法人组织, which we name other_organisation).
 * - each field carries the project's grade vocabulary (services/catalog: core / important / general
 *   with sub-levels 1–4 for general, GB/T 43697) and its personal-information labels and masking
 *   kind (packages/masking's profiles); they are restated here because a domain imports no other
 *   service. Keep them equal.
 * - validity rule: 长期 (no end) or a fixed period in months from the day of issue; an issuer may
 *   still give an earlier end on a certificate (a licence tied to a lease, say).
 */
import { isValidCreditCode, provinces } from '@yrd/region';
import { z } from 'zod';
import { certificateErrorCodes, refusal } from './errors.js';

/** Mirrors services/catalog/src/domain/grades.ts. */
export const grades = ['core', 'important', 'general'] as const;
export type Grade = (typeof grades)[number];
/** Mirrors the masking profiles of packages/masking that name a kind of personal value. */
export const piiKinds = ['id_number', 'name', 'phone', 'address', 'credit_code', 'none'] as const;

export const holderTypes = ['natural_person', 'legal_person', 'other_organisation'] as const;
export type HolderType = (typeof holderTypes)[number];
export const holderTypeLabels: Record<HolderType, string> = {
  natural_person: '自然人',
  legal_person: '法人',
  other_organisation: '其他组织',
};

/** 标准级别: whose standard the type follows (管理办法 第七条: 国家、本市或区). */
export const standardLevels = ['national', 'provincial', 'district'] as const;
/** 类目公开属性: whether the catalogue entry is published to the public (第七条 第二款). */
export const publicAttributes = ['public', 'not_public'] as const;
export const fieldTypes = ['string', 'number', 'date', 'boolean'] as const;
export type FieldType = (typeof fieldTypes)[number];

const bilingual = z.object({
  zh: z.string().trim().min(1, '中文名称必填 a Chinese name is required').max(100),
  en: z.string().trim().min(1, '英文名称必填 an English name is required').max(200),
});

const creditCode = z.string().refine(isValidCreditCode, '统一社会信用代码校验失败 invalid unified social credit code');

export const certificateFieldInput = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, '字段名须为小写标识符 field name: a lower-case identifier'),
  label: bilingual,
  type: z.enum(fieldTypes).default('string'),
  /** a field the certificate must carry (照面必填项) */
  required: z.boolean().default(true),
  grade: z.enum(grades),
  subLevel: z.number().int().min(0).max(4).default(0),
  personalInfo: z.boolean().default(false),
  sensitivePersonalInfo: z.boolean().default(false),
  piiKind: z.enum(piiKinds).default('none'),
});
export type CertificateField = z.infer<typeof certificateFieldInput>;

export const validityRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('long_term') }),
  z.object({ kind: z.literal('period'), months: z.number().int().min(1).max(1200) }),
]);
export type ValidityRule = z.infer<typeof validityRule>;

export const issuingAgency = z.object({
  province: z.enum(provinces),
  creditCode,
  name: z.string().trim().min(2).max(100),
});
export type IssuingAgency = z.infer<typeof issuingAgency>;

export const certificateTypeInput = z.object({
  /** 证照类型代码: the defining authority's credit code (18) + a 3-digit serial */
  typeCode: z
    .string()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{18}\d{3}$/, '证照类型代码为18位信用代码加3位序号 type code: credit code + 3 digits')
    .refine((c) => isValidCreditCode(c.slice(0, 18)), '证照类型代码中的信用代码无效 invalid credit code in type code'),
  name: bilingual,
  issuer: issuingAgency,
  holderType: z.enum(holderTypes),
  standardLevel: z.enum(standardLevels).default('national'),
  fields: z.array(certificateFieldInput).min(1).max(64),
  /** 证照归集起始时间: certificates issued before it are stock (存量) certificates collected later */
  collectionStart: z.iso.date(),
  publicAttribute: z.enum(publicAttributes),
  validity: validityRule,
});
export type CertificateTypeInput = z.input<typeof certificateTypeInput>;
export type CertificateType = z.infer<typeof certificateTypeInput>;

/** Orders grades from the least to the most sensitive, as services/catalog does. */
export function gradeRank(f: Pick<CertificateField, 'grade' | 'subLevel'>): number {
  if (f.grade === 'core') return 6;
  if (f.grade === 'important') return 5;
  return Math.max(1, f.subLevel);
}

/** A certificate type is graded at its most sensitive field. */
export function typeGrade(t: CertificateType): Pick<CertificateField, 'grade' | 'subLevel'> {
  return t.fields.reduce<Pick<CertificateField, 'grade' | 'subLevel'>>(
    (top, f) => (gradeRank(f) > gradeRank(top) ? { grade: f.grade, subLevel: f.subLevel } : top),
    { grade: 'general', subLevel: 1 },
  );
}

/**
 * A certificate type from untrusted input: its shape, then the rules beyond shape (unique field
 * names; sensitive personal information is personal information; a natural person's certificate
 * marks at least one field as personal information, since it is about a person).
 */
export function parseCertificateType(input: unknown): CertificateType {
  const parsed = certificateTypeInput.safeParse(input);
  if (!parsed.success)
    throw refusal(
      certificateErrorCodes.invalidInput,
      'invalid',
      '发证目录条目格式不正确',
      'the certificate type is malformed',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const t = parsed.data;
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  t.fields.forEach((f, i) => {
    if (seen.has(f.name))
      issues.push({ path: `fields.${i}.name`, message: `字段 ${f.name} 重复 duplicate field ${f.name}` });
    seen.add(f.name);
    if (f.sensitivePersonalInfo && !f.personalInfo)
      issues.push({
        path: `fields.${i}.personalInfo`,
        message: '敏感个人信息也须标为个人信息 sensitive personal information is personal information',
      });
    if (f.grade !== 'general' && f.subLevel !== 0)
      issues.push({
        path: `fields.${i}.subLevel`,
        message: '只有一般数据分子级 only general data has sub-levels',
      });
  });
  if (t.holderType === 'natural_person' && !t.fields.some((f) => f.personalInfo))
    issues.push({
      path: 'fields',
      message: '自然人证照须至少有一项个人信息 a natural person’s certificate carries personal information',
    });
  if (issues.length > 0)
    throw refusal(
      certificateErrorCodes.invalidType,
      'invalid',
      '发证目录条目不符合规则',
      'the certificate type breaks a catalogue rule',
      issues,
    );
  return t;
}

export type FieldValue = string | number | boolean;

/**
 * Certificate data (照面信息) checked against its type: every required field present, no field the
 * type does not list, each value of its field's type (a date is YYYY-MM-DD). Returns the data with
 * fields in catalogue order.
 */
export function checkCertificateData(type: CertificateType, data: unknown): Record<string, FieldValue> {
  const issues: { path: string; message: string }[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw refusal(certificateErrorCodes.invalidData, 'invalid', '照面信息须为对象', 'certificate data is an object');
  const record = data as Record<string, unknown>;
  const known = new Set(type.fields.map((f) => f.name));
  for (const name of Object.keys(record))
    if (!known.has(name)) issues.push({ path: name, message: `目录无此字段 ${name} unknown field ${name}` });
  const out: Record<string, FieldValue> = {};
  for (const f of type.fields) {
    const value = Object.hasOwn(record, f.name) ? record[f.name] : undefined;
    if (value === undefined || value === null || value === '') {
      if (f.required) issues.push({ path: f.name, message: `缺少必填字段 ${f.label.zh} missing field ${f.name}` });
      continue;
    }
    if (!valueFits(f.type, value)) {
      issues.push({ path: f.name, message: `字段 ${f.label.zh} 应为 ${f.type} field ${f.name} is not a ${f.type}` });
      continue;
    }
    out[f.name] = value as FieldValue;
  }
  if (issues.length > 0)
    throw refusal(
      certificateErrorCodes.invalidData,
      'invalid',
      '照面信息与发证目录不符',
      'the certificate data does not match its type',
      issues,
    );
  return out;
}

function valueFits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= 4000;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && z.iso.date().safeParse(value).success;
    default:
      return assertNever(type);
  }
}

function assertNever(v: never): never {
  throw new Error(`unexpected ${String(v)}`);
}
