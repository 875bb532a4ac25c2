/**
 * What the admin forms pick from: the province's agencies (the regional catalogue's agency facet for
 * the province, with their names) and the class-code table. Both are read, never decided, here.
 */
import { useQuery } from '@tanstack/react-query';
import { unwrap, useApi } from '../api/client';
import { useSignedIn } from '../auth';
import type { ResourceClass } from './types';

export interface Agency {
  creditCode: string;
  name: string;
}

/** The agencies of the signed-in admin's province, by credit code. */
export function useProvinceAgencies() {
  const api = useApi();
  const { claims } = useSignedIn();
  return useQuery({
    queryKey: ['catalog-agencies', claims.province],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/resources', { params: { query: { province: claims.province, pageSize: 1 } }, signal }),
      ),
    select: (answer): Map<string, Agency> =>
      new Map(
        (answer.facets.agency ?? []).map((a) => [a.value, { creditCode: a.value, name: a.label || a.value }] as const),
      ),
    staleTime: 5 * 60_000,
  });
}

/** The class-code table (类 / 项 / 目 / 细目), by code. */
export function useClassTable() {
  const api = useApi();
  return useQuery({
    queryKey: ['catalog-classes'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/classes', { signal })),
    select: (answer): Map<string, ResourceClass> => new Map(answer.classes.map((c) => [c.code, c])),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
