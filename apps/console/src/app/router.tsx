import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { routes as adminRoutes } from '../admin/routes';
import { routes as auditorRoutes } from '../auditor/routes';
import { loadLoginPage, RequireSession } from '../auth';
import { routes as dataUseRoutes } from '../dataUse/routes';
import { routes as exchangeRoutes } from '../exchange/routes';
import { withStrings } from '../i18n';
import { routes as overviewRoutes } from '../overview/routes';
import { routes as publisherRoutes } from '../publisher/routes';
import { routes as requesterRoutes } from '../requester/routes';
import { AppShell } from '../shell/AppShell';

// Each screen is its own chunk: a page loads the code of that page and the shell, no more.
const LoginPage = lazy(loadLoginPage);
const CatalogSearchPage = lazy(() => import('../pages/CatalogSearchPage'));
// an entry offers a requester 申请共享 (requester/ApplyLink.tsx)
const ResourcePage = lazy(() => withStrings(['requester'], () => import('../pages/ResourcePage')));
const WorklistPage = lazy(() => withStrings(['review'], () => import('../pages/WorklistPage')));
const ConsentsPage = lazy(() => import('../pages/ConsentsPage'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage'));

export const router = createBrowserRouter([
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
      { path: 'catalog', element: <CatalogSearchPage /> },
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
