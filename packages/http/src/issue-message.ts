/**
 * A request that does not fit its schema is refused with one message per field at fault. Messages the
 * schemas write themselves are already "中文 English"; zod's own are English only. This puts a Chinese
 * sentence in front of zod's, from the issue's code and parameters (zod 4's issue shapes), ending in
 * a full-width stop so that a reader splitting "中文 English" at the last Chinese character finds the
 * English whole.
 */

const cjk = /[\u3400-\u4dbf\u4e00-\u9fff]/u;

/** What fastify-type-provider-zod hands the error handler for one zod issue. */
export interface ValidationIssue {
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const typeNames: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  array: '列表',
  object: '对象',
  // a record (key → value, e.g. a query's key) is a JSON object too
  record: '对象',
  map: '对象',
  tuple: '列表',
  set: '列表',
  date: '日期',
  bigint: '整数',
  null: '空值',
};

const formatNames: Record<string, string> = {
  email: '电子邮件地址',
  url: '网址',
  uuid: 'UUID',
  datetime: 'ISO 8601 日期时间',
  date: 'ISO 8601 日期',
  time: 'ISO 8601 时间',
  regex: '规定的格式',
  starts_with: '规定的开头',
  ends_with: '规定的结尾',
  includes: '规定的内容',
};

const num = (v: unknown): string => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : '?');

function bound(p: Record<string, unknown>, side: 'min' | 'max'): string {
  const limit = num(side === 'min' ? p.minimum : p.maximum);
  const inclusive = p.inclusive !== false;
  switch (p.origin) {
    case 'string':
      if (side === 'min' && limit === '1') return '不能为空';
      return side === 'min' ? `至少 ${limit} 个字符` : `最多 ${limit} 个字符`;
    case 'array':
    case 'set':
      if (side === 'min' && limit === '1') return '至少要有一项';
      return side === 'min' ? `至少 ${limit} 项` : `最多 ${limit} 项`;
    case 'number':
    case 'int':
    case 'bigint':
      if (side === 'min') return inclusive ? `不能小于 ${limit}` : `须大于 ${limit}`;
      return inclusive ? `不能大于 ${limit}` : `须小于 ${limit}`;
    case 'date':
      return side === 'min' ? `不能早于 ${limit}` : `不能晚于 ${limit}`;
    default:
      return side === 'min' ? `太短或太小（下限 ${limit}）` : `太长或太大（上限 ${limit}）`;
  }
}

/** The Chinese sentence for one zod issue (without the English). */
export function chineseFor(issue: ValidationIssue): string {
  const p = issue.params ?? {};
  const english = issue.message ?? '';
  switch (issue.keyword) {
    case 'invalid_type': {
      if (/received undefined/.test(english)) return '必填';
      // a type without a Chinese name here is named by zod's English after it, not in the Chinese
      const expected = typeof p.expected === 'string' ? typeNames[p.expected] : undefined;
      return expected ? `应为${expected}` : '类型不对';
    }
    case 'too_small':
      return bound(p, 'min');
    case 'too_big':
      return bound(p, 'max');
    case 'invalid_format': {
      const format = typeof p.format === 'string' ? (formatNames[p.format] ?? p.format) : '';
      return format ? `格式不对，应为${format}` : '格式不对';
    }
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values.map((v) => String(v)) : [];
      return values.length > 0 && values.length <= 12 ? `应为 ${values.join(' / ')} 之一` : '取值不在允许的范围内';
    }
    case 'unrecognized_keys': {
      const keys = Array.isArray(p.keys) ? p.keys.map((k) => String(k)) : [];
      return keys.length > 0 ? `不认识的字段 ${keys.join(', ')} 请删去` : '有不认识的字段';
    }
    case 'invalid_union':
      return '不符合任何一种允许的形式';
    case 'not_multiple_of':
      return `须是 ${num(p.divisor)} 的整数倍`;
    default:
      return '取值无效';
  }
}

/** The issue's message in both languages: as written when it already has Chinese, else "中文。 English". */
export function bilingualIssueMessage(issue: ValidationIssue): string {
  const english = issue.message ?? 'invalid';
  if (cjk.test(english)) return english;
  return `${chineseFor(issue)}。 ${english}`;
}
