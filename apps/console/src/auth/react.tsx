import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { Session, SessionStore } from './session';

const SessionContext = createContext<SessionStore | undefined>(undefined);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  return <SessionContext.Provider value={store}>{children}</SessionContext.Provider>;
}

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSessionStore outside SessionProvider');
  return store;
}

/** The signed-in user's session, or undefined; re-renders on sign-in and sign-out. */
export function useSession(): Session | undefined {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.current);
}

/** The session of a page that is only reached signed in (the shell sends others to the sign-in page). */
export function useSignedIn(): Session {
  const session = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}
