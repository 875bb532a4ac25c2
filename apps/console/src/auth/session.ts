/**
 * The token source of the console: who is signed in, and the bearer token every API call carries.
 * Everything else asks this module (`token()`, `useSession()`), so a real identity provider (OIDC)
 * replaces how a token is obtained (dev-login.ts and LoginPage.tsx) and nothing outside src/auth.
 */
import { type Claims, decodeClaims, isExpired } from './claims';
import type { TokenStore } from './token-store';

export interface Session {
  token: string;
  claims: Claims;
}

/** Why the last session ended: the user signed out, or the token ran out / was refused. */
export type SessionEnd = 'signedOut' | 'expired';

export interface SessionStore {
  current(): Session | undefined;
  /** The bearer token for the next call, or undefined (then the call goes without and is refused). */
  token(): string | undefined;
  /** Starts a session with a token from the identity provider; false when the token cannot be read. */
  signIn(token: string): boolean;
  signOut(why?: SessionEnd): void;
  /** How the previous session ended, for the sign-in page to say. */
  lastEnd(): SessionEnd | undefined;
  subscribe(listener: () => void): () => void;
}

export function createSessionStore(tokens: TokenStore, now: () => Date = () => new Date()): SessionStore {
  const load = (token: string | undefined): Session | undefined => {
    const claims = token === undefined ? undefined : decodeClaims(token);
    return token !== undefined && claims && !isExpired(claims, now()) ? { token, claims } : undefined;
  };
  let session = load(tokens.read());
  if (!session) tokens.clear();
  let ended: SessionEnd | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  const current = () => {
    if (session && isExpired(session.claims, now())) {
      session = undefined;
      ended = 'expired';
      tokens.clear();
    }
    return session;
  };
  return {
    current,
    token: () => current()?.token,
    signIn(token) {
      const next = load(token);
      if (!next) return false;
      session = next;
      ended = undefined;
      tokens.write(token);
      changed();
      return true;
    },
    signOut(why = 'signedOut') {
      if (!session) return;
      session = undefined;
      ended = why;
      tokens.clear();
      changed();
    },
    lastEnd: () => ended,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
