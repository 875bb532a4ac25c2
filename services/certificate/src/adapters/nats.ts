/**
 * The certificate lanes. A province sends a use of another province's certificate on that
 * province's lane (`xchg.<issuer>.from.<me>.certificate.use`); the issuer serves
 * `xchg.<me>.from.*.certificate.*` and reads the sending province off the subject the broker
 * delivered on (a province can publish only on its own lane), never off the body. Bodies are JSON.
 */
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { isProvince, type Province } from '@yrd/region';
import { refuse } from '../app/errors.js';
import type { UsePeers, UseReceipt } from '../app/use-forwarding.js';
import { type UseForward, useForwardCodes } from '../domain/use-forward.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsUsePeers implements UsePeers {
  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly timeoutMs: number,
  ) {}

  async sendUse(issuer: Province, use: UseForward): Promise<void> {
    await request(
      this.nc,
      subjects.lane(issuer, this.province, 'certificate', 'use'),
      encoder.encode(JSON.stringify(use)),
      { timeoutMs: this.timeoutMs, unavailableCode: useForwardCodes.issuerUnavailable },
    );
  }
}

/** Serves this province's certificate lanes: `use` (a use of a certificate issued here). */
export function serveCertificateLanes(
  nc: NatsConnection,
  province: Province,
  receipt: UseReceipt,
  logger: Logger,
): { unsubscribe(): void } {
  return serve(
    nc,
    subjects.lanes(province, 'certificate'),
    { queue: `certificate-${province}`, logger, spanName: 'certificate lane' },
    async (msg) => {
      const from = laneRequester(msg.subject);
      const op = msg.subject.split('.').at(-1);
      if (!isProvince(from) || from === province || op !== 'use')
        throw refuse('invalid', useForwardCodes.invalid, `不支持的请求 ${op}`, `unsupported request ${op}`);
      let body: unknown;
      try {
        body = JSON.parse(decoder.decode(msg.data));
      } catch {
        throw refuse('invalid', useForwardCodes.invalid, '用证记录不是 JSON', 'the certificate use is not JSON');
      }
      return encoder.encode(JSON.stringify(await receipt.receive(from, body)));
    },
  );
}
