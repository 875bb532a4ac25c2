/**
 * The periodic check behind AUDIT.HEAD_STALLED (domain/stall.ts): for every other province, the time
 * this witness last saw its head grow against the oldest allowed exchange with it in this province's
 * own log since then. A stall is raised once, as a witness alarm (kept, logged, shown by
 * GET /api/audit/v1/witness), and again only after the head has grown and stalled anew.
 */
import type { Logger } from '@yrd/logger';
import type { Province } from '@yrd/region';
import type { SignedTreeHead } from '../domain/index.js';
import { DEFAULT_STALL_GRACE_MS, HEAD_STALLED, judgeStall } from '../domain/stall.js';
import type { PendingExchanges, WitnessStore } from './ports.js';

export interface StallWatchOptions {
  /** how long an exchange may wait for the other province's head to grow (default 30 s) */
  graceMs?: number;
  /** how often to look (default a fifth of the grace, at least 100 ms) */
  everyMs?: number;
}

export class StallWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly startedAt: Date;
  readonly graceMs: number;
  readonly everyMs: number;

  constructor(
    private readonly others: readonly Province[],
    private readonly store: WitnessStore,
    private readonly pending: PendingExchanges,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    opts: StallWatchOptions = {},
  ) {
    this.startedAt = clock();
    this.graceMs = opts.graceMs ?? DEFAULT_STALL_GRACE_MS;
    this.everyMs = opts.everyMs ?? Math.max(100, Math.floor(this.graceMs / 5));
  }

  start(): void {
    this.timer = setInterval(() => {
      // one check at a time: a slow database does not stack them up
      this.running ??= this.check()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err }, 'stall check failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One look at every other province; returns those newly found stalled. */
  async check(): Promise<Province[]> {
    const [witnessed, alarms] = await Promise.all([this.store.allWitnessed(), this.store.alarms()]);
    const now = this.clock();
    const found: Province[] = [];
    for (const p of this.others) {
      const seen = witnessed.find((w) => w.province === p);
      const lastGrowth = seen?.seenAt ? new Date(seen.seenAt) : this.startedAt;
      // once per stall: an alarm raised since the head last grew is this stall's
      if (
        alarms.some(
          (a) => a.province === p && a.code === HEAD_STALLED && Date.parse(a.raisedAt) >= lastGrowth.getTime(),
        )
      )
        continue;
      const oldestPending = await this.pending.oldestExchangeWith(p, lastGrowth);
      const j = judgeStall({
        province: p,
        lastGrowth,
        size: seen?.size ?? 0,
        oldestPending,
        now,
        graceMs: this.graceMs,
      });
      if (!j.stalled) continue;
      // the alarm names the last head seen grow (unsigned here: the witness kept its size and root only)
      const head: SignedTreeHead = {
        province: p,
        size: seen?.size ?? 0,
        rootHash: seen?.rootHash ?? '',
        timestamp: seen?.timestamp ?? '',
        alg: 'Ed25519',
        keyId: '',
        signature: '',
      };
      this.logger.error({ province: p, size: head.size, code: j.code }, 'witness alarm: a province head stalled');
      await this.store.raise({ province: p, code: j.code, message: j.message, head, raisedAt: now.toISOString() });
      found.push(p);
    }
    return found;
  }
}
