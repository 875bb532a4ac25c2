import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A statement that takes its time: resolves when `release` is called. */
function slowRun() {
  const batches: number[][] = [];
  const waiting: (() => void)[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve) => {
      batches.push(items);
      waiting.push(() => resolve(items.map((i) => `done ${i}`)));
    });
  const release = () => waiting.shift()?.();
  return { run, batches, release };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('sends an item alone at once when nothing is in flight', async () => {
    const s = slowRun();
    const g = new GroupCommit(s.run);
    const one = g.submit(1);
    await tick();
    expect(s.batches).toEqual([[1]]);
    s.release();
    expect(await one).toBe('done 1');
  });

  it('carries what queued behind a statement in flight in the next one, in order, each caller its own result', async () => {
    const s = slowRun();
    const g = new GroupCommit(s.run);
    const first = g.submit(1);
    const rest = [2, 3, 4].map((i) => g.submit(i));
    await tick();
    expect(s.batches).toEqual([[1]]);
    s.release();
    await first;
    await tick();
    expect(s.batches).toEqual([[1], [2, 3, 4]]);
    s.release();
    expect(await Promise.all(rest)).toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('keeps batches to maxBatch', async () => {
    const s = slowRun();
    const g = new GroupCommit(s.run, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => g.submit(i));
    for (let i = 0; i < 3; i++) {
      await tick();
      s.release();
    }
    await Promise.all(all);
    expect(s.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('runs up to `concurrency` statements at once', async () => {
    const s = slowRun();
    const g = new GroupCommit(s.run, { concurrency: 2 });
    const all = [1, 2, 3].map((i) => g.submit(i));
    await tick();
    expect(s.batches).toEqual([[1], [2]]);
    s.release();
    s.release();
    await tick();
    s.release();
    expect(await Promise.all(all)).toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('rejects every item of a failed statement, and goes on with the next batch', async () => {
    let calls = 0;
    const g = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (items.includes(2)) throw new Error('statement failed');
      return items.map((i) => i * 10);
    });
    const a = g.submit(1);
    const b = g.submit(2);
    const c = g.submit(3);
    expect(await a).toBe(10);
    await expect(b).rejects.toThrow('statement failed');
    await expect(c).rejects.toThrow('statement failed');
    expect(await g.submit(4)).toBe(40);
    expect(calls).toBe(3);
  });

  it('refuses a run that does not answer every item', async () => {
    const g = new GroupCommit<number, number>(async (items) => items.slice(1));
    const first = g.submit(1);
    const next = [g.submit(2), g.submit(3)];
    await expect(first).rejects.toThrow('0 results for 1 items');
    await expect(next[0]).rejects.toThrow('1 results for 2 items');
    await expect(next[1]).rejects.toThrow('1 results for 2 items');
  });
});
