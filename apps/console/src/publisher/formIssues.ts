/**
 * Where the API's refusal of an entry belongs on the form. A body that does not fit the schema is
 * refused with REQUEST.INVALID and its fields as JSON pointers (`/items/0/name`); the catalogue's own
 * rules name theirs with dots (`items.0.grade`, `resourceCode`). Either way the message goes to that
 * field — a data item's to its row — in the user's language; what no field takes is shown whole.
 */
import { detailFor } from '../api/detail';
import { toShownProblem } from '../api/problem';
import type { Language } from '../i18n';

export type FieldName = (string | number)[];

export interface PlacedIssues {
  fields: { name: FieldName; errors: string[] }[];
  /** a refusal, or issues of it, that no field of the form takes */
  unplaced: boolean;
}

const itemFields = new Set([
  'name',
  'label',
  'type',
  'description',
  'grade',
  'subLevel',
  'personalInfo',
  'sensitivePersonalInfo',
  'piiKind',
]);

/** The form field an issue path points at, among `fields` (the entry's) and the data items' columns. */
export function fieldNameOf(path: string, fields: ReadonlySet<string>): FieldName | undefined {
  const [head, index, column] = path.replace(/^\//, '').split(/[/.]/);
  if (!head || !fields.has(head)) return undefined;
  if (head !== 'items') return [head];
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0 || !column || !itemFields.has(column)) return undefined;
  return ['items', i, column];
}

export function placeIssues(error: unknown, fields: ReadonlySet<string>, language: Language): PlacedIssues {
  const p = toShownProblem(error);
  if (p.kind !== 'problem' || p.issues.length === 0) return { fields: [], unplaced: true };
  const placed = new Map<string, { name: FieldName; errors: string[] }>();
  let unplaced = false;
  for (const issue of p.issues) {
    const name = fieldNameOf(issue.path, fields);
    if (!name) {
      unplaced = true;
      continue;
    }
    const key = name.join('.');
    const entry = placed.get(key) ?? { name, errors: [] };
    entry.errors.push(detailFor(issue.message, language));
    placed.set(key, entry);
  }
  return { fields: [...placed.values()], unplaced };
}
