import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeForLog, scrubText } from './index.js';

// synthetic: valid-looking shapes, no real person
const idNumber = '32010619880512031X';
const phone = '13800138000';

function captured() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ name: 'test', level: 'debug' }, sink), text: () => lines.join('') };
}

/** drizzle's own shape: "Failed query: …\nparams: …", the values on `params`, the driver error as cause */
class DrizzleQueryError extends Error {
  constructor(
    readonly query: string,
    readonly params: unknown[],
    cause: unknown,
  ) {
    super(`Failed query: ${query}\nparams: ${params.join(',')}`, { cause });
  }
}

function driverError() {
  return Object.assign(new Error(`duplicate key value violates unique constraint "subjects_pkey"`), {
    code: '23505',
    severity: 'ERROR',
    detail: `Key (id_number)=(${idNumber}) already exists.`,
    where: `SQL function "f" statement 1 with ${phone}`,
    internalQuery: `select '${idNumber}'`,
  });
}

describe('no personal data in a log line, whatever fails', () => {
  it('drops the parameters, detail and nested values of a database error and its causes', () => {
    const { logger, text } = captured();
    const err = new DrizzleQueryError(
      'insert into t (id_number, phone) values ($1, $2)',
      [idNumber, phone],
      driverError(),
    );
    logger.error({ err }, 'request failed');
    logger.error(err);
    logger.warn({ err: new Error('outer', { cause: new Error('middle', { cause: err }) }) }, 'wrapped');
    logger.error({ nested: { deeper: { err, params: [idNumber] } } }, 'nested');
    const out = text();
    expect(out).not.toContain(idNumber);
    expect(out).not.toContain(phone);
    // what failed is still told
    expect(out).toContain('Failed query: insert into t (id_number, phone) values ($1, $2)');
    expect(out).toContain('23505');
    expect(out).toContain('subjects_pkey');
    const line = JSON.parse(out.split('\n')[0] as string) as { err: { cause: { code: string; stack: string } } };
    expect(line.err.cause.code).toBe('23505');
    expect(line.err.cause.stack).toMatch(/^Error: duplicate key/);
  });

  it('cuts ID and mobile numbers out of messages, format arguments and any string value', () => {
    const { logger, text } = captured();
    logger.info(`lookup of ${idNumber} failed`);
    logger.info('subject %s called from %s', idNumber.toLowerCase(), `+86 138-0013-8000`);
    logger.info({ note: `holder ${idNumber.slice(0, 17)}x`, list: [`tel:${phone}`] }, 'values');
    logger.info({ key: { booking_no: 'ZLB-20251002-000317' }, claims: { name: '李四海' } }, 'keyed');
    const out = text();
    for (const s of [idNumber, idNumber.toLowerCase(), phone, '0013-8000', 'ZLB-20251002-000317', '李四海'])
      expect(out).not.toContain(s);
  });

  it('keeps what is not personal: credit codes, uuids, timestamps, counts', () => {
    expect(scrubText('agency 91310000MA1FL0000X')).toBe('agency 91310000MA1FL0000X');
    expect(scrubText('req 0b6f1c1e-1234-4f5e-9a7b-123456789012')).toBe('req 0b6f1c1e-1234-4f5e-9a7b-123456789012');
    expect(scrubText('at 2026-12-04T17:40:47.123Z, 1733333333333 ms')).toBe(
      'at 2026-12-04T17:40:47.123Z, 1733333333333 ms',
    );
    expect(safeForLog({ records: 3 })).toEqual({ records: '[redacted]' });
    expect(safeForLog({ count: 3, ok: true })).toEqual({ count: 3, ok: true });
  });

  it('survives cycles and very deep values', () => {
    const a: Record<string, unknown> = { id: idNumber };
    a.self = a;
    let deep: Record<string, unknown> = { v: phone };
    for (let i = 0; i < 50; i++) deep = { deep };
    const { logger, text } = captured();
    logger.info({ a, deep }, 'odd shapes');
    expect(text()).not.toContain(idNumber);
    expect(text()).not.toContain(phone);
  });
});
