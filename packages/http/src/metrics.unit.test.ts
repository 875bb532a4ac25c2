import { invalid } from '@yrd/errors';
import { silentLogger } from '@yrd/logger';
import { metricsRegistry, parseScrape, type Registry, scrape } from '@yrd/telemetry';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildHttpApp, observeHttp } from './index.js';

async function probeApp(metrics?: Registry) {
  const app = await buildHttpApp({ service: 'probe', logger: silentLogger(), ...(metrics ? { metrics } : {}) });
  app.get('/api/probe/v1/people/:id', { schema: { params: z.object({ id: z.string().max(40) }) } }, async (req) => {
    if (req.params.id === 'refused') throw invalid('PROBE.REFUSED', '拒绝 refused');
    return { ok: true };
  });
  return app;
}

const samples = async (r: Registry) => parseScrape((await scrape(r)).body);

describe('the HTTP metrics hook', () => {
  it('labels requests with the route template, never the URL with its ids', async () => {
    const r = metricsRegistry({ province: 'sh', service: 'probe' });
    const app = await probeApp(r);
    await app.inject({ method: 'GET', url: '/api/probe/v1/people/310101199001011234' });
    await app.inject({ method: 'GET', url: '/api/probe/v1/people/another-person?x=1' });
    await app.inject({ method: 'GET', url: '/no/such/310101199001011234' });
    const all = await samples(r);
    expect(all).toContainEqual({
      name: 'http_server_requests_total',
      labels: {
        method: 'GET',
        route: '/api/probe/v1/people/:id',
        status_code: '200',
        province: 'sh',
        service: 'probe',
      },
      value: 2,
    });
    expect(all).toContainEqual(
      expect.objectContaining({
        name: 'http_server_requests_total',
        labels: expect.objectContaining({ route: 'unmatched', status_code: '404' }),
        value: 1,
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        name: 'http_server_request_duration_seconds_count',
        labels: expect.objectContaining({ route: '/api/probe/v1/people/:id', status_code: '200' }),
        value: 2,
      }),
    );
    const text = (await scrape(r)).body;
    expect(text).not.toContain('310101199001011234');
    expect(text).not.toContain('another-person');
  });

  it('counts every problem+json answer by its stable code', async () => {
    const r = metricsRegistry();
    const app = await probeApp(r);
    await app.inject({ method: 'GET', url: '/api/probe/v1/people/refused' });
    await app.inject({ method: 'GET', url: `/api/probe/v1/people/${'x'.repeat(60)}` });
    await app.inject({ method: 'GET', url: '/nowhere' });
    const problems = (await samples(r)).filter((s) => s.name === 'yrd_http_problems_total');
    expect(problems).toEqual(
      expect.arrayContaining([
        { name: 'yrd_http_problems_total', labels: { code: 'PROBE.REFUSED', status_code: '400' }, value: 1 },
        { name: 'yrd_http_problems_total', labels: { code: 'REQUEST.INVALID', status_code: '400' }, value: 1 },
        { name: 'yrd_http_problems_total', labels: { code: 'HTTP.ROUTE_NOT_FOUND', status_code: '404' }, value: 1 },
      ]),
    );
  });

  it('counts into a registry given after the routes (observeHttp, as runService does)', async () => {
    const app = await probeApp();
    await app.inject({ method: 'GET', url: '/api/probe/v1/people/a' });
    const r = metricsRegistry();
    observeHttp(app, r);
    await app.inject({ method: 'GET', url: '/api/probe/v1/people/b' });
    expect(await samples(r)).toContainEqual({
      name: 'http_server_requests_total',
      labels: { method: 'GET', route: '/api/probe/v1/people/:id', status_code: '200' },
      value: 1,
    });
  });
});
