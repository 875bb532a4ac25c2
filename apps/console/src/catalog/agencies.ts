import { useQuery } from '@tanstack/react-query';
import { unwrap, useApi } from '../api/client';

/**
 * The names of the region's agencies by credit code, from the regional catalogue's agency facet: the
 * look-up every screen makes that shows an agency a record names only by its code.
 */
export function useAgencyDirectory(): ReadonlyMap<string, string> {
  const api = useApi();
  const agencies = useQuery({
    queryKey: ['catalog-agencies', 'all'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources', { params: { query: { pageSize: 1 } }, signal })),
    select: (answer) => new Map((answer.facets.agency ?? []).map((a) => [a.value, a.label || a.value])),
    staleTime: 5 * 60_000,
  });
  return agencies.data ?? empty;
}

const empty: ReadonlyMap<string, string> = new Map();

/** An agency's name for its credit code; a code the catalogue does not name is shown as it is. */
export function useAgencyNames(): (creditCode: string) => string {
  const directory = useAgencyDirectory();
  return (code) => directory.get(code) ?? code;
}
