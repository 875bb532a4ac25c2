import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const OverviewPage = lazy(() => import('./OverviewPage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [{ path: 'overview', element: <OverviewPage /> }];
