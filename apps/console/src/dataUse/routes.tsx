import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const DataUsePage = lazy(() => import('./DataUsePage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [{ path: 'my/data-use', element: <DataUsePage /> }];
