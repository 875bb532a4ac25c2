import { describe, expect, it } from 'vitest';
import { assertDevModeAllowed, ConfigError, envBool, envPort, envSecrets, parseConfig, z } from './index.js';

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
});
