import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const DataUsePage = lazy(() => withStrings(['dataUse'], () => import('./DataUsePage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [{ path: 'my/data-use', element: <DataUsePage /> }];
