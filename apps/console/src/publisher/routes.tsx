import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { withStrings } from '../i18n';

const MyEntriesPage = lazy(() => withStrings(['publisher'], () => import('./MyEntriesPage')));
const EntryFormPage = lazy(() => withStrings(['publisher'], () => import('./EntryFormPage')));
const EntryHistoryPage = lazy(() => withStrings(['publisher'], () => import('./EntryHistoryPage')));
const ImportPage = lazy(() => withStrings(['publisher'], () => import('./ImportPage')));

/** The screens of this area, under the shell (app/router.tsx). */
export const routes: RouteObject[] = [
  { path: 'my/entries', element: <MyEntriesPage /> },
  { path: 'my/entries/new', element: <EntryFormPage /> },
  { path: 'my/entries/import', element: <ImportPage /> },
  { path: 'my/entries/:id/edit', element: <EntryFormPage /> },
  { path: 'my/entries/:id/history', element: <EntryHistoryPage /> },
];
