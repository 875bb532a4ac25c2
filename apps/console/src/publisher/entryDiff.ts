/**
 * What one version of an entry changed from the one before: the entry's fields that differ, and its
 * data items matched by field name (added, removed, or changed in some of their columns). Only shows
 * what the catalogue stored; which changes were allowed was the catalogue's to decide.
 */
import type { DataItem, Entry } from '../catalog/types';

export const entryFields = [
  'name',
  'classCode',
  'provider',
  'summary',
  'domain',
  'format',
  'updateCycle',
  'publishDate',
  'relatedResources',
  'sharingTier',
  'sharingModes',
  'sharingConditions',
  'legalBasis',
  'openTier',
  'grade',
  'keyItems',
] as const;
export type EntryField = (typeof entryFields)[number];

export const itemColumns = [
  'label',
  'type',
  'description',
  'grade',
  'subLevel',
  'personalInfo',
  'sensitivePersonalInfo',
  'piiKind',
] as const;
export type ItemColumn = (typeof itemColumns)[number];

export type Value = string | number | boolean | readonly string[];

export interface FieldChange {
  field: EntryField;
  before: Value;
  after: Value;
}

export type ItemChange =
  | { kind: 'added'; name: string; item: DataItem }
  | { kind: 'removed'; name: string; item: DataItem }
  | { kind: 'changed'; name: string; columns: { column: ItemColumn; before: Value; after: Value }[] };

export interface EntryDiff {
  fields: FieldChange[];
  items: ItemChange[];
}

function fieldValue(e: Entry, field: EntryField): Value {
  if (field === 'provider') return e.provider ? `${e.provider.name}（${e.provider.creditCode}）` : '';
  return e[field];
}

const same = (a: Value, b: Value) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;

export function diffEntries(before: Entry, after: Entry): EntryDiff {
  const fields = entryFields.flatMap((field): FieldChange[] => {
    const b = fieldValue(before, field);
    const a = fieldValue(after, field);
    return same(b, a) ? [] : [{ field, before: b, after: a }];
  });
  const old = new Map(before.items.map((i) => [i.name, i]));
  const now = new Map(after.items.map((i) => [i.name, i]));
  const items: ItemChange[] = [];
  for (const item of after.items) {
    const was = old.get(item.name);
    if (!was) {
      items.push({ kind: 'added', name: item.name, item });
      continue;
    }
    const columns = itemColumns.flatMap((column) =>
      same(was[column], item[column]) ? [] : [{ column, before: was[column], after: item[column] }],
    );
    if (columns.length > 0) items.push({ kind: 'changed', name: item.name, columns });
  }
  for (const item of before.items) if (!now.has(item.name)) items.push({ kind: 'removed', name: item.name, item });
  return { fields, items };
}
