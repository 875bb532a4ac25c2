/**
 * A small read-through cache with a time to live, for answers that may be a moment old: each entry
 * is kept for `ttlMs` after it was loaded, concurrent reads of one key share one load, a failed load
 * is not kept, and the owner says when an entry is wrong (`forget`, `forgetAll`, `set`). It measures
 * elapsed time with its own `now` (wall-clock milliseconds), not the service's clock, which tests may
 * fix.
 */
export interface TtlCacheOptions {
  ttlMs: number;
  /** the oldest entry goes when there are more (default 10 000) */
  maxEntries?: number;
  now?: () => number;
}

export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: Promise<V> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: TtlCacheOptions) {
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** The kept answer while it is fresh, else `load(key)`'s. */
  get(key: K, load: (key: K) => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load(key);
    this.keep(key, value);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** An answer the owner knows to be current (it just wrote it). */
  set(key: K, value: V): void {
    this.keep(key, Promise.resolve(value));
  }

  /** The entry changed: the next read loads it afresh. */
  forget(key: K): void {
    this.entries.delete(key);
  }

  forgetAll(): void {
    this.entries.clear();
  }

  private keep(key: K, value: Promise<V>) {
    this.entries.delete(key); // re-inserted last: the map's order is the age order
    this.entries.set(key, { at: this.now(), value });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
