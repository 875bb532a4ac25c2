/**
 * Where a refusal belongs on a form: the fields a REQUEST.INVALID names (`/name`), and the field a
 * service's own refusal is about (its code says which). A refusal no field takes is shown whole.
 */
import { detailFor } from '../api/detail';
import { toShownProblem } from '../api/problem';
import type { Language } from '../i18n';

export interface PlacedProblem {
  /** field name → message in the user's language, for Form.Item's help */
  fields: Record<string, string>;
  /** true when no field took the refusal */
  unplaced: boolean;
}

export function placeProblem(error: unknown, byCode: Record<string, string>, language: Language): PlacedProblem {
  if (!error) return { fields: {}, unplaced: false };
  const p = toShownProblem(error);
  if (p.kind !== 'problem') return { fields: {}, unplaced: true };
  const fields: Record<string, string> = {};
  for (const issue of p.issues) {
    const field = issue.path.replace(/^\//, '').split(/[/.]/)[0];
    if (field) fields[field] ??= detailFor(issue.message, language);
  }
  const coded = byCode[p.code];
  if (coded) fields[coded] ??= detailFor(p.detail, language);
  return { fields, unplaced: Object.keys(fields).length === 0 };
}

/** Form.Item props showing a placed message, if any. */
export function fieldHelp(placed: PlacedProblem, field: string) {
  const message = placed.fields[field];
  return message ? { validateStatus: 'error' as const, help: message } : {};
}
