/**
 * A statement the database refuses reaches the caller as the request's fault (400) when the value is
 * what the database cannot take, and never with the statement's parameters (which may be personal
 * data) in the error, its message or its causes.
 */
import { AppError } from '@yrd/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, DatabaseQueryError, openDatabase, sql } from './index.js';

const secret = '110101199003077777';
let h: DatabaseHandle;

beforeAll(async () => {
  h = await openDatabase();
  await h.db.execute(sql`create table probe (d date, t timestamptz, s text, n int, u text unique)`);
  await h.db.execute(sql`insert into probe (u) values (${secret})`);
});

afterAll(async () => {
  await h.close();
});

/** The error and everything it refers to, as one text to search. */
function everything(err: unknown): string {
  const seen: unknown[] = [];
  const parts: string[] = [];
  let e: unknown = err;
  while (typeof e === 'object' && e !== null && !seen.includes(e)) {
    seen.push(e);
    parts.push(String((e as Error).message), JSON.stringify(e, Object.getOwnPropertyNames(e)));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

describe('database refusals', () => {
  it.each([
    ['an unparseable date', sql`insert into probe (d) values (${`31/12/2026 ${secret}`})`, '22007'],
    ['a date out of range', sql`insert into probe (d) values (${'0000-01-01'})`, '22008'],
    ['a timestamp that is not one', sql`select * from probe where t > ${`x${secret}`}`, '22007'],
    ['a NUL in text', sql`insert into probe (s) values (${`a\u0000${secret}`})`, '22021'],
    ['a number out of range', sql`insert into probe (n) values (${'99999999999'})`, '22003'],
    ['not a number', sql`select * from probe where n = ${`n${secret}`}::text::int`, '22'],
  ])('%s is a 400 REQUEST.INVALID_VALUE without the value', async (_what, statement, state) => {
    for (const run of [() => h.db.execute(statement), () => h.rows(statement)]) {
      const err = await failure(run);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).kind).toBe('invalid');
      expect((err as AppError).code).toBe('REQUEST.INVALID_VALUE');
      expect(String((err as AppError).details?.sqlState)).toMatch(new RegExp(`^${state}`));
      expect(everything(err)).not.toContain(secret);
    }
  });

  it('maps what leaves a transaction, and lets the transaction see the driver’s error', async () => {
    let inside: unknown;
    const err = await failure(() =>
      h.db.transaction(async (tx) => {
        try {
          await tx.execute(sql`insert into probe (d) values (${secret})`);
        } catch (e) {
          inside = e;
          throw e;
        }
      }),
    );
    expect(inside).not.toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('REQUEST.INVALID_VALUE');
    expect(everything(err)).not.toContain(secret);
  });

  it('keeps any other failure internal, with the statement but not its parameters', async () => {
    const err = await failure(() => h.db.execute(sql`insert into probe (u) values (${secret})`));
    expect(err).toBeInstanceOf(DatabaseQueryError);
    expect((err as DatabaseQueryError).sqlState).toBe('23505');
    expect((err as Error).message).toContain('insert into probe');
    expect(everything(err)).not.toContain(secret);
  });

  it('lets an application error thrown in a transaction through unchanged', async () => {
    const mine = new AppError('conflict', 'PROBE.MINE', 'mine');
    expect(await failure(() => h.db.transaction(async () => Promise.reject(mine)))).toBe(mine);
  });
});
