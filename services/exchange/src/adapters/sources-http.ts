import { type HttpApp, principalOf } from '@yrd/http';
import { z } from 'zod';
import type { SourceAdmin } from '../app/sources.js';
import { sourceInput } from '../domain/sources.js';
import { dataSourceSchema } from './http-schemas.js';

const params = z.object({ resourceId: z.string().min(1).max(200) });

/**
 * The province's source configuration. Routes take any signed-in user and leave the check to
 * SourceAdmin, which needs the catalogue to know who provides the resource.
 */
export function sourceRoutes(app: HttpApp, sources: SourceAdmin) {
  app.get(
    '/api/exchange/v1/sources',
    {
      schema: {
        operationId: 'listDataSources',
        response: { 200: z.object({ items: z.array(dataSourceSchema) }) },
        summary: '数据源 configured data sources (admin: all; publisher: its agency’s); unlisted = embedded',
      },
    },
    async (req) => ({ items: await sources.list(principalOf(req)) }),
  );

  app.put(
    '/api/exchange/v1/sources/:resourceId',
    {
      schema: {
        operationId: 'configureDataSource',
        response: { 200: dataSourceSchema },
        summary: '配置数据源 point a resource at the providing agency’s system (http) or the embedded data',
        params,
        body: sourceInput,
      },
    },
    async (req) => sources.put(principalOf(req), req.params.resourceId, req.body, req.id),
  );

  app.delete(
    '/api/exchange/v1/sources/:resourceId',
    {
      schema: {
        operationId: 'removeDataSource',
        response: { 200: dataSourceSchema },
        summary: '恢复内置数据 back to the embedded datasets',
        params,
      },
    },
    async (req) => sources.reset(principalOf(req), req.params.resourceId, req.id),
  );
}
