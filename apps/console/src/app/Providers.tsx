import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { type ApiClient, ApiProvider } from '../api/client';
import { isUnauthenticated, isWorthRetrying } from '../api/problem';
import { SessionProvider, type SessionStore } from '../auth';
import { i18n, useLanguage } from '../i18n';
import { theme } from './theme';

/**
 * The console's one query cache, made before the first render (main.tsx) so that a route can start
 * a page's call before the page renders. A refused token (401) ends the session, whichever call met
 * it; the sign-in page then says why.
 */
export function queryClientFor(sessions: SessionStore) {
  const onError = (error: unknown) => {
    if (isUnauthenticated(error)) sessions.signOut('expired');
  };
  const client = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, error) => count < 2 && isWorthRetrying(error),
        staleTime: 30_000,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  // what one user was shown is not kept for the next one
  sessions.subscribe(() => client.clear());
  return client;
}

function Localized({ children }: { children: ReactNode }) {
  const language = useLanguage();
  return (
    // no space inserted between two Chinese characters of a button (登 录): it would change its accessible name
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      {children}
    </ConfigProvider>
  );
}

export function Providers({
  sessions,
  queries,
  api,
  children,
}: {
  sessions: SessionStore;
  queries: QueryClient;
  api: ApiClient;
  children: ReactNode;
}) {
  return (
    <I18nextProvider i18n={i18n}>
      <Localized>
        <QueryClientProvider client={queries}>
          <SessionProvider store={sessions}>
            <ApiProvider client={api}>{children}</ApiProvider>
          </SessionProvider>
        </QueryClientProvider>
      </Localized>
    </I18nextProvider>
  );
}
