/**
 * The exchange's answers as the OpenAPI document describes them (response schemas only: they
 * document what the handlers return, see documentingSerializerCompiler in @yrd/http).
 */
import { z } from 'zod';

const masking = z
  .record(z.string(), z.string())
  .describe('how each item was masked before it left the provider, by item name');

export const queryResultSchema = z.object({
  requestId: z.string().describe('the id to trace the exchange by in both provinces’ audit trails'),
  resourceId: z.string(),
  provider: z.string().describe('the provider province'),
  items: z.array(z.string()).describe('the items returned: the granted ones only'),
  masking,
  records: z.array(z.record(z.string(), z.string())).describe('masked values by item name'),
});

export const verificationResultSchema = z.object({
  requestId: z.string(),
  results: z.record(z.string(), z.boolean()).describe('whether each claim matches the provider’s record'),
});

export const dataSourceSchema = z
  .object({
    resourceId: z.string(),
    kind: z.enum(['embedded', 'http']),
    url: z.string().optional(),
    method: z.enum(['POST', 'GET']).optional(),
    timeoutMs: z.number().int().optional(),
    headerName: z.string().optional(),
    secretRef: z.string().optional().describe('env:NAME — the secret itself is never stored nor shown'),
    maxRecords: z.number().int().optional(),
    providerCode: z.string(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'DataSource' });

export const subscriptionSchema = z
  .object({
    id: z.string(),
    resourceId: z.string(),
    provider: z.string(),
    status: z.enum(['pending', 'active', 'ended']),
    purpose: z.string(),
    grantId: z.string(),
    items: z.array(z.string()).describe('the granted items the feed carries'),
    masking,
    createdAt: z.string(),
    ended: z.object({ code: z.string(), reason: z.string(), at: z.string() }).optional(),
  })
  .meta({ id: 'Subscription' });

export const subscriptionEventsSchema = z.object({
  subscriptionId: z.string(),
  status: z.enum(['pending', 'active', 'ended']),
  events: z.array(
    z.object({
      cursor: z.string(),
      id: z.string(),
      fields: z.record(z.string(), z.string()),
      publishedAt: z.string(),
      receivedAt: z.string(),
    }),
  ),
  next: z.string().describe('the cursor to pass as `after` for the next page'),
});

export const publishedEventsSchema = z.object({
  requestId: z.string(),
  resourceId: z.string(),
  accepted: z.number().int(),
  duplicates: z.number().int().describe('events already in the feed (a retry)'),
});
