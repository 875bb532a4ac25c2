import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const UseGrantPage = lazy(() => withStrings(['exchange'], () => import('./UseGrantPage')));
const SubscriptionsPage = lazy(() => withStrings(['exchange'], () => import('./SubscriptionsPage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'my/grants/:grantId/use', element: <UseGrantPage /> },
  { path: 'my/subscriptions', element: <SubscriptionsPage /> },
];
