/**
 * The exchange over NATS: requests travel on the requester's lane into the provider province
 * (`xchg.P.from.R.exchange.<mode>`). Audit events go through @yrd/audit-events to the province's
 * own JetStream stream, acknowledged before anyone answers. The protobuf encoding and the subjects
 * stay here: the use cases take and return typed messages.
 */
import { invalid, unauthenticated } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { isBrokerUp, laneRequester, type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { exchangeV1 } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import {
  brokerUnavailable,
  type ExchangeMode,
  type ProviderApp,
  type ProviderTransport,
  type ReceivedReply,
} from '../app/exchange.js';

export class NatsProviderTransport implements ProviderTransport {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {}

  async send(
    provider: Province,
    requester: Province,
    mode: ExchangeMode,
    req: exchangeV1.ExchangeRequest,
  ): Promise<ReceivedReply> {
    // a request in flight when the connection drops is refused then, not at its timeout
    const bytes = await request(
      this.nc,
      subjects.lane(provider, requester, 'exchange', mode),
      exchangeV1.ExchangeRequest.encode(req).finish(),
      { timeoutMs: this.timeoutMs, unavailableCode: 'EXCHANGE.PROVIDER_UNAVAILABLE', brokerDown: brokerUnavailable },
    );
    return { reply: exchangeV1.ExchangeReply.decode(bytes), bytes };
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
        return this.exchange(from, op, m.data);
      },
    );
    await this.nc.flush();
  }

  /** A query or verification on `xchg.<this>.from.<R>.exchange.<mode>`; what does not parse is refused unheard. */
  private async exchange(from: string | undefined, op: string | undefined, data: Uint8Array): Promise<Uint8Array> {
    if (!isProvince(from))
      throw unauthenticated('EXCHANGE.UNKNOWN_LANE', '请求通道无效 request did not arrive on a member lane');
    if (op !== 'query' && op !== 'verify')
      throw invalid('EXCHANGE.UNKNOWN_MODE', `不支持的交换方式 unknown mode ${op ?? ''}`);
    let req: exchangeV1.ExchangeRequest;
    try {
      req = exchangeV1.ExchangeRequest.decode(data);
    } catch (err) {
      throw invalid('EXCHANGE.MALFORMED_REQUEST', '请求无法解析 malformed exchange request', { cause: err });
    }
    const reply = await this.provider.handle(from, op, req);
    return exchangeV1.ExchangeReply.encode(reply).finish();
  }

  stop() {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }
}
