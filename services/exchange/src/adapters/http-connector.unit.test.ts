import { describe, expect, it } from 'vitest';
import type { HttpSourceSettings } from '../domain/sources.js';
import { parseSourceReply, sourceRequest } from './http-connector.js';

const key = { credit_code: '91330106MA2H7K3L1X' };
const q = { key, limit: 100 };

describe('an agency system’s reply', () => {
  it('becomes records of strings: numbers and booleans as text, null as no value', () => {
    const out = parseSourceReply(
      { records: [{ credit_code: key.credit_code, months: 36, active: true, note: null }], next: 'ignored' },
      q,
    );
    expect(out).toEqual({
      records: [{ credit_code: key.credit_code, months: '36', active: 'true' }],
      cut: 0,
      foreign: 0,
    });
  });

  it('is cut to the page bound and says how many were cut', () => {
    const records = Array.from({ length: 7 }, (_, i) => ({ n: String(i) }));
    const out = parseSourceReply({ records }, { key, limit: 3 });
    expect(out.records.map((r) => r.n)).toEqual(['0', '1', '2']);
    expect(out.cut).toBe(4);
  });

  it('drops a record that names another key value, so no one else’s data goes out', () => {
    const out = parseSourceReply(
      {
        records: [{ credit_code: key.credit_code, a: '1' }, { credit_code: '913301000000000000', a: '2' }, { a: '3' }],
      },
      q,
    );
    expect(out.records.map((r) => r.a)).toEqual(['1', '3']);
    expect(out.foreign).toBe(1);
  });

  it('cannot reach the prototype through an item named __proto__', () => {
    const out = parseSourceReply(JSON.parse('{"records":[{"__proto__":{"polluted":"yes"},"a":"1"}]}'), q);
    expect(out.records).toEqual([{ a: '1' }]);
    expect(Object.getPrototypeOf(out.records[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['no records field', { data: [] }],
    ['records not a list', { records: 'x' }],
    ['a record not an object', { records: ['x'] }],
    ['a nested value', { records: [{ address: { city: '杭州' } }] }],
    ['a list value', { records: [{ phones: ['1'] }] }],
    ['an empty item name', { records: [{ '': 'x' }] }],
    ['not an object at all', 42],
    ['null', null],
  ])('with %s is a bad reply', (_why, body) => {
    expect(() => parseSourceReply(body, q)).toThrow(
      expect.objectContaining({ code: 'EXCHANGE.SOURCE_BAD_REPLY', kind: 'unavailable' }),
    );
  });
});

describe('the request an agency system receives', () => {
  const s: HttpSourceSettings = {
    kind: 'http',
    url: 'https://dsj.zj.example/api?v=1',
    method: 'POST',
    timeoutMs: 3000,
    maxRecords: 100,
  };
  const query = { resourceId: 'zj.1', key, items: ['a', 'b'], limit: 5, requestId: 'r1' };

  it('POST: the key in a JSON body, the url as configured', () => {
    const r = sourceRequest(s, query);
    expect(r.url).toBe('https://dsj.zj.example/api?v=1');
    expect(JSON.parse(r.body ?? '')).toEqual({ resourceId: 'zj.1', key, items: ['a', 'b'], limit: 5 });
  });

  it('GET: everything in the query string, keys prefixed so no item name can clash', () => {
    const r = sourceRequest({ ...s, method: 'GET' }, query);
    expect(r.body).toBeUndefined();
    const u = new URL(r.url);
    expect(u.searchParams.get('v')).toBe('1');
    expect(u.searchParams.get('resourceId')).toBe('zj.1');
    expect(u.searchParams.get('limit')).toBe('5');
    expect(u.searchParams.getAll('items')).toEqual(['a', 'b']);
    expect(u.searchParams.get('key.credit_code')).toBe(key.credit_code);
  });
});
