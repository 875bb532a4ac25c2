/**
 * The exchange over NATS: requests travel on the requester's lane into the provider province
 * (`xchg.P.from.R.exchange.<mode>`). Audit events go through @yrd/audit-events to the province's
 * own JetStream stream, acknowledged before anyone answers.
 */
import type { Logger } from '@yrd/logger';
import { isBrokerUp, laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import type { Province } from '@yrd/region';
import { brokerUnavailable, type ExchangeMode, type ProviderApp, type ProviderTransport } from '../app/exchange.js';

export class NatsProviderTransport implements ProviderTransport {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {}

  send(provider: Province, requester: Province, mode: ExchangeMode, data: Uint8Array): Promise<Uint8Array> {
    // a request in flight when the connection drops is refused then, not at its timeout
    return request(this.nc, subjects.lane(provider, requester, 'exchange', mode), data, {
      timeoutMs: this.timeoutMs,
      unavailableCode: 'EXCHANGE.PROVIDER_UNAVAILABLE',
      brokerDown: brokerUnavailable,
    });
  }

  isUp(): boolean {
    return isBrokerUp(this.nc);
  }
}

/** Ops served on the lanes besides the exchange modes. */
export interface LaneOps {
  handles(op: string | undefined): boolean;
  handle(from: string | undefined, op: string | undefined, data: Uint8Array): Promise<Uint8Array>;
}

/** Serves every requester's lane into this province. */
export class ExchangeLanes {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly provider: ProviderApp,
    private readonly logger: Logger,
    /** subscription ops (subscribe, unsubscribe, deliver, ended) share the lanes with the modes */
    private readonly feeds?: LaneOps,
  ) {}

  async start() {
    this.sub = serve(
      this.nc,
      subjects.lanes(this.province, 'exchange'),
      { queue: 'exchange', logger: this.logger },
      (m) => {
        // the requesting province is the lane the broker delivered on, never a payload field
        const from = laneRequester(m.subject);
        const op = m.subject.split('.')[5];
        if (this.feeds?.handles(op)) return this.feeds.handle(from, op, m.data);
        return this.provider.handle(from, op, m.data);
      },
    );
    await this.nc.flush();
  }

  stop() {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }
}
