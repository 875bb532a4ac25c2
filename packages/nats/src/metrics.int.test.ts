import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy } from '@nats-io/jetstream';
import { invalid } from '@yrd/errors';
import { silentLogger } from '@yrd/logger';
import { metricsRegistry, parseScrape, type Registry, scrape } from '@yrd/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import {
  ensureStream,
  jetstream,
  jetstreamManager,
  observeConsumerLag,
  observeNats,
  request,
  serve,
} from './messaging.js';
import { type RunningNats, startNatsServer } from './nats-server.js';

const samples = async (r: Registry) => parseScrape((await scrape(r)).body);

describe('NATS metrics on a real nats-server', () => {
  let dir: string;
  let server: RunningNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-nats-metrics-'));
    server = await startNatsServer({ dir });
    nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials.sh,
      name: 'test/metrics',
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts served requests by the subscription pattern and outcome, never the subject of one message', async () => {
    const r = metricsRegistry({ province: 'sh', service: 'probe' });
    observeNats(nc, r);
    const sub = serve(nc, 'probe.metrics.*', { logger: silentLogger() }, async (m) => {
      if (m.subject.endsWith('.refused')) throw invalid('PROBE.REFUSED', '拒绝 refused');
      return new Uint8Array([1]);
    });
    await nc.flush();
    const opts = { timeoutMs: 2000, unavailableCode: 'PROBE.UNAVAILABLE' };
    await request(nc, 'probe.metrics.person-310101', new Uint8Array(), opts);
    await request(nc, 'probe.metrics.person-310102', new Uint8Array(), opts);
    await expect(request(nc, 'probe.metrics.refused', new Uint8Array(), opts)).rejects.toMatchObject({
      code: 'PROBE.REFUSED',
    });
    // the count follows the reply: give the handler's bookkeeping a moment
    await new Promise((res) => setTimeout(res, 50));
    const all = await samples(r);
    const handled = all.filter((s) => s.name === 'yrd_nats_requests_handled_total');
    expect(handled).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          labels: expect.objectContaining({ subject: 'probe.metrics.*', outcome: 'ok' }),
          value: 2,
        }),
        expect.objectContaining({
          labels: expect.objectContaining({ subject: 'probe.metrics.*', outcome: 'PROBE.REFUSED' }),
          value: 1,
        }),
      ]),
    );
    expect((await scrape(r)).body).not.toContain('310101');
    sub.unsubscribe();
  });

  it('reads consumer lag from the broker at the scrape, and counts a consumer it cannot read', async () => {
    await ensureStream(nc, { name: 'PROBE_SH', subjects: ['probe.stream.>'] });
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add('PROBE_SH', { durable_name: 'probe-lag', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish('probe.stream.x', new Uint8Array([i]));
    const r = metricsRegistry();
    observeConsumerLag(r, nc, { stream: 'PROBE_SH', consumer: 'probe-lag', label: 'probe-lag' });
    observeConsumerLag(r, nc, { stream: 'PROBE_SH', label: 'all' });
    observeConsumerLag(r, nc, { stream: 'NO_SUCH_STREAM', consumer: 'x', label: 'missing' });
    const all = await samples(r);
    const lag = (consumer: string, state: string) =>
      all.find(
        (s) =>
          s.name === 'yrd_jetstream_consumer_messages' && s.labels.consumer === consumer && s.labels.state === state,
      )?.value;
    expect(lag('probe-lag', 'pending')).toBe(3);
    expect(lag('probe-lag', 'ack_pending')).toBe(0);
    expect(lag('all', 'pending')).toBe(3);
    expect(lag('missing', 'pending')).toBeUndefined();
    expect(all).toContainEqual({
      name: 'yrd_jetstream_consumer_info_errors_total',
      labels: { stream: 'NO_SUCH_STREAM', consumer: 'missing' },
      value: 1,
    });
  });
});
