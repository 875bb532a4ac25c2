import { lazy } from 'react';
import type { RouteObject } from 'react-router';

// Each screen is its own chunk (app/router.tsx)
const ReviewQueuePage = lazy(() => import('./ReviewQueuePage'));
const DutiesPage = lazy(() => import('./DutiesPage'));
const CompliancePage = lazy(() => import('./CompliancePage'));
const RulesPage = lazy(() => import('./RulesPage'));

/** The screens of this area, under the shell (app/router.tsx): the province administrator's. */
export const routes: RouteObject[] = [
  { path: 'review', element: <ReviewQueuePage /> },
  { path: 'admin/duties', element: <DutiesPage /> },
  { path: 'admin/compliance', element: <CompliancePage /> },
  { path: 'admin/rules', element: <RulesPage /> },
];
