import { useQuery } from '@tanstack/react-query';
import {
  type Cosignature,
  checkHeadSignature,
  checkRecordProof,
  type SignedHead,
  type TracedRecord,
  type TrustList,
} from './verify';

/**
 * The browser's own check of a record's proof (verify/): keyed by everything it reads, so that a
 * changed answer (a tampered record, new co-signatures) is checked again, never taken from before.
 */
export function useProofCheck(input: {
  record: TracedRecord | undefined;
  head: SignedHead | undefined;
  cosignatures?: readonly Cosignature[] | undefined;
  trust: TrustList | undefined;
}) {
  const { record, head, cosignatures, trust } = input;
  return useQuery({
    queryKey: ['audit', 'proof-check', record, head, cosignatures ?? null, trust],
    queryFn: () => {
      if (!record || !head || !trust) throw new Error('nothing to check');
      return checkRecordProof({ record, head, cosignatures, trust });
    },
    enabled: record !== undefined && head !== undefined && trust !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The browser's check of a head's own signature alone (签名树头). */
export function useHeadCheck(head: SignedHead | undefined, trust: TrustList | undefined) {
  return useQuery({
    queryKey: ['audit', 'head-check', head, trust],
    queryFn: () => {
      if (!head || !trust) throw new Error('nothing to check');
      return checkHeadSignature(head, trust);
    },
    enabled: head !== undefined && trust !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
