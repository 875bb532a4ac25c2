import { describe, expect, it } from 'vitest';
import { repeatedOf } from './framing.js';
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
