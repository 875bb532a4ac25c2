import { afterEach, describe, expect, it } from 'vitest';
import { counter, gauge, histogram, metricsRegistry, parseScrape, scrape, serveMetrics } from './metrics.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('metricsRegistry', () => {
  it('keeps each service apart: the same name in two registries, each with its own labels', async () => {
    const sh = metricsRegistry({ province: 'sh', service: 'exchange' });
    const zj = metricsRegistry({ province: 'zj', service: 'exchange' });
    counter(sh, { name: 'yrd_probe_total', help: 'probe', labelNames: ['outcome'] }).inc({ outcome: 'ok' }, 2);
    counter(zj, { name: 'yrd_probe_total', help: 'probe', labelNames: ['outcome'] }).inc({ outcome: 'ok' });
    const samples = parseScrape((await scrape(sh)).body);
    expect(samples).toContainEqual({
      name: 'yrd_probe_total',
      labels: { outcome: 'ok', province: 'sh', service: 'exchange' },
      value: 2,
    });
    expect(samples.some((s) => s.labels.province === 'zj')).toBe(false);
  });

  it('hands out the instrument already registered under a name instead of failing', () => {
    const r = metricsRegistry();
    const a = counter(r, { name: 'yrd_twice_total', help: 'twice' });
    expect(counter(r, { name: 'yrd_twice_total', help: 'twice' })).toBe(a);
    const h = histogram(r, { name: 'yrd_twice_seconds', help: 'twice' });
    expect(histogram(r, { name: 'yrd_twice_seconds', help: 'twice' })).toBe(h);
    const g = gauge(r, { name: 'yrd_twice', help: 'twice' });
    expect(gauge(r, { name: 'yrd_twice', help: 'twice' })).toBe(g);
  });
});

describe('parseScrape', () => {
  it('reads names, escaped label values and values, skipping comments', () => {
    const text = [
      '# HELP x_total x',
      '# TYPE x_total counter',
      'x_total{route="/a/:id",code="A\\"B"} 3',
      'y 1.5',
      '',
    ].join('\n');
    expect(parseScrape(text)).toEqual([
      { name: 'x_total', labels: { route: '/a/:id', code: 'A"B' }, value: 3 },
      { name: 'y', labels: {}, value: 1.5 },
    ]);
  });
});

describe('serveMetrics (the admin listener)', () => {
  it('answers GET /metrics in the text format and problem+json elsewhere', async () => {
    const r = metricsRegistry({ province: 'ah', service: 'audit' });
    gauge(r, { name: 'yrd_probe', help: 'probe' }).set(7);
    const admin = await serveMetrics(r, { port: 0 });
    closers.push(() => admin.close());

    const res = await fetch(`${admin.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(parseScrape(await res.text())).toContainEqual({
      name: 'yrd_probe',
      labels: { province: 'ah', service: 'audit' },
      value: 7,
    });

    const missing = await fetch(`${admin.url}/healthz`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ code: 'HTTP.ROUTE_NOT_FOUND', status: 404 });

    const post = await fetch(`${admin.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ code: 'HTTP.METHOD_NOT_ALLOWED' });
  });

  it('fails the scrape whole, without the cause, when a collect() throws', async () => {
    const r = metricsRegistry();
    gauge(r, {
      name: 'yrd_broken',
      help: 'broken',
      collect() {
        throw new Error('secret detail');
      },
    });
    const admin = await serveMetrics(r, { port: 0 });
    closers.push(() => admin.close());
    const res = await fetch(`${admin.url}/metrics`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('METRICS.FAILED');
    expect(body).not.toContain('secret detail');
  });
});
