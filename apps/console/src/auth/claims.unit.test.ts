import { describe, expect, it } from 'vitest';
import { decodeClaims, isExpired } from './claims';
import { createSessionStore } from './session';
import type { TokenStore } from './token-store';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
const tokenWith = (claims: Record<string, unknown>) => `${b64url({ alg: 'EdDSA' })}.${b64url(claims)}.c2ln`;
const claims = {
  sub: 'sh-dsj-requester',
  name: '陈思远',
  agency: '12310000MB2F12345X',
  province: 'sh',
  roles: ['requester', 'nobody'],
  exp: 2_000_000_000,
};

describe('decodeClaims', () => {
  it('reads who the user is, Chinese names included, and keeps only known roles', () => {
    expect(decodeClaims(tokenWith(claims))).toEqual({ ...claims, roles: ['requester'] });
  });

  it.each([
    ['not a JWT', 'abc'],
    ['not JSON', 'a.b.c'],
    ['no province', tokenWith({ ...claims, province: 'xx' })],
    ['no subject', tokenWith({ ...claims, sub: 1 })],
  ])('refuses a token with %s', (_why, token) => {
    expect(decodeClaims(token)).toBeUndefined();
  });

  it('tells an expired token', () => {
    const c = decodeClaims(tokenWith(claims));
    expect(c && isExpired(c, new Date(2_000_000_000_000))).toBe(true);
    expect(c && isExpired(c, new Date(1_999_999_999_000))).toBe(false);
  });
});

function memoryStore(initial?: string): TokenStore & { value: string | undefined } {
  const s = {
    value: initial,
    read: () => s.value,
    write: (t: string) => {
      s.value = t;
    },
    clear: () => {
      s.value = undefined;
    },
  };
  return s;
}

describe('createSessionStore', () => {
  it('keeps the token of a sign-in, hands it to calls, and forgets it on sign-out', () => {
    const tokens = memoryStore();
    const store = createSessionStore(tokens, () => new Date(1_900_000_000_000));
    let heard = 0;
    store.subscribe(() => heard++);
    const token = tokenWith(claims);
    expect(store.signIn(token)).toBe(true);
    expect(store.token()).toBe(token);
    expect(tokens.value).toBe(token);
    expect(store.current()?.claims.name).toBe('陈思远');
    store.signOut();
    expect(store.token()).toBeUndefined();
    expect(tokens.value).toBeUndefined();
    expect(store.lastEnd()).toBe('signedOut');
    expect(heard).toBe(2);
  });

  it('resumes a stored session, but not an expired one', () => {
    const token = tokenWith(claims);
    expect(createSessionStore(memoryStore(token), () => new Date(1_900_000_000_000)).token()).toBe(token);
    const stale = memoryStore(token);
    expect(createSessionStore(stale, () => new Date(2_100_000_000_000)).token()).toBeUndefined();
    expect(stale.value).toBeUndefined();
  });

  it('refuses a token it cannot read', () => {
    const store = createSessionStore(memoryStore());
    expect(store.signIn('garbage')).toBe(false);
    expect(store.current()).toBeUndefined();
  });
});
