import { z } from 'zod';

/** The body of every error answer (RFC 9457 application/problem+json), as `toProblem` writes it. */
export const problemSchema = z
  .object({
    type: z.string().describe('a URI naming the problem type'),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('stable error code, e.g. CONSENT.NO_GRANT'),
    detail: z.string().optional().describe('中文 + English'),
    requestId: z.string().optional(),
    reasons: z
      .array(z.object({ ruleId: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .describe('why a policy refused, one line per rule'),
    details: z
      .object({
        issues: z
          .array(z.object({ path: z.string(), message: z.string() }))
          .optional()
          .describe('the fields a request failed validation on'),
      })
      .catchall(z.unknown())
      .optional(),
  })
  .catchall(z.unknown());

export type Problem = z.infer<typeof problemSchema>;
