/**
 * While NATS is down nothing can be sent or recorded: the exchange refuses at once with 503
 * EXCHANGE.BROKER_UNAVAILABLE (a request in flight too, when the connection drops), logs the refusal
 * it could not record at error level instead of waiting out the publish timeout, and its /healthz
 * says the node is degraded.
 */
import { createLogger } from '@yrd/logger';
import { checkHealth, consentV1, startGrpcServer, unary } from '@yrd/proto';
import { aPrincipal, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchange, startExchange } from './index.js';

const resourceId = 'zj.330000-SCJG-00001';
const creditCode = '91330106MA2H7K3L1X';
const requester = aPrincipal({ province: 'sh', sub: 'sh-user-1' });

describe('the exchange while its broker is down', () => {
  let tb: Testbed;
  let sh: RunningExchange;
  let zj: RunningExchange;
  const lines: string[] = [];

  const query = (requestId: string, purpose = '跨省通办'): Promise<Reply> =>
    tb.http(
      sh.httpUrl,
      requester,
      'POST',
      '/api/exchange/v1/queries',
      { resourceId, purpose, key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': requestId },
    );
  const health = async (url: string) => {
    const res = await fetch(`${url}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    tb = await createTestbed();
    const consent = await startGrpcServer(
      (s) => {
        const impl: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
            // a slow decision keeps a request in flight while the broker goes
            if (req.purpose === 'slow') await new Promise((r) => setTimeout(r, 3000));
            return consentV1.AuthorizeResponse.fromPartial({
              allow: true,
              allowedItems: ['company_name'],
              masking: [{ item: 'company_name', profile: 'none' }],
              grantId: req.grantId,
            });
          }),
        };
        s.addService(consentV1.ConsentServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
    );
    tb.defer(() => consent.stop());
    zj = await tb.started(
      startExchange(await tb.deps('zj', { grpcAddress: { consent: `127.0.0.1:${consent.port}` } }), {
        datasets: [
          {
            resourceId,
            keyItems: ['credit_code'],
            records: [{ credit_code: creditCode, company_name: '测试云栖科技有限公司' }],
          },
        ],
      }),
    );
    const shDeps = await tb.deps('sh');
    const logger = createLogger({ name: 'test', level: 'info' }, { write: (s: string) => void lines.push(s) });
    sh = await tb.started(startExchange({ ...shDeps, logger }));
  });

  afterAll(() => tb?.close());

  it('is healthy and serves while the broker is up', async () => {
    expect(await health(sh.httpUrl)).toMatchObject({ status: 200, body: { status: 'ok', nats: 'connected' } });
    expect(await checkHealth(`127.0.0.1:${sh.grpcPort}`)).toBe('SERVING');
    expect((await query('bd-up')).status).toBe(200);
  });

  it('refuses a request in flight as soon as the connection drops, and new ones at once, with 503', async () => {
    const inFlight = query('bd-in-flight', 'slow');
    await new Promise((r) => setTimeout(r, 500)); // it is at the provider now, waiting for consent
    const t0 = Date.now();
    const stopped = tb.nats.stop();
    const res = await inFlight;
    const inFlightMs = Date.now() - t0;
    await stopped;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('EXCHANGE.BROKER_UNAVAILABLE');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(inFlightMs).toBeLessThan(1000);

    for (const id of ['bd-down-1', 'bd-down-2']) {
      const t1 = Date.now();
      const refused = await query(id);
      expect(Date.now() - t1).toBeLessThan(1000);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('EXCHANGE.BROKER_UNAVAILABLE');
    }
  });

  it('reports the node degraded on /healthz, for the edge’s aggregate, and NOT_SERVING over gRPC', async () => {
    for (const service of [sh, zj]) {
      expect(await checkHealth(`127.0.0.1:${service.grpcPort}`)).toBe('NOT_SERVING');
      expect(await checkHealth(`127.0.0.1:${service.grpcPort}`, 'yrd.exchange.v1.ExchangeService')).toBe('NOT_SERVING');
    }
    for (const url of [sh.httpUrl, zj.httpUrl]) {
      const res = await fetch(`${url}/healthz`);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await health(url)).toMatchObject({
        status: 503,
        body: { status: 503, code: 'NODE.DEGRADED', service: 'exchange', nats: 'disconnected' },
      });
    }
  });

  it('logs each refusal it could not record, at error level, without personal data', async () => {
    const unrecorded = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; unrecorded?: { requestId: string; code: string } })
      .filter((l) => l.unrecorded);
    expect(unrecorded.map((l) => l.unrecorded?.requestId).sort()).toEqual(['bd-down-1', 'bd-down-2', 'bd-in-flight']);
    for (const l of unrecorded) {
      expect(l.level).toBe(50);
      expect(l.unrecorded?.code).toBe('EXCHANGE.BROKER_UNAVAILABLE');
    }
    expect(lines.join('\n')).not.toContain(creditCode);
  });
});
