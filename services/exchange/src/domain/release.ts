/**
 * The exchange's core rule, pure: only granted items leave, minimised to what was asked, each
 * masked as the grant says; a verification answers true or false per claim and returns no value.
 * The consent service decides (`allowedItems`, `masking`); this is what the provider does with its
 * decision before anything leaves.
 */
import { type MaskProfile, maskRecord, parseMaskProfile } from '@yrd/masking';

export type ReleaseMode = 'query' | 'verify';

/** What the consent service allowed, as far as the release needs it. */
export interface Allowance {
  allowedItems: readonly string[];
  /** profile names as they came over the wire; one this version does not know redacts its item */
  masking: readonly { item: string; profile: string }[];
}

/** What a request may see, or the claimed items a verification may not check. */
export type Releasable =
  | { ok: true; items: string[]; masking: Record<string, MaskProfile> }
  | { ok: false; notGranted: string[] };

/**
 * The items a request may see: those asked that are granted, in the order asked, or every granted
 * item when none was asked. A verification is refused whole when any claimed item is not granted:
 * checking the others would still say something about the record.
 */
export function releasable(mode: ReleaseMode, asked: readonly string[], allowance: Allowance): Releasable {
  const granted = new Set(allowance.allowedItems);
  if (mode === 'verify') {
    const notGranted = asked.filter((i) => !granted.has(i));
    if (notGranted.length > 0) return { ok: false, notGranted };
  }
  const items = asked.length > 0 ? asked.filter((i) => granted.has(i)) : [...allowance.allowedItems];
  const masking: Record<string, MaskProfile> = {};
  for (const m of allowance.masking) if (granted.has(m.item)) masking[m.item] = parseMaskProfile(m.profile);
  return { ok: true, items, masking };
}

/** What leaves: masked records for a query, one result per claim for a verification. */
export interface Released {
  records: Record<string, string>[];
  results: Record<string, boolean>;
  /** the profiles the requester is told of (a verification returns no values, so none) */
  masking: Record<string, MaskProfile>;
}

/**
 * Minimises and masks what the source found. Whatever the source returned, only `items` leave, each
 * masked; an item without a profile is redacted. A claim holds when some record has that item with
 * exactly the claimed value.
 */
export function release(
  mode: ReleaseMode,
  scope: { items: readonly string[]; masking: Readonly<Record<string, MaskProfile>> },
  found: readonly Readonly<Record<string, string>>[],
  claims: Readonly<Record<string, string>>,
): Released {
  if (mode === 'query') {
    return {
      records: found.map((r) => maskRecord(r, scope.items, scope.masking)),
      results: {},
      masking: { ...scope.masking },
    };
  }
  const results: Record<string, boolean> = {};
  for (const i of Object.keys(claims)) results[i] = found.some((r) => r[i] !== undefined && r[i] === claims[i]);
  return { records: [], results, masking: {} };
}
