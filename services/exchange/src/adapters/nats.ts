/**
 * The exchange over NATS: requests travel on the requester's lane into the provider province
 * (`xchg.P.from.R.exchange.<mode>`). Audit events go through @yrd/audit-events to the province's
 * own JetStream stream, acknowledged before anyone answers.
 */
import type { Logger } from '@yrd/logger';
import { laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import type { Province } from '@yrd/region';
import type { ExchangeMode, ProviderApp, ProviderTransport } from '../app/exchange.js';

export class NatsProviderTransport implements ProviderTransport {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {}

  send(provider: Province, requester: Province, mode: ExchangeMode, data: Uint8Array): Promise<Uint8Array> {
    return request(this.nc, subjects.lane(provider, requester, 'exchange', mode), data, {
      timeoutMs: this.timeoutMs,
      unavailableCode: 'EXCHANGE.PROVIDER_UNAVAILABLE',
    });
  }
}

/** Serves every requester's lane into this province. */
export class ExchangeLanes {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly provider: ProviderApp,
    private readonly logger: Logger,
  ) {}

  async start() {
    this.sub = serve(
      this.nc,
      subjects.lanes(this.province, 'exchange'),
      { queue: 'exchange', logger: this.logger },
      (m) =>
        // the requesting province is the lane the broker delivered on, never a payload field
        this.provider.handle(laneRequester(m.subject), m.subject.split('.')[5], m.data),
    );
    await this.nc.flush();
  }

  stop() {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }
}
