import type { QueryClient } from '@tanstack/react-query';
import { lazy } from 'react';
import { createBrowserRouter, type LoaderFunctionArgs, Navigate } from 'react-router';
import { routes as adminRoutes } from '../admin/routes';
import type { ApiClient } from '../api/client';
import { routes as auditorRoutes } from '../auditor/routes';
import { loadLoginPage, RequireSession, type SessionStore } from '../auth';
import { readSearch } from '../catalog/search-params';
import { catalogSearchQuery } from '../catalog/search-query';
import { routes as dataUseRoutes } from '../dataUse/routes';
import { routes as exchangeRoutes } from '../exchange/routes';
import { withStrings } from '../i18n';
import { routes as overviewRoutes } from '../overview/routes';
import CatalogSearchPage from '../pages/CatalogSearchPage';
import { routes as publisherRoutes } from '../publisher/routes';
import { routes as requesterRoutes } from '../requester/routes';
import { AppShell } from '../shell/AppShell';

// Each screen is its own chunk: a page loads the code of that page and the shell, no more. The
// catalogue search, where every signed-in user lands, comes with the shell: its code arrives with
// the first scripts (the whole page is 285 KB gzipped, under the 300 KB the issue allows), and the
// shell and the page render in one pass instead of the shell first and the page after its chunk.
const LoginPage = lazy(loadLoginPage);
// an entry offers a requester 申请共享 (requester/ApplyLink.tsx)
const ResourcePage = lazy(() => withStrings(['requester'], () => import('../pages/ResourcePage')));
const WorklistPage = lazy(() => withStrings(['review'], () => import('../pages/WorklistPage')));
const ConsentsPage = lazy(() => import('../pages/ConsentsPage'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage'));

/**
 * The console's routes. The catalogue search asks for its answer as soon as the route matches,
 * while the page renders, instead of after its first render: the loader starts the query (the page
 * reads the same one, catalog/search-query.ts) and waits for nothing. Signed out, it asks for
 * nothing; the page then sends the user to sign in.
 */
export function createConsoleRouter({
  sessions,
  queries,
  api,
}: {
  sessions: SessionStore;
  queries: QueryClient;
  api: ApiClient;
}) {
  const startCatalogSearch = ({ request }: LoaderFunctionArgs) => {
    if (sessions.token() !== undefined) {
      void queries.prefetchQuery(catalogSearchQuery(api, readSearch(new URL(request.url).searchParams)));
    }
    return null;
  };
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <AppShell />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/catalog" replace /> },
        { path: 'catalog', element: <CatalogSearchPage />, loader: startCatalogSearch },
        { path: 'catalog/:id', element: <ResourcePage /> },
        { path: 'worklist', element: <WorklistPage /> },
        { path: 'my/consents', element: <ConsentsPage /> },
        ...publisherRoutes,
        ...adminRoutes,
        ...requesterRoutes,
        ...exchangeRoutes,
        ...auditorRoutes,
        ...dataUseRoutes,
        ...overviewRoutes,
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
