/**
 * The token source of the console. The rest of the app uses only what is exported here: the session
 * (who is signed in, the token for calls), sign-out, the guard of signed-in pages and the sign-in page.
 * A real identity provider (OIDC: redirect, code exchange, refresh) replaces dev-login.ts and
 * LoginPage.tsx behind these same exports.
 */
export type { Claims } from './claims';
export { RequireSession } from './RequireSession';
export { SessionProvider, useSession, useSessionStore, useSignedIn } from './react';
export { createSessionStore, type Session, type SessionEnd, type SessionStore } from './session';
export { sessionTokenStore } from './token-store';

/** The sign-in page, loaded on its own: a signed-in user never downloads it. */
export const loadLoginPage = () => import('./LoginPage');
