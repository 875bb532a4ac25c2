/**
 * The search synonym table (同义词/简称表): lines like 社保 ⇄ 社会保险 that the province admin keeps,
 * so that what people type (the everyday short form) finds what agencies wrote (the full name).
 * Terms are stored folded (see search.ts `normalize`): 醫保 is kept as 医保, so the table, the index
 * and the queries all speak the same form, and 社保/社會保險 is the same line as 社保/社会保险.
 */
import { z } from 'zod';
import type { Trail } from './duty.js';
import { type Fold, normalize, terms } from './search.js';

/** Free text up to `max` characters, without control characters other than tab and line breaks. */
export const noControl = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s.replace(/[\t\n\r]/g, '')), 'no control characters');

/** Letters (any script, Chinese included), digits, spaces and the joiners names use. */
const term = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[\p{L}\p{N}_ ·\-/]+$/u, 'letters, digits, spaces, · - / only');

/** A line as the admin states it: a term and its synonym, matched both ways. */
export const synonymInput = z.object({
  term: term.describe('简称或同义词 the term people type, e.g. 社保'),
  synonym: term.describe('它的另一种说法 what it also stands for, e.g. 社会保险'),
  note: noControl(200).default('').describe('说明 a note, e.g. 简称'),
});
export type SynonymInput = z.infer<typeof synonymInput>;

/** One line of the table with its trail: a removed line is kept with who removed it and why. */
export interface SynonymLine extends Trail {
  id: string;
  term: string;
  synonym: string;
  note: string;
}

/** Why a line cannot be in the table, or undefined when it can: the folded terms it stores. */
export function synonymIssue(
  input: SynonymInput,
  fold: Fold,
): { code: string; message: string } | { term: string; synonym: string } {
  const t = normalize(input.term, fold).trim();
  const s = normalize(input.synonym, fold).trim();
  if (terms(t).length === 0 || terms(s).length === 0) {
    return {
      code: 'CATALOG.SYNONYM_NOT_SEARCHABLE',
      message: '同义词须包含汉字、字母或数字 a synonym needs letters or digits to search for',
    };
  }
  if (t === s) {
    return {
      code: 'CATALOG.SYNONYM_SAME',
      message: `“${input.term}”与“${input.synonym}”是同一个词（繁简折叠后） the term and its synonym are the same once folded`,
    };
  }
  return { term: t, synonym: s };
}
