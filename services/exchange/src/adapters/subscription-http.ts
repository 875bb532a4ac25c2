import { type HttpApp, problemResponse, requireRoles, sendJsonText } from '@yrd/http';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { maxEventsPerPublish, type ProviderFeeds } from '../app/feeds.js';
import type { RequesterFeeds } from '../app/subscriber.js';
import type { Subscription } from '../app/subscriptions.js';
import { publishedEventsSchema, subscriptionEventsSchema, subscriptionSchema } from './http-schemas.js';

const id = z.object({ id: z.string().min(1).max(100) });
const itemName = z.string().min(1).max(100);

/**
 * Values come as JSON strings or numbers (counts, levels); a feed carries them as text, like records.
 * Made text after validation (`asText`), not by a zod transform: a transform per value doubled the
 * cost of validating a publish call (bench/RESULTS.md, sixteenth pass).
 */
const fieldValue = z.union([z.string().max(2000), z.number().finite()]);

/** An event's values as text; own keys as given (a key named `__proto__` stays a key). */
const asText = (fields: Record<string, string | number>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));

const publishBody = z.object({
  events: z
    .array(
      z.object({
        /** chosen by the publisher; a retry with the same id adds nothing */
        id: z.string().min(1).max(128),
        fields: z
          .record(itemName, fieldValue)
          .refine((f) => Object.keys(f).length > 0 && Object.keys(f).length <= 200, {
            message: 'between 1 and 200 fields',
          }),
      }),
    )
    .min(1)
    .max(maxEventsPerPublish),
});

const subscribeBody = z.object({
  resourceId: z.string().min(1).max(200),
  purpose: z.string().trim().min(1).max(500),
  grantId: z.string().max(100).optional(),
  items: z.array(itemName).max(200).optional(),
});

const eventsQuery = z.object({
  /** the cursor of the last event read; events after it come back */
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'a cursor from an earlier page')
    .default('0'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function view(s: Subscription) {
  return {
    id: s.id,
    resourceId: s.resourceId,
    provider: s.providerProvince,
    status: s.status,
    purpose: s.purpose,
    grantId: s.grantId,
    items: s.grantedItems,
    masking: s.masking,
    createdAt: s.createdAt,
    ...(s.status === 'ended' ? { ended: { code: s.endCode, reason: s.endReason, at: s.endedAt } } : {}),
  };
}

export function subscriptionRoutes(app: HttpApp, requester: RequesterFeeds, provider: ProviderFeeds) {
  app.post(
    '/api/exchange/v1/subscriptions',
    {
      schema: {
        operationId: 'subscribe',
        response: { 409: problemResponse('订阅已存在 the subscription exists'), 201: subscriptionSchema },
        summary: '订阅 subscribe to a resource’s change feed of any member province (granted items, masked)',
        body: subscribeBody,
      },
    },
    async (req, reply) => {
      const principal = requireRoles(req, 'requester');
      const sub = await requester.subscribe(principal, req.body);
      reply.status(201);
      return view(sub);
    },
  );

  app.get(
    '/api/exchange/v1/subscriptions',
    {
      schema: {
        operationId: 'listSubscriptions',
        response: { 200: z.object({ items: z.array(subscriptionSchema) }) },
        summary: '本单位的订阅 the subscriptions of the caller’s agency, newest first',
      },
    },
    async (req) => ({ items: (await requester.list(requireRoles(req, 'requester'))).map(view) }),
  );

  app.get(
    '/api/exchange/v1/subscriptions/:id',
    {
      schema: {
        operationId: 'getSubscription',
        response: { 200: subscriptionSchema },
        summary: '订阅状态 one subscription (the subscribing agency only)',
        params: id,
      },
    },
    async (req) => view(await requester.get(requireRoles(req, 'requester'), req.params.id)),
  );

  app.get(
    '/api/exchange/v1/subscriptions/:id/events',
    {
      schema: {
        operationId: 'listSubscriptionEvents',
        response: { 200: subscriptionEventsSchema },
        summary: '订阅事件 received events after a cursor, oldest first (the subscribing agency only)',
        params: id,
        querystring: eventsQuery,
      },
    },
    async (req, reply) => {
      const principal = requireRoles(req, 'requester');
      const after = Number(req.query.after);
      const { sub, page } = await requester.events(principal, req.params.id, after, req.query.limit);
      // the store writes the page's events as JSON text (ReceivedPage), handed on as they are; the
      // shape is subscriptionEventsSchema's (the route tests parse the answers with it)
      const body = `{"subscriptionId":${JSON.stringify(sub.id)},"status":${JSON.stringify(sub.status)},"events":${page.json},"next":${JSON.stringify(
        // where the next page starts; the same cursor again when nothing new came
        page.last ?? req.query.after,
      )}}`;
      return sendJsonText(reply as FastifyReply, body);
    },
  );

  app.delete(
    '/api/exchange/v1/subscriptions/:id',
    {
      schema: {
        operationId: 'cancelSubscription',
        response: { 200: subscriptionSchema },
        summary: '取消订阅 the subscribing agency ends its subscription',
        params: id,
      },
    },
    async (req) => view(await requester.cancel(requireRoles(req, 'requester'), req.params.id)),
  );

  app.post(
    '/api/exchange/v1/feeds/:resourceId/events',
    {
      schema: {
        operationId: 'publishFeedEvents',
        response: { 202: publishedEventsSchema },
        summary: '发布变更事件 the providing agency publishes change events of its resource into the feed',
        params: z.object({ resourceId: z.string().min(1).max(200) }),
        body: publishBody,
      },
    },
    async (req, reply) => {
      const principal = requireRoles(req, 'publisher', 'admin');
      const events = req.body.events.map((e) => ({ id: e.id, fields: asText(e.fields) }));
      const out = await provider.publish(principal, req.params.resourceId, events, req.id);
      reply.status(202);
      return { requestId: req.id, resourceId: req.params.resourceId, ...out };
    },
  );
}
