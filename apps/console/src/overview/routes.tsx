import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const OverviewPage = lazy(() => withStrings(['overview'], () => import('./OverviewPage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [{ path: 'overview', element: <OverviewPage /> }];
