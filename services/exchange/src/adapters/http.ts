import { type HttpApp, problemResponse, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { RequesterApp } from '../app/exchange.js';
import { queryResultSchema, verificationResultSchema } from './http-schemas.js';

const keyValues = z
  .record(z.string().min(1).max(100), z.string().max(500))
  .refine((o) => Object.keys(o).length > 0 && Object.keys(o).length <= 20, { message: 'between 1 and 20 entries' });

const common = {
  resourceId: z.string().min(1).max(200),
  purpose: z.string().min(1).max(500),
  key: keyValues,
  grantId: z.string().max(100).optional(),
  consentId: z.string().max(100).optional(),
};

export function exchangeRoutes(app: HttpApp, requester: RequesterApp) {
  app.post(
    '/api/exchange/v1/queries',
    {
      schema: {
        operationId: 'runQuery',
        response: {
          409: problemResponse(
            '请求编号已用于另一请求或正在处理 the request id was used for another request, or is being served',
          ),
          429: problemResponse('超出授权的调用频次 over the grant’s rate: see Retry-After'),
          200: queryResultSchema,
        },
        summary: '查询 query a resource of any member province (masked, granted items only)',
        body: z.object({ ...common, items: z.array(z.string().min(1).max(100)).max(200).optional() }),
      },
    },
    async (req) => {
      const principal = requireRoles(req, 'requester');
      const { provider, reply } = await requester.exchange(principal, 'query', req.body, req.id);
      return {
        requestId: req.id,
        resourceId: req.body.resourceId,
        provider,
        items: reply.items,
        masking: reply.masking,
        records: reply.records.map((r) => r.fields),
      };
    },
  );

  app.post(
    '/api/exchange/v1/verifications',
    {
      schema: {
        operationId: 'runVerification',
        response: {
          409: problemResponse(
            '请求编号已用于另一请求或正在处理 the request id was used for another request, or is being served',
          ),
          429: problemResponse('超出授权的调用频次 over the grant’s rate: see Retry-After'),
          200: verificationResultSchema,
        },
        summary: '核验 verify claims against a provider’s records (no data returned)',
        body: z.object({ ...common, claims: keyValues }),
      },
    },
    async (req) => {
      const principal = requireRoles(req, 'requester');
      const { reply } = await requester.exchange(principal, 'verify', req.body, req.id);
      return { requestId: req.id, results: reply.results };
    },
  );
}
