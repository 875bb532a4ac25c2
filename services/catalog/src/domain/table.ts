/**
 * The catalogue as a table, the way agencies keep it in spreadsheets: one row per data item (信息项),
 * the entry's own columns repeated on each row (or left blank after the entry's first row). Export
 * writes this layout and import reads it, so an exported file can be edited and imported back.
 * Headers are Chinese, as in the 编制指南's templates; English field names are accepted too.
 */
import type { catalogV1 } from '@yrd/proto/messages';

type Resource = catalogV1.Resource;

export interface Column {
  key: string;
  header: string;
  /** an entry column (same on every row of the entry) or a data-item column */
  scope: 'entry' | 'item';
}

export const columns: Column[] = [
  { key: 'resourceCode', header: '资源代码', scope: 'entry' },
  { key: 'classCode', header: '分类代码', scope: 'entry' },
  { key: 'name', header: '资源名称', scope: 'entry' },
  { key: 'providerCreditCode', header: '提供单位统一社会信用代码', scope: 'entry' },
  { key: 'providerName', header: '提供单位', scope: 'entry' },
  { key: 'summary', header: '资源摘要', scope: 'entry' },
  { key: 'format', header: '资源格式', scope: 'entry' },
  { key: 'updateCycle', header: '更新周期', scope: 'entry' },
  { key: 'publishDate', header: '发布日期', scope: 'entry' },
  { key: 'relatedResources', header: '关联资源', scope: 'entry' },
  { key: 'sharingTier', header: '共享属性', scope: 'entry' },
  { key: 'sharingConditions', header: '共享条件', scope: 'entry' },
  { key: 'sharingModes', header: '共享方式', scope: 'entry' },
  { key: 'openTier', header: '开放属性', scope: 'entry' },
  { key: 'grade', header: '资源分级', scope: 'entry' },
  { key: 'legalBasis', header: '不予共享依据', scope: 'entry' },
  { key: 'domain', header: '所属领域', scope: 'entry' },
  { key: 'item.label', header: '信息项名称', scope: 'item' },
  { key: 'item.name', header: '信息项标识', scope: 'item' },
  { key: 'item.type', header: '数据类型', scope: 'item' },
  { key: 'item.description', header: '信息项描述', scope: 'item' },
  { key: 'item.grade', header: '信息项分级', scope: 'item' },
  { key: 'item.subLevel', header: '一般数据子级', scope: 'item' },
  { key: 'item.personalInfo', header: '个人信息', scope: 'item' },
  { key: 'item.sensitivePersonalInfo', header: '敏感个人信息', scope: 'item' },
  { key: 'item.piiKind', header: '个人信息类型', scope: 'item' },
  { key: 'item.key', header: '查询键', scope: 'item' },
];

/** Chinese labels of the coded values, both ways. */
const labels = {
  sharingTier: { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' },
  openTier: { unconditional: '无条件开放', conditional: '有条件开放', none: '不予开放' },
  grade: { core: '核心', important: '重要', general: '一般' },
  sharingModes: { interface: '接口', file: '文件', verify: '核验', subscribe: '订阅' },
  type: { string: '字符型', number: '数值型', date: '日期型', boolean: '布尔型' },
  piiKind: {
    id_number: '身份证号',
    name: '姓名',
    phone: '手机号码',
    address: '地址',
    credit_code: '统一社会信用代码',
    none: '无',
  },
} as const;
type LabelSet = keyof typeof labels;

/** Extra spellings agencies use for the same value. */
const aliases: Record<string, string> = {
  非开放: 'none',
  不开放: 'none',
  数值: 'number',
  日期: 'date',
  文本: 'string',
};

const yes = new Set(['是', 'Y', 'y', 'yes', 'true', 'TRUE', '1', '√']);
const no = new Set(['否', 'N', 'n', 'no', 'false', 'FALSE', '0', '']);
const listSeparator = /[;；、,，|]/;

function label(set: LabelSet, value: string): string {
  return (labels[set] as Record<string, string>)[value] ?? value;
}

/** The code of a label (or the code itself); undefined when neither. */
function code(set: LabelSet, value: string): string | undefined {
  const map = labels[set] as Record<string, string>;
  if (value in map) return value;
  const found = Object.entries(map).find(([, l]) => l === value)?.[0];
  return found ?? (aliases[value] && aliases[value] in map ? aliases[value] : undefined);
}

/** The rows of one entry: a header row is `columns.map(c => c.header)`. */
export function entryRows(r: Resource): string[][] {
  const entry: Record<string, string> = {
    resourceCode: r.resourceCode,
    classCode: r.classCode,
    name: r.name,
    providerCreditCode: r.provider?.creditCode ?? '',
    providerName: r.provider?.name ?? '',
    summary: r.summary,
    format: r.format,
    updateCycle: r.updateCycle,
    publishDate: r.publishDate,
    relatedResources: r.relatedResources.join(';'),
    sharingTier: label('sharingTier', r.sharingTier),
    sharingConditions: r.sharingConditions,
    sharingModes: r.sharingModes.map((m) => label('sharingModes', m)).join(';'),
    openTier: label('openTier', r.openTier),
    grade: label('grade', r.grade),
    legalBasis: r.legalBasis,
    domain: r.domain,
  };
  return r.items.map((it) => {
    const item: Record<string, string> = {
      'item.label': it.label,
      'item.name': it.name,
      'item.type': label('type', it.type),
      'item.description': it.description,
      'item.grade': label('grade', it.grade),
      'item.subLevel': it.grade === 'general' && it.subLevel > 0 ? String(it.subLevel) : '',
      'item.personalInfo': it.personalInfo ? '是' : '否',
      'item.sensitivePersonalInfo': it.sensitivePersonalInfo ? '是' : '否',
      'item.piiKind': label('piiKind', it.piiKind),
      'item.key': r.keyItems.includes(it.name) ? '是' : '否',
    };
    return columns.map((c) => (c.scope === 'entry' ? entry[c.key] : item[c.key]) ?? '');
  });
}

/** A problem with one cell or row of an imported file, located the way a spreadsheet user sees it. */
export interface RowError {
  /** 1-based row number in the file, the header being row 1 */
  row: number;
  column: string;
  code: string;
  message: string;
}

/** One entry read from a file: its rows and the raw input the entry schema then checks. */
export interface TableEntry {
  resourceCode: string;
  /** file row of each data item, in item order */
  rows: number[];
  input: Record<string, unknown>;
}

export type Cell = string | number | boolean | Date | null | undefined;

/**
 * Reads a table into entries. Rows with the same 资源代码 make one entry (they need not be adjacent);
 * an entry column left blank takes the entry's first value, and a different value is an error.
 */
export function readTable(table: Cell[][]): { entries: TableEntry[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const [headerRow, ...body] = table;
  const header = (headerRow ?? []).map((h) => text(h));
  const index = new Map<string, number>();
  for (const c of columns) {
    const at = header.findIndex((h) => h === c.header || h === c.key);
    if (at >= 0) index.set(c.key, at);
  }
  const required = ['resourceCode', 'name', 'item.name', 'item.label'];
  const missing = columns.filter((c) => required.includes(c.key) && !index.has(c.key));
  if (missing.length > 0) {
    for (const c of missing)
      errors.push({
        row: 1,
        column: c.header,
        code: 'IMPORT.COLUMN_MISSING',
        message: `缺少列“${c.header}” missing column`,
      });
    return { entries: [], errors };
  }
  const cell = (row: Cell[], key: string) => {
    const at = index.get(key);
    return at === undefined ? '' : text(row[at]);
  };

  const byCode = new Map<string, TableEntry>();
  const firstValues = new Map<string, Map<string, string>>();
  body.forEach((row, i) => {
    const rowNo = i + 2;
    if (row.every((c) => text(c) === '')) return; // blank lines between entries
    const at = (key: string) => columns.find((c) => c.key === key)?.header ?? key;
    const err = (key: string, errCode: string, message: string) =>
      errors.push({ row: rowNo, column: at(key), code: errCode, message });
    const resourceCode = cell(row, 'resourceCode');
    if (resourceCode === '') {
      err('resourceCode', 'IMPORT.VALUE_REQUIRED', '资源代码不能为空 resource code is required');
      return;
    }

    let entry = byCode.get(resourceCode);
    const seen = firstValues.get(resourceCode) ?? new Map<string, string>();
    if (!entry) {
      entry = { resourceCode, rows: [], input: { resourceCode, items: [], keyItems: [] } };
      byCode.set(resourceCode, entry);
      firstValues.set(resourceCode, seen);
    }
    for (const c of columns) {
      if (c.scope !== 'entry' || c.key === 'resourceCode' || c.key === 'providerName' || !index.has(c.key)) continue;
      const v = cell(row, c.key);
      if (v === '') continue;
      const before = seen.get(c.key);
      if (before !== undefined && before !== v) {
        err(
          c.key,
          'IMPORT.ENTRY_MISMATCH',
          `同一资源代码的“${c.header}”前后不一致 differs from this entry's earlier row`,
        );
        continue;
      }
      if (before !== undefined) continue;
      seen.set(c.key, v);
      const parsed = entryValue(c.key, v);
      if (parsed.ok) entry.input[c.key] = parsed.value;
      else err(c.key, 'IMPORT.VALUE_INVALID', parsed.message);
    }
    const item: Record<string, unknown> = {};
    for (const c of columns) {
      if (c.scope !== 'item' || !index.has(c.key)) continue;
      const v = cell(row, c.key);
      if (v === '') continue;
      const parsed = itemValue(c.key, v);
      if (!parsed.ok) err(c.key, 'IMPORT.VALUE_INVALID', parsed.message);
      else if (c.key === 'item.key') {
        if (parsed.value === true) (entry.input.keyItems as string[]).push(cell(row, 'item.name'));
      } else item[c.key.slice(5)] = parsed.value;
    }
    (entry.input.items as unknown[]).push(item);
    entry.rows.push(rowNo);
  });
  return { entries: [...byCode.values()], errors };
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function entryValue(key: string, v: string): Parsed {
  switch (key) {
    case 'sharingTier':
    case 'openTier':
    case 'grade':
      return coded(key, v);
    case 'sharingModes': {
      const modes = v
        .split(listSeparator)
        .map((m) => m.trim())
        .filter(Boolean);
      const codes = modes.map((m) => code('sharingModes', m));
      const bad = modes.filter((_, i) => codes[i] === undefined);
      return bad.length > 0
        ? { ok: false, message: `未知的共享方式 ${bad.join('、')}（可填：接口、文件、核验、订阅）` }
        : { ok: true, value: codes };
    }
    case 'relatedResources':
      return {
        ok: true,
        value: v
          .split(listSeparator)
          .map((m) => m.trim())
          .filter(Boolean),
      };
    default:
      return { ok: true, value: v };
  }
}

function itemValue(key: string, v: string): Parsed {
  switch (key) {
    case 'item.type':
      return coded('type', v);
    case 'item.grade':
      return coded('grade', v);
    case 'item.piiKind':
      return coded('piiKind', v);
    case 'item.subLevel': {
      const n = Number(v);
      return Number.isInteger(n) && n >= 0 && n <= 4
        ? { ok: true, value: n }
        : { ok: false, message: `一般数据子级须为 1–4，而不是“${v}”` };
    }
    case 'item.personalInfo':
    case 'item.sensitivePersonalInfo':
    case 'item.key':
      if (yes.has(v)) return { ok: true, value: true };
      if (no.has(v)) return { ok: true, value: false };
      return { ok: false, message: `请填“是”或“否”，而不是“${v}”` };
    default:
      return { ok: true, value: v };
  }
}

function coded(set: LabelSet, v: string): Parsed {
  const c = code(set, v);
  if (c !== undefined) return { ok: true, value: c };
  const allowed = Object.values(labels[set]).join('、');
  return { ok: false, message: `“${v}”不是有效取值（可填：${allowed}）` };
}

function text(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
}

/** The file column of an entry-schema issue path such as `items.2.grade` or `legalBasis`. */
export function locate(entry: TableEntry, path: string): { row: number; column: string } {
  const [head, index, field] = path.split('.');
  const first = entry.rows[0] ?? 1;
  if (head === 'items' && index !== undefined) {
    const row = entry.rows[Number(index)] ?? first;
    const column = columns.find((c) => c.key === `item.${field ?? 'name'}`)?.header ?? '信息项标识';
    return { row, column };
  }
  if (head === 'keyItems') return { row: first, column: '查询键' };
  return { row: first, column: columns.find((c) => c.key === head)?.header ?? head ?? '' };
}
