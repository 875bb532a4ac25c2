import { ConfigError } from '@yrd/config';
import { aResource } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import { parseCatalogOptions } from './options.js';

const agencies = { nameOf: (code: string) => (code === '1' ? '测试单位' : undefined) };

describe('catalogue options (catalogOptionsSchema)', () => {
  it('takes valid options, keeping the functions and objects as given', () => {
    const seed = [aResource('zj', '330000-DSJ-00001')];
    const base = () => 'https://zj.yrd.example';
    const parsed = parseCatalogOptions({ agencies, seed, resyncMs: 60_000, publicBaseUrl: base });
    expect(parsed.agencies).toBe(agencies);
    expect(parsed.seed?.[0]).toBe(seed[0]);
    expect(parsed.publicBaseUrl).toBe(base);
    expect(parsed.resyncMs).toBe(60_000);
    expect(parseCatalogOptions({ agencies })).toEqual({ agencies });
  });

  it('a public base URL given as text is checked and loses its trailing slash', () => {
    expect(parseCatalogOptions({ agencies, publicBaseUrl: 'https://gw.example/yrd-zj/' }).publicBaseUrl).toBe(
      'https://gw.example/yrd-zj',
    );
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['agencies missing', {}, 'agencies', /机构名录.*agency directory/],
    ['agencies without nameOf', { agencies: { names: {} } }, 'agencies', /nameOf/],
    ['seed not a list', { agencies, seed: aResource('zj', '330000-DSJ-00001') }, 'seed', /目录条目列表.*list/],
    ['a seed entry without an id', { agencies, seed: [{ province: 'zj' }] }, 'seed.0', /目录条目.*catalogue entry/],
    ['resyncMs zero', { agencies, resyncMs: 0 }, 'resyncMs', /须大于 0 must be greater than 0/],
    ['resyncMs a fraction', { agencies, resyncMs: 1.5 }, 'resyncMs', /整数毫秒 must be whole milliseconds/],
    ['resyncMs as text', { agencies, resyncMs: '60000' }, 'resyncMs', /毫秒数 must be a number/],
    ['resyncMs beyond a timer', { agencies, resyncMs: 2 ** 31 }, 'resyncMs', /2147483647/],
    ['publicBaseUrl not a URL', { agencies, publicBaseUrl: 'zj.yrd.example' }, 'publicBaseUrl', /not a URL/],
    ['publicBaseUrl with a query', { agencies, publicBaseUrl: 'https://a.example/?x=1' }, 'publicBaseUrl', /query/],
    ['publicBaseUrl a number', { agencies, publicBaseUrl: 80 }, 'publicBaseUrl', /网址.*URL/],
    ['an unknown option', { agencies, resync: 1000 }, '(options)', /未知选项 unknown option\(s\): resync/],
  ];
  it.each(bad)('%s: a ConfigError naming the field, in Chinese and English', (_case, options, field, detail) => {
    let thrown: unknown;
    try {
      parseCatalogOptions(options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain('目录服务选项无效 invalid catalog options');
    expect(message).toContain(`${field}: `);
    expect(message).toMatch(detail);
  });

  it('options that are not an object are refused', () => {
    expect(() => parseCatalogOptions(undefined)).toThrow(/须为对象|must be an object/);
  });
});
