import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './react';

/** Pages behind it need a signed-in user; anyone else goes to the sign-in page and comes back after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <>{children}</>;
}
