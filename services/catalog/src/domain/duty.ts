/**
 * 共享责任清单 (duty list) and 负面清单 (negative list) of a province, and the compliance view built
 * from them: which duties an agency has fulfilled, and which of its entries are shared although the
 * negative list says they must not be. Pure: the lists, the entries and today come in as arguments.
 */
import { isoDate } from '@yrd/http/dates';
import { z } from 'zod';
import { classTable } from './classes.js';
import { tiers } from './resource.js';

export type Tier = (typeof tiers)[number];

/** the platform's one date schema (a calendar day PostgreSQL stores; only zod, so still pure) */
const isoDay = isoDate;

/**
 * A duty as the admin states it. Shapes only: whether the agency and the class exist is checked by
 * the use case, so that each refusal carries its own code.
 */
export const dutyInput = z.object({
  agencyCreditCode: z.string().max(50),
  classCode: z.string().max(50),
  name: z.string().trim().min(2).max(200),
  sharingTier: z.enum(tiers).optional(),
  dueDate: isoDay.optional(),
  note: z.string().max(2000).default(''),
});
export type DutyInput = z.infer<typeof dutyInput>;

/** A negative-list entry as the admin states it: exactly one of classCode and resourceId. */
export const negativeEntryInput = z.object({
  classCode: z.string().max(50).optional(),
  resourceId: z.string().max(100).optional(),
  reason: z.string().max(2000).default(''),
  legalBasis: z.string().max(2000).default(''),
});
export type NegativeEntryInput = z.infer<typeof negativeEntryInput>;

/** Who made an entry of a list, and who took it off, when and why: a removed entry is kept. */
export interface Trail {
  createdBy: string;
  createdAt: string;
  removedBy?: string;
  removedAt?: string;
  removedReason?: string;
}

/** One line of the duty list: the agency must catalogue (and publish) this resource. */
export interface Duty extends Trail {
  id: string;
  agencyCreditCode: string;
  /** the 细目 the entry is filed under */
  classCode: string;
  /** the resource as the list names it, e.g. 营业执照信息 */
  name: string;
  /** the least open sharing attribute that fulfils the duty */
  sharingTier?: Tier;
  /** YYYY-MM-DD, the last day on which the duty is still on time */
  dueDate?: string;
  note: string;
}

/** One line of the negative list: a class (any level, as a prefix) or one entry that must not be shared. */
export interface NegativeEntry extends Trail {
  id: string;
  classCode?: string;
  resourceId?: string;
  reason: string;
  /** 法律、行政法规或国家政策依据 */
  legalBasis: string;
}

/** What the compliance view needs to know of a local catalogue entry. */
export interface EntrySummary {
  id: string;
  name: string;
  classCode: string;
  agencyCreditCode: string;
  status: string;
  sharingTier: string;
}

export type DutyStatus = 'published' | 'in_progress' | 'missing' | 'overdue';

export interface DutyCompliance {
  duty: Duty;
  status: DutyStatus;
  /** the entry the status was read from (absent when nothing is catalogued) */
  resourceId?: string;
  /** why the duty has this status, in words a reviewer can act on */
  reason: string;
}

export interface Violation {
  resourceId: string;
  name: string;
  negativeEntry: NegativeEntry;
}

export interface AgencyCompliance {
  agency: string;
  agencyName: string;
  duties: DutyCompliance[];
  /** duties not yet fulfilled (every status but published) */
  missing: number;
  violations: Violation[];
}

const current = <T extends Trail>(e: T) => e.removedAt === undefined;

const tierRank: Record<Tier, number> = { none: 0, conditional: 1, unconditional: 2 };

/** Whether an entry shared as `actual` is at least as open as the duty expects. */
function meetsTier(actual: string, expected: Tier | undefined): boolean {
  if (expected === undefined) return true;
  const rank = tierRank[actual as Tier];
  return rank !== undefined && rank >= tierRank[expected];
}

/** A class code of any level (类, 项, 目 or 细目) that the class table holds. */
export function isClassPrefix(code: string): boolean {
  return classTable().some((c) => c.code === code);
}

/** The date in China (UTC+8 all year, no daylight saving) at an instant: due dates are Chinese calendar days. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The current negative-list entry that keeps `resource` from being shared, if any. An entry naming
 * the resource itself wins over a class; among classes the most specific (longest) prefix wins, so
 * the reason shown is the one written for the narrowest rule.
 */
export function negativeMatch(
  negativeList: readonly NegativeEntry[],
  resource: { id: string; classCode: string },
): NegativeEntry | undefined {
  const live = negativeList.filter(current);
  const byId = live.find((n) => n.resourceId === resource.id);
  if (byId) return byId;
  const covers = (prefix: string) => resource.classCode === prefix || resource.classCode.startsWith(`${prefix}-`);
  return live
    .filter((n) => n.classCode !== undefined && covers(n.classCode))
    .sort((a, b) => (b.classCode?.length ?? 0) - (a.classCode?.length ?? 0))[0];
}

/**
 * How far one duty is: a local published entry of the agency under the duty's class, shared at least
 * as openly as the duty expects, fulfils it. A draft or submitted entry, or a published one shared
 * less openly than expected, is in progress; a withdrawn one does not count. Past the due date
 * anything short of fulfilment is overdue.
 */
export function dutyStatus(duty: Duty, entries: readonly EntrySummary[], today: string): DutyCompliance {
  const candidates = entries
    .filter((e) => e.agencyCreditCode === duty.agencyCreditCode && e.classCode === duty.classCode)
    .filter((e) => e.status === 'published' || e.status === 'draft' || e.status === 'submitted')
    // an entry with the duty's own name is the one the list means; then a stable order
    .sort((a, b) => Number(b.name === duty.name) - Number(a.name === duty.name) || a.id.localeCompare(b.id));
  const fulfilling = candidates.find((e) => e.status === 'published' && meetsTier(e.sharingTier, duty.sharingTier));
  if (fulfilling) {
    return { duty, status: 'published', resourceId: fulfilling.id, reason: `已发布 published as ${fulfilling.id}` };
  }
  const started = candidates[0];
  const progress = started
    ? started.status === 'published'
      ? `已发布但共享属性低于要求 ${started.id} is shared as ${started.sharingTier}, the duty expects ${duty.sharingTier} at least`
      : `已编目未发布 catalogued as ${started.id} (${started.status}), not yet published`
    : `未编目 the agency has catalogued nothing under ${duty.classCode}`;
  const base = started ? { resourceId: started.id } : {};
  if (duty.dueDate !== undefined && today > duty.dueDate) {
    return { duty, status: 'overdue', ...base, reason: `已逾期 past due ${duty.dueDate}: ${progress}` };
  }
  return { duty, status: started ? 'in_progress' : 'missing', ...base, reason: progress };
}

/** Published entries shared although the negative list covers them. */
export function violations(negativeList: readonly NegativeEntry[], entries: readonly EntrySummary[]): Violation[] {
  return entries
    .filter((e) => e.status === 'published' && e.sharingTier !== 'none')
    .flatMap((e) => {
      const negativeEntry = negativeMatch(negativeList, e);
      return negativeEntry ? [{ resourceId: e.id, name: e.name, negativeEntry }] : [];
    })
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId));
}

export interface ComplianceInputs {
  duties: readonly Duty[];
  negativeList: readonly NegativeEntry[];
  entries: readonly EntrySummary[];
  /** YYYY-MM-DD */
  today: string;
}

/** One agency's compliance: its current duties with their status, and its violations. */
export function agencyCompliance(agency: string, agencyName: string, i: ComplianceInputs): AgencyCompliance {
  const own = i.entries.filter((e) => e.agencyCreditCode === agency);
  const duties = i.duties
    .filter((d) => current(d) && d.agencyCreditCode === agency)
    .sort((a, b) => a.classCode.localeCompare(b.classCode) || a.name.localeCompare(b.name))
    .map((d) => dutyStatus(d, own, i.today));
  return {
    agency,
    agencyName,
    duties,
    missing: duties.filter((d) => d.status !== 'published').length,
    violations: violations(i.negativeList, own),
  };
}

/** The agencies the province-wide view shows: those with a current duty and those with a violation. */
export function agenciesInView(i: Omit<ComplianceInputs, 'today'>): string[] {
  const withViolation = new Set(violations(i.negativeList, i.entries).map((v) => v.resourceId));
  const agencies = new Set([
    ...i.duties.filter(current).map((d) => d.agencyCreditCode),
    ...i.entries.filter((e) => withViolation.has(e.id)).map((e) => e.agencyCreditCode),
  ]);
  return [...agencies].sort();
}
