import { generateProvinceKey, loadProvinceKey, TokenVerifier, type TrustList } from '@yrd/auth';
import { silentLogger } from '@yrd/logger';
import { provinces } from '@yrd/region';
import { metricsRegistry } from '@yrd/telemetry';
import { describe, expect, it } from 'vitest';
import { edgeOptionsSchema, parseEdgeOptions } from './options.js';

const jwks = generateProvinceKey('sh');
const trust = Object.fromEntries(
  provinces.map((p) => [p, p === 'sh' ? jwks.publicJwk : generateProvinceKey(p).publicJwk]),
) as TrustList;

/** Valid options; each case overrides what it cares about. */
const anEdge = (over: Record<string, unknown> = {}) => ({
  province: 'sh',
  logger: silentLogger(),
  verifier: new TokenVerifier(trust),
  key: loadProvinceKey('sh', jwks.privateJwk),
  upstreams: {
    catalog: 'http://127.0.0.1:7311',
    consent: 'http://127.0.0.1:7312',
    exchange: 'http://127.0.0.1:7313',
    audit: 'http://127.0.0.1:7314',
    certificate: 'http://127.0.0.1:7319',
  },
  ...over,
});
const seedUser = {
  id: 'sh-req',
  name: '测试',
  agency: 'A',
  province: 'sh',
  roles: ['requester'],
  kind: 'government',
};

describe('the edge’s options', () => {
  it.each([
    ['the least', anEdge()],
    [
      'every option',
      anEdge({
        devUsers: [seedUser, { ...seedUser, id: 'zj-x', province: 'zj', subjectRef: 'a'.repeat(64) }],
        tokenTtlSeconds: 60,
        host: '0.0.0.0',
        port: 7310,
        adminPort: 0,
        metrics: metricsRegistry(),
        consoleDir: '/srv/yrd/console',
      }),
    ],
  ])('accepts %s', (_what, options) => {
    expect(() => parseEdgeOptions(options)).not.toThrow();
  });

  it('needs the province key only to sign dev tokens', () => {
    const { key: _key, ...keyless } = anEdge();
    expect(parseEdgeOptions(keyless).key).toBeUndefined();
    expect(() => parseEdgeOptions({ ...keyless, devUsers: [seedUser] })).toThrow(/key: .*dev mode/);
  });

  it('hands the logger, verifier, key and registry on as they were given', () => {
    const given = { ...anEdge(), metrics: metricsRegistry() };
    const parsed = parseEdgeOptions(given);
    expect([parsed.logger, parsed.verifier, parsed.key, parsed.metrics]).toEqual([
      given.logger,
      given.verifier,
      given.key,
      given.metrics,
    ]);
    expect(parsed.logger).toBe(given.logger);
    expect(parsed.key).toBe(given.key);
  });

  it.each([
    ['province', anEdge({ province: 'bj' })],
    ['logger', anEdge({ logger: console.log })],
    ['verifier', anEdge({ verifier: {} })],
    ['key', anEdge({ key: jwks.privateJwk })],
    // a dev token of 上海 signed with 浙江's key
    ['key', anEdge({ key: loadProvinceKey('zj', generateProvinceKey('zj').privateJwk) })],
    ['upstreams.audit', anEdge({ upstreams: { ...anEdge().upstreams, audit: undefined } })],
    ['upstreams.catalog', anEdge({ upstreams: { ...anEdge().upstreams, catalog: '127.0.0.1:7311' } })],
    ['upstreams.consent', anEdge({ upstreams: { ...anEdge().upstreams, consent: 'file:///etc/passwd' } })],
    ['devUsers.0.roles.0', anEdge({ devUsers: [{ ...seedUser, roles: ['root'] }] })],
    ['devUsers.0.subjectRef', anEdge({ devUsers: [{ ...seedUser, subjectRef: '110101199003070011' }] })],
    ['tokenTtlSeconds', anEdge({ tokenTtlSeconds: 0 })],
    ['port', anEdge({ port: 70000 })],
    ['adminPort', anEdge({ adminPort: -1 })],
    ['metrics', anEdge({ metrics: {} })],
    ['consoleDir', anEdge({ consoleDir: '' })],
  ])('refuses a wrong %s, naming it', (field, options) => {
    expect(edgeOptionsSchema.safeParse(options).success).toBe(false);
    expect(() => parseEdgeOptions(options)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringContaining(`边缘网关选项无效 invalid edge options:\n  ${field}: `),
      }),
    );
  });
});
