import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const UseGrantPage = lazy(() => import('./UseGrantPage'));
const SubscriptionsPage = lazy(() => import('./SubscriptionsPage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'my/grants/:grantId/use', element: <UseGrantPage /> },
  { path: 'my/subscriptions', element: <SubscriptionsPage /> },
];
