import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const AuditTracePage = lazy(() => withStrings(['auditor'], () => import('./AuditTracePage')));
const AuditRecordPage = lazy(() => withStrings(['auditor'], () => import('./AuditRecordPage')));
const SignedHeadsPage = lazy(() => withStrings(['auditor'], () => import('./SignedHeadsPage')));
const WitnessPage = lazy(() => withStrings(['auditor'], () => import('./WitnessPage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'audit', element: <AuditTracePage /> },
  { path: 'audit/records/:seq', element: <AuditRecordPage /> },
  { path: 'audit/heads', element: <SignedHeadsPage /> },
  { path: 'audit/witness', element: <WitnessPage /> },
];
