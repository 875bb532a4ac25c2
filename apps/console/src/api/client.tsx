/**
 * The one API client of the console (@yrd/api-client, generated from the origin's OpenAPI document),
 * handed to pages through context. The console is served by the province's edge, so the API is on
 * the page's own origin; the token comes from the auth module at the moment each call is sent.
 */
import { type ApiClient, createApiClient } from '@yrd/api-client';
import { createContext, type ReactNode, useContext } from 'react';

export { type ApiClient, unwrap } from '@yrd/api-client';

export function consoleApiClient(token: () => string | undefined): ApiClient {
  return createApiClient({ baseUrl: globalThis.location?.origin ?? '', token });
}

const ApiContext = createContext<ApiClient | undefined>(undefined);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}
