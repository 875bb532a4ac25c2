/**
 * A use of a certificate as it travels to the province that issued it (用证记录, issue 16), and the
 * codes of its refusals. Names people by the ids a token carries, never personal data.
 */
import { z } from 'zod';

export const useForwardCodes = {
  invalid: 'CERT.USE_FORWARD_INVALID',
  notIssuedHere: 'CERT.USE_NOT_ISSUED_HERE',
  holderMismatch: 'CERT.USE_HOLDER_MISMATCH',
  idTaken: 'CERT.USE_ID_TAKEN',
  issuerUnavailable: 'CERT.ISSUER_UNAVAILABLE',
} as const;

/** A use as it travels to the issuing province (JSON on its certificate lane, op `use`). */
export const useForwardSchema = z
  .object({
    id: z.uuid(),
    certificateId: z.string().min(1).max(256),
    holder: z.object({ keyId: z.string().min(1).max(128), ref: z.string().min(1).max(256) }).strict(),
    kind: z.enum(['fetch', 'verification']),
    who: z
      .object({ sub: z.string().min(1).max(256), agency: z.string().max(64), kind: z.string().min(1).max(32) })
      .strict(),
    serviceCode: z.string().max(64).nullable(),
    purpose: z.string().max(500).nullable(),
    outcome: z.string().min(1).max(32),
    at: z.iso.datetime({ offset: true }),
  })
  .strict();

export type UseForward = z.output<typeof useForwardSchema>;
