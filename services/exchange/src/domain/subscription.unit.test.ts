import { describe, expect, it } from 'vitest';
import {
  batchId,
  deliveredItems,
  feedToken,
  isFresh,
  isSubscriptionIdOf,
  receives,
  retryDelay,
  subscriptionId,
} from './subscription.js';

const uuid = '0b6f3c52-8d1e-4b7a-9c2f-3e5d6a7b8c9d';

describe('subscriptions, the pure part', () => {
  it.each([
    [subscriptionId('sh', uuid), 'sh', true],
    [subscriptionId('sh', uuid), 'zj', false], // another province's subscription
    [`sh-sub-${uuid}.x`, 'sh', false], // a dot would split the consumer name
    ['sh-sub-*', 'sh', false],
    [`xx-sub-${uuid}`, 'sh', false],
    ['', 'sh', false],
  ] as const)('%s is a subscription id of %s: %s', (id, p, ok) => {
    expect(isSubscriptionIdOf(id, p)).toBe(ok);
  });

  it.each([
    ['js.320000-WL-00001', '320000-WL-00001'],
    ['js.320000.WL', undefined], // two subject tokens
    ['js.320000-WL-*', undefined],
    ['js.', undefined],
    ['nodot', undefined],
  ])('the feed token of %s is %s', (id, token) => {
    expect(feedToken(id)).toBe(token);
  });

  it.each([
    [[], ['a', 'b'], ['a', 'b']],
    [['b'], ['a', 'b'], ['b']],
    [['c', 'a', 'a'], ['a', 'b'], ['a']], // not granted dropped, duplicates once
    [['c'], ['a'], []],
  ])('asked %j, allowed %j → delivered %j', (asked, allowed, out) => {
    expect(deliveredItems(asked, allowed)).toEqual(out);
  });

  it('a batch is named by its first and last sequence, whatever order they come in', () => {
    expect(batchId([7, 5, 6])).toBe('5-7');
    expect(batchId([9])).toBe('9-9');
    expect(batchId([])).toBe('empty');
  });

  it.each([
    [{ decidedAt: 1000, generation: 0 }, 2999, 0, true],
    [{ decidedAt: 1000, generation: 0 }, 3000, 0, false], // ttl over
    [{ decidedAt: 1000, generation: 0 }, 1500, 1, false], // a revocation heard since
    [{ decidedAt: 1000, generation: 0 }, 500, 0, false], // the clock went back: ask again
    [undefined, 1000, 0, false],
  ])('decision %j at %i (generation %i) is fresh for 2 s: %s', (d, now, gen, fresh) => {
    expect(isFresh(d, now, 2000, gen)).toBe(fresh);
  });

  it.each([
    [0, 0],
    [1, 200],
    [2, 400],
    [5, 3200],
    [9, 10_000],
    [1000, 10_000],
  ])('after %i failures the next try waits %i ms', (failures, ms) => {
    expect(retryDelay(failures, 200, 10_000)).toBe(ms);
  });

  it('only pending and active subscriptions take deliveries', () => {
    expect([receives('pending'), receives('active'), receives('ended')]).toEqual([true, true, false]);
  });
});
