import { type HttpApp, principalOf, problemResponse, requireRoles } from '@yrd/http';
import { provinces } from '@yrd/region';
import { z } from 'zod';
import type { CatalogApp } from '../app/catalog.js';
import { classTable, gradeLabel } from '../domain/classes.js';
import { grades, resourceInput, tiers } from '../domain/resource.js';
import { classTableSchema, historySchema, resourceSchema, searchPageSchema } from './http-schemas.js';

/** The filters of a regional search (and of an export). */
export const searchFilters = z.object({
  q: z.string().max(100).optional(),
  province: z.enum(provinces).optional(),
  agency: z.string().max(18).optional(),
  sharing: z.enum(tiers).optional(),
  open: z.enum(tiers).optional(),
  grade: z.enum(grades).optional(),
  domain: z.string().max(50).optional(),
});

export function catalogRoutes(app: HttpApp, catalog: CatalogApp) {
  app.get(
    '/api/catalog/v1/resources',
    {
      schema: {
        operationId: 'searchResources',
        response: { 200: searchPageSchema },
        summary: '检索区域目录 search the regional catalogue',
        querystring: searchFilters.extend({
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => {
      const r = await catalog.search(req.query);
      return { total: r.total, page: req.query.page, pageSize: req.query.pageSize, items: r.items, facets: r.facets };
    },
  );

  app.get(
    '/api/catalog/v1/classes',
    {
      schema: {
        operationId: 'listResourceClasses',
        response: { 200: classTableSchema },
        summary: '资源分类表 the class-code table (类/项/目/细目) with grade floors',
      },
    },
    async () => ({
      classes: classTable().map((c) => ({ ...c, ...(c.floor ? { floorLabel: gradeLabel(c.floor) } : {}) })),
    }),
  );

  app.get(
    '/api/catalog/v1/resources/:id',
    {
      schema: {
        operationId: 'getResource',
        response: { 200: resourceSchema },
        summary: '目录条目详情 one entry with its data items',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (req) => catalog.get(req.params.id, principalOf(req)),
  );

  app.post(
    '/api/catalog/v1/resources',
    {
      schema: {
        operationId: 'createResource',
        response: {
          409: problemResponse('该资源代码已在目录中 the resource code is already catalogued'),
          201: resourceSchema,
        },
        summary: '编目 a publisher creates an entry (draft)',
        body: resourceInput,
      },
    },
    async (req, reply) => {
      const by = requireRoles(req, 'publisher', 'admin');
      reply.status(201);
      return catalog.create(req.body, by);
    },
  );

  app.post(
    '/api/catalog/v1/resources/:id/publish',
    {
      schema: {
        operationId: 'publishResource',
        response: { 200: resourceSchema },
        summary: '发布 the province admin publishes an entry (审核 in one step); publishers submit instead',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (req) => catalog.publish(req.params.id, requireRoles(req, 'publisher', 'admin')),
  );

  const idParams = z.object({ id: z.string().max(100) });

  app.put(
    '/api/catalog/v1/resources/:id',
    {
      schema: {
        operationId: 'updateResource',
        response: { 200: resourceSchema },
        summary: '变更 change an entry: a new version (a published entry stays published)',
        params: idParams,
        body: resourceInput,
      },
    },
    async (req) => catalog.update(req.params.id, req.body, requireRoles(req, 'publisher', 'admin')),
  );

  app.post(
    '/api/catalog/v1/resources/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawResource',
        response: { 200: resourceSchema },
        summary: '撤销 withdraw an entry from the regional catalogue (a reason is required)',
        params: idParams,
        body: z.object({ reason: z.string().max(2000) }),
      },
    },
    async (req) => catalog.withdraw(req.params.id, req.body.reason, requireRoles(req, 'publisher', 'admin')),
  );

  app.get(
    '/api/catalog/v1/resources/:id/history',
    {
      schema: {
        operationId: 'getResourceHistory',
        response: { 200: historySchema },
        summary: '变更记录 who changed what and when',
        params: idParams,
      },
    },
    async (req) => ({
      id: req.params.id,
      history: await catalog.history(req.params.id, requireRoles(req, 'publisher', 'admin')),
    }),
  );

  app.get(
    '/api/catalog/v1/resources/:id/versions/:version',
    {
      schema: {
        operationId: 'getResourceVersion',
        response: { 200: resourceSchema },
        summary: '历史版本 one version of an entry as it was',
        params: z.object({ id: z.string().max(100), version: z.coerce.number().int().min(1) }),
      },
    },
    async (req) => catalog.version(req.params.id, req.params.version, principalOf(req)),
  );

  app.post(
    '/api/catalog/v1/resources/:id/submit',
    {
      schema: {
        operationId: 'submitResource',
        response: { 200: resourceSchema },
        summary: '提交审核 the provider agency submits a draft for review',
        params: idParams,
      },
    },
    async (req) => catalog.submit(req.params.id, requireRoles(req, 'publisher', 'admin')),
  );

  app.post(
    '/api/catalog/v1/resources/:id/review',
    {
      schema: {
        operationId: 'reviewResource',
        response: { 200: resourceSchema },
        summary: '审核 the province admin publishes a submitted entry or sends it back with a reason',
        params: idParams,
        body: z.object({ decision: z.enum(['approve', 'reject']), reason: z.string().max(2000).default('') }),
      },
    },
    async (req) => catalog.review(req.params.id, req.body.decision, req.body.reason, requireRoles(req, 'admin')),
  );
}
