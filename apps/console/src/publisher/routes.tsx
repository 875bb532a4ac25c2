import type { RouteObject } from 'react-router';

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [];
