import { metricsRegistry, parseScrape, scrape } from '@yrd/telemetry';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHealth, type GrpcServerHandle, startGrpcServer } from './grpc.js';

describe('gRPC server metrics', () => {
  let handle: GrpcServerHandle | undefined;
  afterAll(async () => {
    await handle?.stop();
  });

  it('counts every call the server answers by method path and status code, with its latency', async () => {
    const r = metricsRegistry({ province: 'js', service: 'probe' });
    handle = await startGrpcServer(() => {}, { port: 0, serviceNames: ['yrd.probe.v1.ProbeService'], metrics: r });
    const address = `127.0.0.1:${handle.port}`;
    expect(await checkHealth(address)).toBe('SERVING');
    expect(await checkHealth(address, 'yrd.probe.v1.ProbeService')).toBe('SERVING');
    await expect(checkHealth(address, 'yrd.unknown.v1.Nothing')).rejects.toMatchObject({ code: 5 });
    const all = parseScrape((await scrape(r)).body);
    const method = '/grpc.health.v1.Health/Check';
    expect(all).toContainEqual({
      name: 'grpc_server_handled_total',
      labels: { grpc_method: method, grpc_code: 'OK', province: 'js', service: 'probe' },
      value: 2,
    });
    expect(all).toContainEqual({
      name: 'grpc_server_handled_total',
      labels: { grpc_method: method, grpc_code: 'NOT_FOUND', province: 'js', service: 'probe' },
      value: 1,
    });
    expect(all).toContainEqual(
      expect.objectContaining({
        name: 'grpc_server_handling_seconds_count',
        labels: expect.objectContaining({ grpc_method: method, grpc_code: 'OK' }),
        value: 2,
      }),
    );
  });
});
