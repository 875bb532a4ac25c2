/**
 * The catalogue's answers as the OpenAPI document describes them (response schemas only: they
 * document what the handlers return, see documentingSerializerCompiler in @yrd/http).
 */
import { z } from 'zod';

const tier = z.enum(['unconditional', 'conditional', 'none']);
const grade = z.enum(['core', 'important', 'general']);

export const dataItemSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    type: z.string().describe('string | number | date | boolean'),
    description: z.string(),
    grade: z.string().describe('core 核心 | important 重要 | general 一般'),
    subLevel: z.number().int().describe('1–4 for general, 0 otherwise'),
    personalInfo: z.boolean().describe('个人信息'),
    sensitivePersonalInfo: z.boolean().describe('敏感个人信息'),
    piiKind: z.string().describe('id_number | name | phone | address | credit_code | none'),
  })
  .meta({ id: 'DataItem' });

export const resourceSchema = z
  .object({
    id: z.string().describe('<province>.<resourceCode>'),
    resourceCode: z.string(),
    classCode: z.string(),
    name: z.string(),
    province: z.string(),
    provider: z.object({ creditCode: z.string(), name: z.string() }).optional(),
    summary: z.string(),
    format: z.string(),
    updateCycle: z.string(),
    publishDate: z.string(),
    relatedResources: z.array(z.string()),
    items: z.array(dataItemSchema),
    sharingTier: z.string().describe('共享属性 unconditional 无条件 | conditional 有条件 | none 不予共享'),
    sharingConditions: z.string(),
    sharingModes: z.array(z.string()).describe('interface | file | verify | subscribe'),
    openTier: z.string().describe('开放属性 unconditional | conditional | none'),
    grade: z.string().describe('core | important | general'),
    legalBasis: z.string().describe('不予共享的依据'),
    version: z.number().int(),
    status: z.string().describe('draft 草稿 | submitted 待审核 | published 已发布 | withdrawn 已撤销'),
    domain: z.string(),
    updatedAt: z.string(),
    keyItems: z.array(z.string()).describe('the items a query looks records up by'),
  })
  .meta({ id: 'Resource' });

const facetCount = z.object({
  value: z.string(),
  count: z.number().int(),
  label: z.string().nullable().optional().describe('the agency’s name, for the agency facet'),
});

export const searchPageSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(resourceSchema),
  facets: z.record(z.string(), z.array(facetCount)).describe('province, agency, domain, sharing, open, grade'),
});

const gradeLevel = z.object({ grade, subLevel: z.number().int() });

export const classTableSchema = z.object({
  classes: z.array(
    z.object({
      code: z.string(),
      level: z.enum(['类', '项', '目', '细目']),
      name: z.string(),
      path: z.array(z.string()),
      floor: gradeLevel.optional().describe('the lowest grade an item of this class may have'),
      floorLabel: z.string().optional(),
    }),
  ),
});

export const historySchema = z.object({
  id: z.string(),
  history: z.array(
    z.object({
      seq: z.number().int(),
      version: z.number().int(),
      action: z.enum(['created', 'updated', 'submitted', 'rejected', 'published', 'withdrawn']),
      status: z.string(),
      changedBy: z.string(),
      changedAt: z.string(),
      reason: z.string(),
      changedFields: z.array(z.string()),
    }),
  ),
});

const trail = {
  createdBy: z.string(),
  createdAt: z.string(),
  removedBy: z.string().optional(),
  removedAt: z.string().optional(),
  removedReason: z.string().optional(),
};

export const dutySchema = z
  .object({
    id: z.string(),
    agencyCreditCode: z.string(),
    classCode: z.string(),
    name: z.string(),
    sharingTier: tier.optional(),
    dueDate: z.string().optional(),
    note: z.string(),
    ...trail,
  })
  .meta({ id: 'Duty' });

export const negativeEntrySchema = z
  .object({
    id: z.string(),
    classCode: z.string().optional(),
    resourceId: z.string().optional(),
    reason: z.string(),
    legalBasis: z.string(),
    ...trail,
  })
  .meta({ id: 'NegativeEntry' });

export const complianceSchema = z.object({
  today: z.string().describe('the day overdue was measured on (China time)'),
  agencies: z.array(
    z.object({
      agency: z.string(),
      agencyName: z.string(),
      duties: z.array(
        z.object({
          duty: dutySchema,
          status: z.enum(['published', 'in_progress', 'missing', 'overdue']),
          resourceId: z.string().optional(),
          reason: z.string(),
        }),
      ),
      missing: z.number().int(),
      violations: z.array(z.object({ resourceId: z.string(), name: z.string(), negativeEntry: negativeEntrySchema })),
    }),
  ),
});

export const synonymLineSchema = z
  .object({ id: z.string(), term: z.string(), synonym: z.string(), note: z.string(), ...trail })
  .meta({ id: 'SynonymLine' });

export const importJobSchema = z
  .object({
    id: z.string(),
    format: z.string(),
    status: z.enum(['reading', 'checking', 'writing', 'done', 'failed']),
    rows: z.number().int(),
    entries: z.number().int(),
    checked: z.number().int(),
    written: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z
      .array(z.object({ row: z.number().int(), column: z.string(), code: z.string(), message: z.string() }))
      .describe('the first errors, by row and column'),
    errorCount: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    phaseMs: z.object({ reading: z.number(), checking: z.number(), writing: z.number() }),
    by: z.string(),
  })
  .meta({ id: 'ImportJob' });

/** A file as a request body: its bytes. */
export const fileSchema = z.string().meta({ format: 'binary' });

/** A file the handler answers with (a Buffer), described as the bytes it is. */
export const fileAnswerSchema = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

/** A CSV file the handler answers with (a Buffer of UTF-8 text with a BOM). */
export const csvAnswerSchema = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string' });

/** The DCAT-AP catalogue in JSON-LD (the regional or own entries as datasets). */
export const dcatSchema = z
  .object({
    '@context': z.record(z.string(), z.unknown()),
    '@id': z.string(),
    '@type': z.string().describe('dcat:Catalog'),
    'dcat:dataset': z.array(z.record(z.string(), z.unknown())),
  })
  .catchall(z.unknown());

export const xlsxMediaType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
