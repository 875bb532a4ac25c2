import { type HttpApp, principalOf, problemResponse, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { SynonymApp } from '../app/synonym.js';
import { noControl, synonymInput } from '../domain/synonym.js';
import { synonymLineSchema } from './http-schemas.js';

/** Line ids are seed-NN or UUIDs; anything else cannot name one. */
const idParams = z.object({ id: z.string().regex(/^[\w-]{1,100}$/, 'a synonym line id') });
const reason = noControl(2000).optional();

/** Writes leave the admin check to SynonymApp, so that a non-admin is told CATALOG.ADMIN_REQUIRED. */
export function synonymRoutes(app: HttpApp, synonyms: SynonymApp) {
  app.get(
    '/api/catalog/v1/search-synonyms',
    {
      schema: {
        operationId: 'listSearchSynonyms',
        response: { 200: z.object({ items: z.array(synonymLineSchema) }) },
        summary: '检索同义词表 the synonym and short-form table search expands queries with',
        querystring: z.object({
          includeRemoved: z.enum(['true', 'false']).default('false').describe('also the removed lines (the trail)'),
        }),
      },
    },
    async (req) => ({
      items: await synonyms.list(requireRoles(req, 'publisher', 'admin'), {
        includeRemoved: req.query.includeRemoved === 'true',
      }),
    }),
  );

  app.post(
    '/api/catalog/v1/search-synonyms',
    {
      schema: {
        operationId: 'addSearchSynonym',
        response: { 409: problemResponse('同义词表已有该行 the line is already in the table'), 201: synonymLineSchema },
        summary: '添加同义词 the province admin adds a synonym or short form',
        body: synonymInput,
      },
    },
    async (req, reply) => {
      const line = await synonyms.add(req.body, principalOf(req));
      reply.status(201);
      return line;
    },
  );

  app.delete(
    '/api/catalog/v1/search-synonyms/:id',
    {
      schema: {
        operationId: 'removeSearchSynonym',
        response: { 200: synonymLineSchema },
        summary: '移出同义词表 the province admin removes a line (a reason is required)',
        params: idParams,
        querystring: z.object({ reason }),
        // fastify hands a DELETE without a body to the validator as null
        body: z.object({ reason }).nullish(),
      },
    },
    async (req) => synonyms.remove(req.params.id, req.body?.reason ?? req.query.reason ?? '', principalOf(req)),
  );
}
