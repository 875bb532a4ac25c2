import { Spin } from 'antd';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { consoleApiClient } from './api/client';
import { Providers } from './app/Providers';
import { router } from './app/router';
import { createSessionStore, sessionTokenStore } from './auth';
import './i18n';
import './app/global.css';

const sessions = createSessionStore(sessionTokenStore());
const api = consoleApiClient(sessions.token);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element in index.html');
createRoot(root).render(
  <StrictMode>
    <Providers sessions={sessions} api={api}>
      <Suspense fallback={<Spin fullscreen />}>
        <RouterProvider router={router} />
      </Suspense>
    </Providers>
  </StrictMode>,
);
