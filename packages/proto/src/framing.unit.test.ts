import { describe, expect, it } from 'vitest';
import { encoderOf, repeatedOf } from './framing.js';
import { feedV1 } from './index.js';

describe('repeatedOf', () => {
  const records: feedV1.FeedRecord[] = [
    { eventId: 'e-1', fields: { route: '杭州—上海' }, publishedAt: '2026-12-06T01:00:00.000Z', publisherAgency: 'A' },
    { eventId: 'e-2', fields: {}, publishedAt: '2026-12-06T01:00:00.000Z', publisherAgency: 'A' },
    { eventId: 'e-3'.repeat(50), fields: { a: 'x'.repeat(300) }, publishedAt: '', publisherAgency: '' },
  ];
  const encoded = records.map((r) => feedV1.FeedRecord.encode(r).finish());

  it('gives the bytes that encoding the enclosing message gives, and they decode to the items', () => {
    const framed = repeatedOf(1, encoded);
    expect(Buffer.from(framed)).toEqual(Buffer.from(feedV1.FeedRecords.encode({ records }).finish()));
    expect(feedV1.FeedRecords.decode(framed).records).toEqual(records);
  });

  it('frames nothing as an empty message', () => {
    expect(repeatedOf(1, [])).toHaveLength(0);
    expect(feedV1.FeedRecords.decode(repeatedOf(1, [])).records).toEqual([]);
  });
});

describe('encoderOf', () => {
  it('gives each message the bytes a writer of its own gives, whatever was encoded before', () => {
    const records: feedV1.FeedRecord[] = [
      { eventId: 'big', fields: { a: '长'.repeat(2000), b: 'x'.repeat(500) }, publishedAt: 'p', publisherAgency: 'A' },
      { eventId: 'e-1', fields: { route: '杭州—上海' }, publishedAt: '2026-12-06T01:00:00.000Z', publisherAgency: 'A' },
      { eventId: 'e-2', fields: {}, publishedAt: '', publisherAgency: '' },
      { eventId: 'big2', fields: { c: '🚄'.repeat(700) }, publishedAt: 'q', publisherAgency: 'B' },
    ];
    const encode = encoderOf(feedV1.FeedRecord);
    const out = records.map((r) => encode(r));
    for (const [i, r] of records.entries()) {
      expect(Buffer.from(out[i] as Uint8Array)).toEqual(Buffer.from(feedV1.FeedRecord.encode(r).finish()));
      expect(feedV1.FeedRecord.decode(out[i] as Uint8Array)).toEqual(r);
    }
  });

  it('hands out bytes of their own: a later encoding changes none of the earlier ones', () => {
    const encode = encoderOf(feedV1.FeedRecord);
    const first = encode({ eventId: 'a', fields: { k: 'v' }, publishedAt: '', publisherAgency: '' });
    const copy = Buffer.from(first);
    encode({ eventId: 'b'.repeat(40), fields: { k: 'w'.repeat(100) }, publishedAt: 'x', publisherAgency: 'y' });
    expect(Buffer.from(first)).toEqual(copy);
    expect(first.buffer.byteLength).toBe(first.byteLength);
  });
});
