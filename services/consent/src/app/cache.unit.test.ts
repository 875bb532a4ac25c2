import { describe, expect, it } from 'vitest';
import { TtlCache } from './cache.js';

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(opts: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 0;
  const cache = new TtlCache<string, string>({ ttlMs: opts.ttlMs ?? 1000, now: () => now, ...opts });
  const loads: string[] = [];
  const load = async (key: string) => {
    loads.push(key);
    return `${key}@${now}`;
  };
  const advance = (ms: number) => {
    now += ms;
  };
  return { cache, loads, load, advance };
}

describe('TtlCache', () => {
  it('answers from the kept value while it is fresh, and loads again once it is not', async () => {
    const { cache, loads, load, advance } = setup();
    expect(await cache.get('a', load)).toBe('a@0');
    advance(999);
    expect(await cache.get('a', load)).toBe('a@0');
    advance(1);
    expect(await cache.get('a', load)).toBe('a@1000');
    expect(loads).toEqual(['a', 'a']);
  });

  it('shares one load between concurrent reads of a key', async () => {
    const { cache, loads, load } = setup();
    const [x, y] = await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect([x, y]).toEqual(['a@0', 'a@0']);
    expect(loads).toEqual(['a']);
  });

  it('keeps no failed load', async () => {
    const { cache, load } = setup();
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', load)).toBe('a@0');
  });

  it('forgets one key, or all, when the owner says they changed', async () => {
    const { cache, loads, load } = setup();
    await cache.get('a', load);
    await cache.get('b', load);
    cache.forget('a');
    await cache.get('a', load);
    await cache.get('b', load);
    expect(loads).toEqual(['a', 'b', 'a']);
    cache.forgetAll();
    await cache.get('b', load);
    expect(loads).toEqual(['a', 'b', 'a', 'b']);
  });

  it('answers what the owner set without loading', async () => {
    const { cache, loads, load } = setup();
    cache.set('a', 'written');
    expect(await cache.get('a', load)).toBe('written');
    expect(loads).toEqual([]);
  });

  it('lets the oldest entry go beyond maxEntries', async () => {
    const { cache, loads, load } = setup({ maxEntries: 2 });
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    await cache.get('b', load);
    await cache.get('a', load);
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });
});
