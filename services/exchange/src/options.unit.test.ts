import { ConfigError, envSecrets } from '@yrd/config';
import { describe, expect, it } from 'vitest';
import { parseExchangeOptions } from './options.js';

describe('exchange options (exchangeOptionsSchema)', () => {
  it('takes valid options, keeping the secret resolver as given', () => {
    const secrets = envSecrets({ ZJ_TOKEN: 't' });
    const options = {
      datasets: [{ resourceId: 'zj.330000-SCJG-00001', keyItems: ['credit_code'], records: [{ credit_code: '1' }] }],
      timeoutMs: 3000,
      replayLeaseMs: 18_000,
      presenceBeatMs: 500,
      sources: { secrets, production: true },
      feeds: { batchSize: 50, retryMinMs: 50, retryMaxMs: 300, retentionDays: 7, ackWaitMs: 30_000 },
    };
    const parsed = parseExchangeOptions(options);
    expect(parsed).toEqual(options);
    expect(parsed.sources?.secrets).toBe(secrets);
    expect(parseExchangeOptions({})).toEqual({});
    // consent in the same process: its decision point is kept as given, not copied
    const policy = { authorize: async () => ({ allow: true }) };
    expect(parseExchangeOptions({ policy }).policy).toBe(policy);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['timeoutMs zero', { timeoutMs: 0 }, 'timeoutMs', /须大于 0 must be greater than 0/],
    ['timeoutMs negative', { timeoutMs: -5 }, 'timeoutMs', /must be greater than 0/],
    ['timeoutMs as text', { timeoutMs: '5000' }, 'timeoutMs', /毫秒数 must be a number of milliseconds/],
    ['replayLeaseMs a fraction', { replayLeaseMs: 0.5 }, 'replayLeaseMs', /整数毫秒 must be whole milliseconds/],
    ['presenceBeatMs beyond a timer', { presenceBeatMs: 2 ** 31 }, 'presenceBeatMs', /2147483647/],
    ['sources.secrets not a function', { sources: { secrets: 'env:X' } }, 'sources.secrets', /函数.*function/],
    ['sources.production as text', { sources: { production: 'yes' } }, 'sources.production', /true 或 false/],
    ['an unknown source option', { sources: { prod: true } }, 'sources', /未知选项 unknown option\(s\): prod/],
    ['feeds.batchSize zero', { feeds: { batchSize: 0 } }, 'feeds.batchSize', /须大于 0/],
    ['feeds.retentionDays too long', { feeds: { retentionDays: 3651 } }, 'feeds.retentionDays', /at most 3650/],
    ['feeds.ackWaitMs as text', { feeds: { ackWaitMs: '30s' } }, 'feeds.ackWaitMs', /must be a number/],
    [
      'feeds retry bounds crossed',
      { feeds: { retryMinMs: 500, retryMaxMs: 100 } },
      'feeds.retryMinMs',
      /retryMinMs must not exceed retryMaxMs/,
    ],
    ['an unknown feed option', { feeds: { batch: 5 } }, 'feeds', /unknown option\(s\): batch/],
    ['a policy without authorize', { policy: { decide: () => true } }, 'policy', /须有 authorize 方法/],
    ['datasets not a list', { datasets: {} }, 'datasets', /数据集列表 must be a list of datasets/],
    [
      'a dataset without a resource id',
      { datasets: [{ keyItems: [], records: [] }] },
      'datasets.0.resourceId',
      /资源标识/,
    ],
    [
      'a record value not text',
      { datasets: [{ resourceId: 'r', keyItems: [], records: [{ n: 1 }] }] },
      'datasets.0.records.0.n',
      /记录的值须为文本 record values must be text/,
    ],
    ['an unknown option', { timeout: 1000 }, '(options)', /未知选项 unknown option\(s\): timeout/],
  ];
  it.each(bad)('%s: a ConfigError naming the field, in Chinese and English', (_case, options, field, detail) => {
    let thrown: unknown;
    try {
      parseExchangeOptions(options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain('交换服务选项无效 invalid exchange options');
    expect(message).toContain(`${field}: `);
    expect(message).toMatch(detail);
  });
});
