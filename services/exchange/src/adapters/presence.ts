/**
 * Provider presence. NATS 2.9 sends no "no responders" across a service import, so a request to a
 * province whose exchange is down would only fail at its timeout. Instead each exchange announces
 * itself on `presence.P.exchange` every second (and says goodbye when it stops), and a requester
 * that has heard from a province and then heard nothing for three beats fails at once.
 */
import type { Logger } from '@yrd/logger';
import { type NatsConnection, subjects } from '@yrd/nats';
import { isProvince, type Province, provinces } from '@yrd/region';
import type { ProviderLiveness } from '../app/exchange.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Beat {
  status: 'up' | 'down';
}

export class Presence implements ProviderLiveness {
  private timer: NodeJS.Timeout | undefined;
  private readonly subs: { unsubscribe(): void }[] = [];
  private readonly lastSeen = new Map<Province, { at: number; status: Beat['status'] }>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly logger: Logger,
    private readonly beatMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async start() {
    for (const p of provinces) {
      this.subs.push(
        this.nc.subscribe(subjects.presence(p), {
          callback: (err, m) => {
            if (err) return;
            try {
              const beat = JSON.parse(decoder.decode(m.data)) as Beat;
              // a province speaks only for itself: the subject names it
              const from = m.subject.split('.')[1];
              if (isProvince(from)) this.lastSeen.set(from, { at: this.now(), status: beat.status });
            } catch {
              this.logger.debug({ subject: m.subject }, 'unreadable presence beat ignored');
            }
          },
        }),
      );
    }
    this.beat('up');
    this.timer = setInterval(() => this.beat('up'), this.beatMs);
    this.timer.unref();
    await this.nc.flush();
  }

  /** Down: it said goodbye, or was heard before and has been silent for three beats. */
  isDown(p: Province): boolean {
    const seen = this.lastSeen.get(p);
    if (!seen) return false; // never heard (e.g. just started): the request's own timeout decides
    return seen.status === 'down' || this.now() - seen.at > 3 * this.beatMs;
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.beat('down');
    for (const s of this.subs) s.unsubscribe();
    try {
      await this.nc.flush();
    } catch {
      // the connection may already be closing; the others then notice the silence instead
    }
  }

  private beat(status: Beat['status']) {
    try {
      this.nc.publish(subjects.presence(this.province), encoder.encode(JSON.stringify({ status })));
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'presence beat not sent');
    }
  }
}
