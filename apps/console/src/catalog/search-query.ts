import { queryOptions } from '@tanstack/react-query';
import { type ApiClient, unwrap } from '../api/client';
import { apiQuery, type CatalogSearch } from './search-params';

/**
 * One search of the regional catalogue as TanStack Query knows it: the page reads it, and the route
 * starts it (app/router.tsx) while the page's code is still loading, so the first screen does not
 * wait for the code and then for the answer.
 */
export function catalogSearchQuery(api: ApiClient, search: CatalogSearch) {
  const query = apiQuery(search);
  return queryOptions({
    queryKey: ['catalog-search', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/resources', { params: { query }, signal })),
  });
}
