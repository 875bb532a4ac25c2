import { describe, expect, it } from 'vitest';
import {
  assertDevModeAllowed,
  ConfigError,
  envBool,
  envPort,
  envPublicBaseUrl,
  envSecrets,
  parseConfig,
  publicBaseUrl,
  z,
} from './index.js';

const schema = z.object({ PORT: envPort(7310), DEV: envBool(false), URL: z.string().url().optional() });

describe('configuration, parsed once', () => {
  it('applies defaults and coerces', () => {
    expect(parseConfig(schema, {})).toEqual({ PORT: 7310, DEV: false });
    expect(parseConfig(schema, { PORT: '8080', DEV: 'yes' })).toEqual({ PORT: 8080, DEV: true });
  });

  it('names the variable that is wrong', () => {
    expect(() => parseConfig(schema, { PORT: '70000', URL: 'not a url' })).toThrow(ConfigError);
    expect(() => parseConfig(schema, { PORT: '70000' })).toThrow(/PORT/);
    expect(() => parseConfig(schema, { URL: 'nope' })).toThrow(/URL/);
  });

  it('refuses dev mode in production, so it cannot be switched on by accident', () => {
    expect(() => assertDevModeAllowed(true, 'production')).toThrow(/YRD_DEV_MODE/);
    expect(() => assertDevModeAllowed(false, 'production')).not.toThrow();
    expect(() => assertDevModeAllowed(true, undefined)).not.toThrow();
  });

  it('resolves env: secret references from the environment it was handed, and nothing else', () => {
    const secrets = envSecrets({ ZJ_DSJ_TOKEN: 's3cret', EMPTY: '' });
    expect(secrets('env:ZJ_DSJ_TOKEN')).toBe('s3cret');
    expect(secrets('env:MISSING')).toBeUndefined();
    expect(secrets('env:EMPTY')).toBeUndefined();
    expect(secrets('ZJ_DSJ_TOKEN')).toBeUndefined();
    expect(secrets('vault:zj/token')).toBeUndefined();
    expect(secrets('env:lower_case')).toBeUndefined();
  });

  it('takes a public base URL as an origin with an optional path, without a trailing slash', () => {
    expect(publicBaseUrl('http://127.0.0.1:7310')).toBe('http://127.0.0.1:7310');
    expect(publicBaseUrl('https://SH.yrd.example/')).toBe('https://sh.yrd.example');
    expect(publicBaseUrl('https://gw.yrd.example/sh/')).toBe('https://gw.yrd.example/sh');
    expect(publicBaseUrl('https://gw.yrd.example:443/sh//')).toBe('https://gw.yrd.example/sh');
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://files.yrd.example', /http\(s\)/],
    ['javascript:alert(1)', /http\(s\)/],
    ['https://user:pw@sh.yrd.example', /credentials/],
    ['https://sh.yrd.example/?a=1', /query/],
    ['https://sh.yrd.example/#top', /fragment/],
    ['https://sh.yrd.example/?', /query/],
  ])('refuses %s as a public base URL', (value, message) => {
    expect(() => publicBaseUrl(value)).toThrow(ConfigError);
    expect(() => publicBaseUrl(value)).toThrow(message);
  });

  it('reads an optional public base URL from the environment and names the variable when it is wrong', () => {
    const env = z.object({ YRD_PUBLIC_BASE_URL: envPublicBaseUrl() });
    expect(parseConfig(env, {})).toEqual({ YRD_PUBLIC_BASE_URL: undefined });
    expect(parseConfig(env, { YRD_PUBLIC_BASE_URL: '' })).toEqual({ YRD_PUBLIC_BASE_URL: undefined });
    expect(parseConfig(env, { YRD_PUBLIC_BASE_URL: 'https://zj.yrd.example/' })).toEqual({
      YRD_PUBLIC_BASE_URL: 'https://zj.yrd.example',
    });
    expect(() => parseConfig(env, { YRD_PUBLIC_BASE_URL: 'zj.yrd.example' })).toThrow(/YRD_PUBLIC_BASE_URL/);
  });
});
