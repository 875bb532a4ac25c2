import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

// Each screen is its own chunk (app/router.tsx)
const ReviewQueuePage = lazy(() => withStrings(['admin'], () => import('./ReviewQueuePage')));
const DutiesPage = lazy(() => withStrings(['admin'], () => import('./DutiesPage')));
const CompliancePage = lazy(() => withStrings(['admin'], () => import('./CompliancePage')));
const RulesPage = lazy(() => withStrings(['admin'], () => import('./RulesPage')));

/** The screens of this area, under the shell (app/router.tsx): the province administrator's. */
export const routes: RouteObject[] = [
  { path: 'review', element: <ReviewQueuePage /> },
  { path: 'admin/duties', element: <DutiesPage /> },
  { path: 'admin/compliance', element: <CompliancePage /> },
  { path: 'admin/rules', element: <RulesPage /> },
];
