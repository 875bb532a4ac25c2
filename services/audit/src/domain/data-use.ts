/**
 * 谁用了我的数据: a person's view of the exchanges that named them. Every province's audit log keeps its
 * own side of an exchange (the requester's `exchange.<mode>.requested`, the provider's
 * `exchange.<mode>.served`), each under the person's reference; here the records of all provinces
 * become one line per exchange, in the words a person reads: when, which agency of which province
 * asked, for which resource and items, allowed or refused, under which grant or consent. Pure
 * functions, no I/O.
 */
import type { AuditRecordFields } from './record.js';

/**
 * What of a record a person is shown of an exchange that named them: never the reference itself (it
 * is theirs, and the same on every record), never the officer who asked (the agency answers for its
 * officers), never the payload hash.
 */
export type DataUseRecord = Pick<
  AuditRecordFields,
  | 'seq'
  | 'province'
  | 'kind'
  | 'requestId'
  | 'resourceId'
  | 'actorAgency'
  | 'requesterProvince'
  | 'providerProvince'
  | 'outcome'
  | 'code'
  | 'grantId'
  | 'consentId'
  | 'occurredAt'
  | 'items'
>;

export type DataUseOutcome = 'allowed' | 'refused' | 'failed';

/** One exchange that named the person, both sides merged. */
export interface DataUseLine {
  /** the requesting province and its request id: one exchange (request ids are the requester's) */
  id: string;
  requestId: string;
  /** when it was asked (the earliest record of it) */
  occurredAt: string;
  /** query | verify | subscribe */
  mode: string;
  resourceId: string;
  requesterProvince: string;
  /** the requesting agency's 统一社会信用代码 */
  requesterAgency: string;
  providerProvince: string;
  /** the items released (allowed) or asked for (refused, failed) */
  items: string[];
  outcome: DataUseOutcome;
  /** the refusal's code (e.g. CONSENT.CONSENT_REQUIRED); '' when allowed */
  code: string;
  grantId: string;
  consentId: string;
  /** the provinces whose logs hold a record of it */
  recordedBy: string[];
}

/** Whether an audit record is one side of an exchange (not a consent or a catalogue event). */
export const isExchangeRecord = (kind: string): boolean => /^exchange\.[a-z]+\.(requested|served)$/.test(kind);

/** The fields a person is shown of a stored record (see DataUseRecord). */
export function dataUseRecordOf(f: AuditRecordFields): DataUseRecord {
  return {
    seq: f.seq,
    province: f.province,
    kind: f.kind,
    requestId: f.requestId,
    resourceId: f.resourceId,
    actorAgency: f.actorAgency,
    requesterProvince: f.requesterProvince,
    providerProvince: f.providerProvince,
    outcome: f.outcome,
    code: f.code,
    grantId: f.grantId,
    consentId: f.consentId,
    occurredAt: f.occurredAt,
    items: [...f.items],
  };
}

const byTime = (a: DataUseRecord, b: DataUseRecord) =>
  Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.province.localeCompare(b.province) || a.seq - b.seq;

/**
 * One line per exchange from the records of every province (the same record given twice counts once).
 * An exchange was allowed when any side recorded an allow (the provider served, or the requester got
 * the answer); else refused when a side recorded a denial, with its code (the provider's first: it
 * is the one that decides); else it failed. Newest first.
 */
export function dataUseLines(records: readonly DataUseRecord[]): DataUseLine[] {
  const groups = new Map<string, DataUseRecord[]>();
  const seen = new Set<string>();
  for (const r of records) {
    if (!isExchangeRecord(r.kind)) continue;
    const self = `${r.province}#${r.seq}`;
    if (seen.has(self)) continue;
    seen.add(self);
    const id = `${r.requesterProvince}:${r.requestId}`;
    const g = groups.get(id);
    if (g) g.push(r);
    else groups.set(id, [r]);
  }
  const lines = [...groups.entries()].map(([id, group]) => lineOf(id, group.sort(byTime)));
  return lines.sort(newestFirst);
}

function lineOf(id: string, group: DataUseRecord[]): DataUseLine {
  const first = group[0] as DataUseRecord;
  const allows = group.filter((r) => r.outcome === 'allow');
  // the provider decides: its refusal names the reason; the requester's says what it was told
  const denials = group
    .filter((r) => r.outcome === 'deny')
    .sort((a, b) => Number(b.kind.endsWith('.served')) - Number(a.kind.endsWith('.served')));
  const outcome: DataUseOutcome = allows.length > 0 ? 'allowed' : denials.length > 0 ? 'refused' : 'failed';
  const shown = outcome === 'allowed' ? allows : group;
  const items = [...new Set(shown.flatMap((r) => r.items))];
  const pick = (f: (r: DataUseRecord) => string) => group.map(f).find((v) => v !== '') ?? '';
  return {
    id,
    requestId: first.requestId,
    occurredAt: first.occurredAt,
    mode: first.kind.split('.')[1] ?? '',
    resourceId: first.resourceId,
    requesterProvince: first.requesterProvince,
    // the provider's record names the agency as its token said; the requester's as it signed in
    requesterAgency: pick((r) => r.actorAgency),
    providerProvince: first.providerProvince,
    items,
    outcome,
    code: outcome === 'allowed' ? '' : (denials[0]?.code ?? pick((r) => r.code)),
    grantId: pick((r) => r.grantId),
    consentId: pick((r) => r.consentId),
    recordedBy: [...new Set(group.map((r) => r.province))].sort(),
  };
}

type Position = Pick<DataUseLine, 'occurredAt' | 'id'>;

function newestFirst(a: Position, b: Position): number {
  return Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Where a page ended: the last line given. Opaque to callers (base64url of JSON). */
export function cursorOf(line: DataUseLine): string {
  return Buffer.from(JSON.stringify([line.occurredAt, line.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service gave. */
export function readCursor(cursor: string): Position | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [occurredAt, id] = v as unknown[];
    if (typeof occurredAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(occurredAt)))
      return undefined;
    return { occurredAt, id };
  } catch {
    return undefined;
  }
}

/** The lines after the cursor (older, in the newest-first order), at most `limit`, and the next cursor. */
export function pageOf(
  lines: readonly DataUseLine[],
  limit: number,
  after?: Position,
): { uses: DataUseLine[]; next?: string } {
  const rest = after ? lines.filter((l) => newestFirst(l, after) > 0) : [...lines];
  const uses = rest.slice(0, limit);
  const last = uses.at(-1);
  return { uses, ...(last && rest.length > limit ? { next: cursorOf(last) } : {}) };
}
