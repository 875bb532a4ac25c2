import { Spin } from 'antd';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { consoleApiClient } from './api/client';
import { Providers, queryClientFor } from './app/Providers';
import { createConsoleRouter } from './app/router';
import { createSessionStore, sessionTokenStore } from './auth';
import 'antd/dist/antd.css';
import './i18n';
import './app/global.css';

const sessions = createSessionStore(sessionTokenStore());
const api = consoleApiClient(sessions.token);
const queries = queryClientFor(sessions);
const router = createConsoleRouter({ sessions, queries, api });

const root = document.getElementById('root');
if (!root) throw new Error('no #root element in index.html');
createRoot(root).render(
  <StrictMode>
    <Providers sessions={sessions} queries={queries} api={api}>
      <Suspense fallback={<Spin fullscreen />}>
        <RouterProvider router={router} />
      </Suspense>
    </Providers>
  </StrictMode>,
);
