import { createHash } from 'node:crypto';
import { CanonicalJsonError as SharedCanonicalJsonError, canonicalJson as sharedCanonicalJson } from '@yrd/canonical';
import { describe, expect, it } from 'vitest';
import { leafHash } from './merkle.js';
import {
  type AuditRecordFields,
  CanonicalJsonError,
  canonicalJson,
  payloadHash,
  recordCanonicalJson,
  recordFields,
  recordLeaf,
} from './record.js';

function sampleRecord(seq = 0, over: Partial<AuditRecordFields> = {}): AuditRecordFields {
  return {
    seq,
    eventId: `evt-${seq}`,
    province: 'SH',
    kind: 'exchange.response',
    requestId: `req-${seq}`,
    resourceId: 'res-zj-001',
    actorUser: 'u-sh-42',
    actorAgency: 'ag-sh-rsj',
    requesterProvince: 'SH',
    providerProvince: 'ZJ',
    outcome: 'allowed',
    code: 'OK',
    payloadHash: payloadHash({ n: seq }),
    subjectRef: 'subj-hmac-abc',
    grantId: 'grant-1',
    consentId: 'consent-1',
    occurredAt: '2025-03-01T08:00:00.000Z',
    items: ['name', 'idNumber'],
    ...over,
  };
}

describe('canonicalJson', () => {
  // its behaviour and the RFC 8785 vectors are tested in packages/canonical
  it('is the one encoder of @yrd/canonical', () => {
    expect(canonicalJson).toBe(sharedCanonicalJson);
    expect(CanonicalJsonError).toBe(SharedCanonicalJsonError);
    expect(() => canonicalJson({ a: [1, { b: Number.NaN }] })).toThrow('non-finite number at $.a[1].b');
  });
});

describe('payloadHash', () => {
  it('is hex SHA-256 of the canonical JSON', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[true,null,"上海"]}', 'utf8').digest('hex');
    expect(payloadHash({ b: [true, null, '上海'], a: 1 })).toBe(expected);
    expect(payloadHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});

describe('recordLeaf', () => {
  it('is leafHash of the UTF-8 canonical JSON of the fields', () => {
    const r = sampleRecord(7);
    expect(recordLeaf(r)).toEqual(leafHash(Buffer.from(canonicalJson(r), 'utf8')));
    expect(recordCanonicalJson(r)).toBe(canonicalJson(r));
    expect(recordCanonicalJson(r).startsWith('{"actorAgency":"ag-sh-rsj","actorUser":"u-sh-42","code":"OK"')).toBe(
      true,
    );
  });

  it('the direct record encoding equals canonicalJson for awkward strings', () => {
    const awkward = [
      '',
      '"',
      '\\',
      '\n\t',
      '\u0000\u001f\u007f',
      '上海市',
      '😀',
      '\ud800',
      'a\udfffb',
      '\ud83d\ude00\ud83d',
      '</script>',
      '\u2028\u2029',
      '\ufeff',
    ];
    const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const [i, s] of awkward.entries()) {
      const r = sampleRecord(i, { eventId: s, subjectRef: `${s}x${s}`, items: [s, 'a', s] });
      expect(JSON.parse(recordCanonicalJson(r))).toEqual(recordFields(r));
      if (loneSurrogate.test(s)) {
        // canonicalJson refuses a lone surrogate (RFC 8785); a record keeps escaping it as its leaf
        // always did, so that logs already written still verify
        expect(() => canonicalJson(s)).toThrow(CanonicalJsonError);
        expect(recordCanonicalJson(r)).toContain(`"eventId":${JSON.stringify(s)}`);
        continue;
      }
      expect(canonicalJson(s)).toBe(JSON.stringify(s));
      expect(canonicalJson({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
      expect(recordCanonicalJson(r)).toBe(canonicalJson(recordFields(r)));
    }
    expect(recordCanonicalJson(sampleRecord(0, { items: [] }))).toBe(canonicalJson(sampleRecord(0, { items: [] })));
  });

  it('changes when any single field changes', () => {
    const base = sampleRecord(3);
    const leaf = recordLeaf(base).toString('hex');
    for (const key of Object.keys(base) as (keyof AuditRecordFields)[]) {
      const changed = { ...base } as Record<string, unknown>;
      const v = base[key];
      changed[key] = typeof v === 'number' ? v + 1 : Array.isArray(v) ? [...v].reverse() : `${v}!`;
      expect(recordLeaf(changed as unknown as AuditRecordFields).toString('hex'), key).not.toBe(leaf);
    }
    expect(recordLeaf({ ...base, items: [...base.items, 'x'] }).toString('hex')).not.toBe(leaf);
  });

  it('ignores properties that are not record fields and key order', () => {
    const r = sampleRecord(1);
    const withExtra = { leafHash: 'ab', id: 99, ...r } as AuditRecordFields;
    const reordered = Object.fromEntries(Object.entries(r).reverse()) as unknown as AuditRecordFields;
    expect(recordLeaf(withExtra)).toEqual(recordLeaf(r));
    expect(recordLeaf(reordered)).toEqual(recordLeaf(r));
  });

  it('covers the subject key id when set, and leaves records without one exactly as they were', () => {
    // the leaf of this record as the code before the field existed computed it: old entries keep verifying
    const old = sampleRecord(5);
    const pinned = Buffer.from('ba5388e25578b7221de64e0add772c76edbe20980af88533ac4c744a2962d747', 'hex');
    expect(recordLeaf(old)).toEqual(pinned);
    expect(recordLeaf(sampleRecord(5, { subjectRefKeyId: '' }))).toEqual(pinned);
    const keyed = sampleRecord(5, { subjectRefKeyId: 'rk-1' });
    expect(recordLeaf(keyed)).not.toEqual(pinned);
    expect(recordLeaf(keyed)).not.toEqual(recordLeaf(sampleRecord(5, { subjectRefKeyId: 'rk-2' })));
    expect(recordCanonicalJson(keyed)).toBe(canonicalJson(recordFields(keyed)));
    expect(recordCanonicalJson(keyed)).toContain('"subjectRef":"subj-hmac-abc","subjectRefKeyId":"rk-1"}');
    expect(recordFields(sampleRecord(5, { subjectRefKeyId: '' }))).not.toHaveProperty('subjectRefKeyId');
    expect(() => recordLeaf({ ...keyed, subjectRefKeyId: 7 } as unknown as AuditRecordFields)).toThrow(TypeError);
  });

  it('rejects malformed records', () => {
    const bad = [
      { ...sampleRecord(), seq: -1 },
      { ...sampleRecord(), seq: 1.5 },
      { ...sampleRecord(), eventId: 5 },
      { ...sampleRecord(), code: undefined },
      { ...sampleRecord(), items: 'name' },
      { ...sampleRecord(), items: ['a', 1] },
    ];
    for (const r of bad) expect(() => recordLeaf(r as unknown as AuditRecordFields)).toThrow(TypeError);
  });
});
