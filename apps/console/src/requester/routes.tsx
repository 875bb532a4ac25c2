import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const ApplyPage = lazy(() => withStrings(['requester'], () => import('./ApplyPage')));
const MyApplicationsPage = lazy(() => withStrings(['requester'], () => import('./MyApplicationsPage')));
const MyGrantsPage = lazy(() => withStrings(['requester'], () => import('./MyGrantsPage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'catalog/:id/apply', element: <ApplyPage /> },
  { path: 'my/applications', element: <MyApplicationsPage /> },
  { path: 'my/grants', element: <MyGrantsPage /> },
];
