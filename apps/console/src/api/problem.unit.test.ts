import { describe, expect, it } from 'vitest';
import { isUnauthenticated, isWorthRetrying, toShownProblem } from './problem';

const forbidden = {
  type: 'about:blank',
  title: 'Forbidden',
  status: 403,
  code: 'CONSENT.NO_GRANT',
  detail: '没有有效授权 no grant',
  requestId: 'req-1',
};

describe('toShownProblem', () => {
  it('shows a problem with its code, status and request id', () => {
    expect(toShownProblem(forbidden)).toEqual({
      kind: 'problem',
      code: 'CONSENT.NO_GRANT',
      status: 403,
      detail: '没有有效授权 no grant',
      requestId: 'req-1',
      issues: [],
    });
  });

  it('lists the fields of a request that does not fit its schema', () => {
    const p = toShownProblem({
      ...forbidden,
      status: 400,
      code: 'REQUEST.INVALID',
      details: { issues: [{ path: ['items', 0, 'name'], message: 'item name: lower-case identifier' }] },
    });
    expect(p.kind === 'problem' && p.issues).toEqual([
      { path: 'items.0.name', message: 'item name: lower-case identifier' },
    ]);
  });

  it('tells an unreachable service from an answer', () => {
    expect(toShownProblem(new TypeError('Failed to fetch'))).toEqual({ kind: 'network' });
    expect(toShownProblem(new Error('boom'))).toEqual({ kind: 'unexpected', message: 'boom' });
  });
});

describe('retries and sign-out', () => {
  it('retries only what may pass next time', () => {
    expect(isWorthRetrying(new TypeError('Failed to fetch'))).toBe(true);
    expect(isWorthRetrying({ ...forbidden, status: 503, code: 'HTTP.UPSTREAM_UNAVAILABLE' })).toBe(true);
    expect(isWorthRetrying(forbidden)).toBe(false);
  });

  it('knows a refused token', () => {
    expect(isUnauthenticated({ ...forbidden, status: 401, code: 'AUTH.INVALID_TOKEN' })).toBe(true);
    expect(isUnauthenticated(forbidden)).toBe(false);
  });
});
