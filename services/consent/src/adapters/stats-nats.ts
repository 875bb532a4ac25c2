/**
 * The counts lane: `xchg.<P>.from.<R>.consent.stats.applications`, inside the lane province P exports to
 * R (`xchg.P.from.R.>`), one token deeper than the consent operations (`…consent.<op>`), so the consent
 * lanes' subscription never sees it. Counts only, no person or agency: no token is asked, as on the
 * revocations lane.
 */
import { invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type NatsConnection, request, serve, subjects } from '@yrd/nats';
import type { Province } from '@yrd/region';
import type { ApplicationStats, CountsPeers } from '../app/application-stats.js';

const op = 'applications';
const laneOf = (provider: Province, requester: Province) =>
  `${subjects.lane(provider, requester, 'consent', 'stats')}.${op}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsCountsPeers implements CountsPeers {
  constructor(
    private readonly nc: NatsConnection,
    private readonly me: Province,
    private readonly timeoutMs = 2000,
  ) {}

  async countsOf(province: Province): Promise<unknown> {
    const data = await request(this.nc, laneOf(province, this.me), new Uint8Array(), {
      timeoutMs: this.timeoutMs,
      unavailableCode: 'CONSENT.PROVINCE_UNAVAILABLE',
    });
    return JSON.parse(decoder.decode(data));
  }
}

export class CountsLane {
  private sub: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly me: Province,
    private readonly stats: ApplicationStats,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.sub = serve(
      this.nc,
      `xchg.${this.me}.from.*.consent.stats.*`,
      { queue: 'consent-stats', logger: this.logger },
      async (m) => {
        if (m.subject.split('.').at(-1) !== op)
          throw invalid('CONSENT.UNKNOWN_OP', `unknown stats operation in ${m.subject}`);
        return encoder.encode(JSON.stringify(await this.stats.own()));
      },
    );
    await this.nc.flush();
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}
