/** The province's own entries in every state over HTTP: a publisher's worklist, the admin's review queue. */
import { type HttpApp, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { CatalogApp } from '../app/catalog.js';
import { entryStatuses } from '../app/ports.js';
import { resourceSchema } from './http-schemas.js';

const count = z.number().int();
const countsSchema = z.object({ draft: count, submitted: count, published: count, withdrawn: count });

export const ownPageSchema = z.object({
  total: z.number().int().describe('entries in the requested state (all states without one)'),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(resourceSchema),
  counts: countsSchema.describe('entries per state under the same scope and q, whatever the status filter'),
});

export function ownRoutes(app: HttpApp, catalog: CatalogApp) {
  app.get(
    '/api/catalog/v1/own-resources',
    {
      schema: {
        operationId: 'listOwnResources',
        response: { 200: ownPageSchema },
        summary: '本单位目录 this province’s own entries in every state: a publisher’s agency, or all for the admin',
        description:
          'Most recently changed first. q matches the name, summary and data items (as search does) or the resource code.',
        querystring: z.object({
          status: z.enum(entryStatuses).optional(),
          q: z.string().max(100).optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => {
      const r = await catalog.ownPage(req.query, requireRoles(req, 'publisher', 'admin'));
      return { total: r.total, page: req.query.page, pageSize: req.query.pageSize, items: r.items, counts: r.counts };
    },
  );
}
