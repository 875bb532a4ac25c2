import { describe, expect, it } from 'vitest';
import { checkSource, isLoopbackHost, type SourceInput } from './sources.js';

const dev = { production: false };
const prod = { production: true };
const http = (o: Partial<SourceInput> = {}): SourceInput => ({ kind: 'http', url: 'https://dsj.zj.example/api', ...o });

describe('a data source configuration', () => {
  it('fills the defaults: POST, 3 s, 100 records, no credential', () => {
    expect(checkSource(http(), dev)).toEqual({
      kind: 'http',
      url: 'https://dsj.zj.example/api',
      method: 'POST',
      timeoutMs: 3000,
      maxRecords: 100,
    });
  });

  it('keeps the header name in lower case and the secret as a reference', () => {
    expect(
      checkSource(http({ headerName: 'X-Api-Key', secretRef: 'env:ZJ_DSJ_TOKEN', method: 'GET' }), dev),
    ).toMatchObject({ headerName: 'x-api-key', secretRef: 'env:ZJ_DSJ_TOKEN', method: 'GET' });
  });

  it('embedded needs nothing else and keeps nothing else', () => {
    expect(checkSource({ kind: 'embedded', url: 'ftp://ignored' }, prod)).toEqual({ kind: 'embedded' });
  });

  it.each<[string, SourceInput, { production: boolean }, string]>([
    ['no url', { kind: 'http' }, dev, 'EXCHANGE.SOURCE_URL_REQUIRED'],
    ['not a url', http({ url: 'dsj.zj.example' }), dev, 'EXCHANGE.SOURCE_BAD_URL'],
    ['ftp', http({ url: 'ftp://dsj.zj.example/x' }), dev, 'EXCHANGE.SOURCE_BAD_URL'],
    ['file', http({ url: 'file:///etc/passwd' }), dev, 'EXCHANGE.SOURCE_BAD_URL'],
    ['credentials in the url', http({ url: 'https://u:p@dsj.zj.example/' }), dev, 'EXCHANGE.SOURCE_BAD_URL'],
    ['plain http in production', http({ url: 'http://dsj.zj.example/api' }), prod, 'EXCHANGE.SOURCE_INSECURE_URL'],
    ['plain http to a private address', http({ url: 'http://10.1.2.3/api' }), prod, 'EXCHANGE.SOURCE_INSECURE_URL'],
    ['a secret given as a value', http({ secretRef: 'abc123' }), dev, 'EXCHANGE.SOURCE_BAD_SECRET_REF'],
    ['a secret of another scheme', http({ secretRef: 'vault:zj/token' }), dev, 'EXCHANGE.SOURCE_BAD_SECRET_REF'],
    [
      'a header the connector sets',
      http({ headerName: 'X-Request-Id', secretRef: 'env:T' }),
      dev,
      'EXCHANGE.SOURCE_BAD_HEADER',
    ],
    [
      'a header that is no token',
      http({ headerName: 'bad header', secretRef: 'env:T' }),
      dev,
      'EXCHANGE.SOURCE_BAD_HEADER',
    ],
    ['a header without a secret', http({ headerName: 'x-api-key' }), dev, 'EXCHANGE.SOURCE_SECRET_REQUIRED'],
  ])('refuses %s with 400 %s', (_why, input, env, code) => {
    expect(() => checkSource(input, env)).toThrow(expect.objectContaining({ kind: 'invalid', code }));
  });

  it.each([
    ['http://localhost:8080/api', true],
    ['http://127.0.0.1:8080/api', true],
    ['http://[::1]:8080/api', true],
    ['https://dsj.zj.example/api', true],
    ['http://dsj.zj.example/api', false],
  ])('in production, %s is allowed: %s', (url, ok) => {
    const run = () => checkSource(http({ url }), prod);
    if (ok) expect(run()).toMatchObject({ kind: 'http' });
    else expect(run).toThrow(expect.objectContaining({ code: 'EXCHANGE.SOURCE_INSECURE_URL' }));
  });

  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['localhost.example', false],
    ['128.0.0.1', false],
  ])('%s is loopback: %s', (host, yes) => {
    expect(isLoopbackHost(host)).toBe(yes);
  });
});
