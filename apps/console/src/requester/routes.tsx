import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const ApplyPage = lazy(() => import('./ApplyPage'));
const MyApplicationsPage = lazy(() => import('./MyApplicationsPage'));
const MyGrantsPage = lazy(() => import('./MyGrantsPage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'catalog/:id/apply', element: <ApplyPage /> },
  { path: 'my/applications', element: <MyApplicationsPage /> },
  { path: 'my/grants', element: <MyGrantsPage /> },
];
