import { AppError } from '@yrd/errors';
import { describe, expect, it } from 'vitest';
import { appendOnce } from './feeds.js';
import type { FeedLog, PublishedEvents } from './subscriptions.js';

const rec = (id: string) => ({ eventId: id, bytes: new TextEncoder().encode(id) });
const at = '2026-12-06T02:00:00.000Z';

/** A feed stream that keeps what it is given (ids in append order), and may call a message a duplicate. */
class FakeLog implements Pick<FeedLog, 'append'> {
  readonly stream: string[] = [];
  alreadyHeld = new Set<string>();
  failing = false;
  async append(_resourceId: string, records: readonly { eventId: string; bytes: Uint8Array }[]) {
    if (this.failing) throw new AppError('unavailable', 'EXCHANGE.FEED_UNAVAILABLE', 'feed unavailable');
    const appended = new Set<string>();
    for (const r of records) {
      this.stream.push(r.eventId);
      if (!this.alreadyHeld.has(r.eventId)) appended.add(r.eventId);
    }
    return { appended };
  }
}

/** The record of published ids, which can fail as a database does. */
class FakePublished implements Pick<PublishedEvents, 'known' | 'record'> {
  readonly ids = new Set<string>();
  failKnown = false;
  failRecord = false;
  async known(_r: string, ids: readonly string[]) {
    if (this.failKnown) throw new Error('connection terminated');
    return new Set(ids.filter((id) => this.ids.has(id)));
  }
  async record(_r: string, ids: readonly string[], _at: string) {
    if (this.failRecord) throw new Error('connection terminated');
    const fresh = ids.filter((id) => !this.ids.has(id));
    for (const id of fresh) this.ids.add(id);
    return new Set(fresh);
  }
}

describe('publishing each event once', () => {
  it('appends the new events only, then records them; a retry with one more adds only that one', async () => {
    const log = new FakeLog();
    const published = new FakePublished();
    expect(await appendOnce(log, published, 'zj.1', [rec('62'), rec('63')], at)).toBe(2);
    expect(await appendOnce(log, published, 'zj.1', [rec('62'), rec('63'), rec('64')], at)).toBe(1);
    expect(log.stream).toEqual(['62', '63', '64']);
    expect(await appendOnce(log, published, 'zj.1', [rec('64')], at)).toBe(0);
    expect(log.stream).toEqual(['62', '63', '64']);
  });

  it('a record lost after the append (a crash) publishes again on the retry: twice in the stream, never lost', async () => {
    const log = new FakeLog();
    const published = new FakePublished();
    published.failRecord = true;
    const lost = await appendOnce(log, published, 'zj.1', [rec('a'), rec('b')], at).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(AppError);
    expect(lost).toMatchObject({ kind: 'unavailable', code: 'EXCHANGE.FEED_UNAVAILABLE' });
    published.failRecord = false;
    expect(await appendOnce(log, published, 'zj.1', [rec('a'), rec('b')], at)).toBe(2);
    expect(log.stream).toEqual(['a', 'b', 'a', 'b']);
    expect([...published.ids]).toEqual(['a', 'b']);
  });

  it('nothing is appended while the record cannot be read: 503, retry with the same ids', async () => {
    const log = new FakeLog();
    const published = new FakePublished();
    published.failKnown = true;
    await expect(appendOnce(log, published, 'zj.1', [rec('a')], at)).rejects.toMatchObject({
      code: 'EXCHANGE.FEED_UNAVAILABLE',
      kind: 'unavailable',
    });
    expect(log.stream).toEqual([]);
    expect(published.ids.size).toBe(0);
  });

  it('a stream that cannot take the events records nothing, so the retry publishes them', async () => {
    const log = new FakeLog();
    const published = new FakePublished();
    log.failing = true;
    await expect(appendOnce(log, published, 'zj.1', [rec('a')], at)).rejects.toMatchObject({
      code: 'EXCHANGE.FEED_UNAVAILABLE',
    });
    expect(published.ids.size).toBe(0);
    log.failing = false;
    expect(await appendOnce(log, published, 'zj.1', [rec('a')], at)).toBe(1);
  });

  it('counts an event once: not when the stream held its message already, nor when a racing call recorded it first', async () => {
    const log = new FakeLog();
    const published = new FakePublished();
    log.alreadyHeld = new Set(['a']);
    expect(await appendOnce(log, published, 'zj.1', [rec('a'), rec('b')], at)).toBe(1);
    // a call that looked before the other recorded: both append, one counts
    const racing = new FakePublished();
    const slow: Pick<PublishedEvents, 'known' | 'record'> = {
      known: async () => new Set(),
      record: (r, ids, when) => racing.record(r, ids, when),
    };
    const answers = await Promise.all([
      appendOnce(new FakeLog(), slow, 'zj.1', [rec('x'), rec('y')], at),
      appendOnce(new FakeLog(), slow, 'zj.1', [rec('x'), rec('y')], at),
    ]);
    expect(answers.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
