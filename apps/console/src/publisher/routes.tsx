import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const MyEntriesPage = lazy(() => import('./MyEntriesPage'));
const EntryFormPage = lazy(() => import('./EntryFormPage'));
const EntryHistoryPage = lazy(() => import('./EntryHistoryPage'));
const ImportPage = lazy(() => import('./ImportPage'));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'my/entries', element: <MyEntriesPage /> },
  { path: 'my/entries/new', element: <EntryFormPage /> },
  { path: 'my/entries/import', element: <ImportPage /> },
  { path: 'my/entries/:id/edit', element: <EntryFormPage /> },
  { path: 'my/entries/:id/history', element: <EntryHistoryPage /> },
];
