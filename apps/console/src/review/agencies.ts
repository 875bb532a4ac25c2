import { useQuery } from '@tanstack/react-query';
import { unwrap, useApi } from '../api/client';

/**
 * Agency names for the credit codes applications carry, from the regional catalogue's agency facet
 * (the same look-up 我的授权书 makes); a code the catalogue does not name is shown as it is.
 */
export function useAgencyNames(): (creditCode: string) => string {
  const api = useApi();
  const agencies = useQuery({
    queryKey: ['catalog-agencies', 'all'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources', { params: { query: { pageSize: 1 } }, signal })),
    select: (answer) => new Map((answer.facets.agency ?? []).map((a) => [a.value, a.label || a.value])),
    staleTime: 5 * 60_000,
  });
  return (code) => agencies.data?.get(code) ?? code;
}
