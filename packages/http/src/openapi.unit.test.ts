/** Response schemas document the answers and never change them; a drift is reported, not enforced. */
import { silentLogger } from '@yrd/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildHttpApp } from './index.js';

describe('documented responses', () => {
  const warnings: string[] = [];
  const listen = (w: Error) => {
    if ((w as Error & { code?: string }).code === 'YRD_RESPONSE_SCHEMA') warnings.push(w.message);
  };
  afterEach(() => {
    process.off('warning', listen);
    warnings.length = 0;
  });

  it('answer what the handler returned, and warn (paths only, no values) where it differs from the schema', async () => {
    process.on('warning', listen);
    const app = await buildHttpApp({ service: 'test', logger: silentLogger() });
    const thing = z.object({ id: z.string(), size: z.number().int() });
    app.get(
      '/things/:id',
      { schema: { operationId: 'getThing', summary: '一件 a thing', response: { 200: thing } } },
      async (req) => {
        const { id } = req.params as { id: string };
        // an extra field, and for one id a size of the wrong type
        return (id === 'odd'
          ? { id, size: 'secret-value', extra: 1 }
          : { id, size: 2, extra: 1 }) as unknown as z.infer<typeof thing>;
      },
    );
    const good = await app.inject({ method: 'GET', url: '/things/a' });
    expect(good.json()).toEqual({ id: 'a', size: 2, extra: 1 });
    const odd = await app.inject({ method: 'GET', url: '/things/odd' });
    expect(odd.json()).toEqual({ id: 'odd', size: 'secret-value', extra: 1 });
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([expect.stringContaining('GET /things/:id differs from its schema: /size invalid_type')]);
    expect(warnings.join()).not.toContain('secret-value');
    await app.close();
  });

  it('document every operation with its service tag, the bearer token, the problems and the Problem schema', async () => {
    const app = await buildHttpApp({ service: 'test', logger: silentLogger(), publicRoutes: ['/open'] });
    app.get(
      '/open',
      { schema: { operationId: 'getOpen', summary: '公开 open', response: { 200: z.string() } } },
      () => 'x',
    );
    app.put(
      '/things/:id',
      {
        schema: {
          operationId: 'putThing',
          summary: '改 change',
          body: z.object({ n: z.number() }),
          response: { 200: z.object({ n: z.number() }) },
        },
      },
      async (req) => req.body as { n: number },
    );
    await app.ready();
    const doc = app.swagger() as unknown as {
      paths: Record<string, Record<string, { tags: string[]; security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const put = doc.paths['/things/{id}']?.put;
    expect(put?.tags).toEqual(['test']);
    expect(put?.security).toBeUndefined();
    expect(Object.keys(put?.responses ?? {})).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '414',
      '415',
      '503',
    ]);
    expect(put?.responses['409']).toEqual({ $ref: '#/components/responses/Conflict' });
    const open = doc.paths['/open']?.get;
    expect(open?.security).toEqual([]);
    expect(Object.keys(open?.responses ?? {})).toEqual(['200', '400', '503']);
    expect(doc.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['code']),
    });
    await app.close();
  });
});
