import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const AuditTracePage = lazy(() => import('./AuditTracePage'));
const AuditRecordPage = lazy(() => import('./AuditRecordPage'));
const SignedHeadsPage = lazy(() => import('./SignedHeadsPage'));
const WitnessPage = lazy(() => import('./WitnessPage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'audit', element: <AuditTracePage /> },
  { path: 'audit/records/:seq', element: <AuditRecordPage /> },
  { path: 'audit/heads', element: <SignedHeadsPage /> },
  { path: 'audit/witness', element: <WitnessPage /> },
];
