import { useQuery } from '@tanstack/react-query';
import { unwrap, useApi } from '../api/client';

/**
 * The regional trust list (public, the same at every province's origin): the keys every check here
 * is made with. Fetched once a session: keys change only by rotation, announced long before.
 */
export function useTrustList() {
  const api = useApi();
  return useQuery({
    queryKey: ['audit', 'trust-list'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/audit/v1/trust-list', { signal })),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
