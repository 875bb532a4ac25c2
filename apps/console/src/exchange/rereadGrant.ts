import { useQueryClient } from '@tanstack/react-query';
import { toShownProblem } from '../api/problem';

/**
 * After a call under a grant is refused by the consent rules (CONSENT.*: revoked, expired, out of
 * scope…), the grant is read again: the page then shows its state as it is now (已撤销, say) rather
 * than the 有效 it was loaded with.
 */
export function useRereadGrantOnRefusal(grantId: string): (error: Error) => void {
  const queryClient = useQueryClient();
  return (error) => {
    const problem = toShownProblem(error);
    if (problem.kind === 'problem' && problem.code.startsWith('CONSENT.')) {
      void queryClient.invalidateQueries({ queryKey: ['grant', grantId] });
    }
  };
}
