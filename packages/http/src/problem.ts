import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string().describe('stable error code, e.g. CONSENT.NO_GRANT'),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    reasons: z.array(z.object({ ruleId: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .passthrough();
