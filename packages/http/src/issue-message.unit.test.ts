import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bilingualIssueMessage, type ValidationIssue } from './issue-message.js';

/** the issues of `value` against `schema`, shaped as fastify-type-provider-zod hands them over */
function issues(schema: z.ZodType, value: unknown): ValidationIssue[] {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return r.error.issues.map(({ code, message, path: _path, ...params }) => ({ keyword: code, message, params }));
}

const message = (schema: z.ZodType, value: unknown) =>
  bilingualIssueMessage(issues(schema, value)[0] as ValidationIssue);

describe('a validation message', () => {
  it.each([
    ['a missing field', z.object({ name: z.string() }), {}, /^必填。 Invalid input/],
    ['a wrong type', z.object({ n: z.number() }), { n: 'x' }, /^应为数字。 Invalid input/],
    [
      'a string for a record',
      z.object({ key: z.record(z.string(), z.string()) }),
      { key: 'x' },
      /^应为对象。 Invalid input/,
    ],
    ['a type with no Chinese name', z.object({ s: z.symbol() }), { s: 'x' }, /^类型不对。 Invalid input/],
    ['an empty string', z.string().min(1), '', /^不能为空。 Too small/],
    ['a short string', z.string().min(3), 'ab', /^至少 3 个字符。 Too small/],
    ['a long string', z.string().max(2), 'abc', /^最多 2 个字符。 Too big/],
    ['an empty list', z.array(z.string()).min(1), [], /^至少要有一项。 Too small/],
    ['a small number', z.number().min(5), 1, /^不能小于 5。 Too small/],
    ['a large number', z.number().lt(5), 9, /^须小于 5。 Too big/],
    ['a bad date-time', z.iso.datetime(), 'soon', /^格式不对，应为ISO 8601 日期时间。 Invalid/],
    [
      'a value outside an enum',
      z.enum(['draft', 'published']),
      'gone',
      /^应为 draft \/ published 之一。 Invalid option/,
    ],
    [
      'an unknown field',
      z.strictObject({ a: z.string() }),
      { a: 'x', b: 1 },
      /^不认识的字段 b 请删去。 Unrecognized key/,
    ],
  ])('for %s says it in Chinese first, then zod’s English', (_what, schema, value, expected) => {
    expect(message(schema, value)).toMatch(expected);
  });

  it('is left as written when the schema wrote it in both languages', () => {
    const schema = z.string().refine((s) => s === 'ok', { message: '须为 ok must be ok' });
    expect(message(schema, 'no')).toBe('须为 ok must be ok');
  });

  it('ends its Chinese part with a full-width stop, so the two parts split where they meet', () => {
    const m = message(z.number().min(5), 1);
    const lastChinese = [...m].findLastIndex((c) => /[\u3000-\u303f\u4e00-\u9fff]/u.test(c));
    expect(
      [...m]
        .slice(lastChinese + 1)
        .join('')
        .trim(),
    ).toMatch(/^Too small/);
  });
});
