/**
 * A stalled head: another province's log that has stopped growing while it must have something to
 * record. This province knows it must: its own log holds an exchange with that province (as requester
 * or provider) that both sides recorded as allowed, so the other side's audit event exists too, and
 * that province's head should have grown since. When the oldest such exchange after the head last
 * grew is older than the grace period, the province's log is stuck (or hiding what it records).
 */

export const HEAD_STALLED = 'AUDIT.HEAD_STALLED';

/** Default grace: a province signs a head at least every second while anything is unsigned. */
export const DEFAULT_STALL_GRACE_MS = 30_000;

export interface StallFacts {
  province: string;
  /** when this witness last saw the province's head grow (or started watching, if it never saw one) */
  lastGrowth: Date;
  /** the size of the head last seen grow (0 when none was seen) */
  size: number;
  /** when the oldest exchange with the province after `lastGrowth`, in this province's log, occurred */
  oldestPending: Date | undefined;
  now: Date;
  graceMs: number;
}

export type StallJudgement =
  | { stalled: false }
  | { stalled: true; code: typeof HEAD_STALLED; message: string; pendingSince: Date };

export function judgeStall(f: StallFacts): StallJudgement {
  const pending = f.oldestPending;
  if (!pending || pending.getTime() <= f.lastGrowth.getTime()) return { stalled: false };
  const waitedMs = f.now.getTime() - pending.getTime();
  if (waitedMs <= f.graceMs) return { stalled: false };
  const s = Math.round(waitedMs / 1000);
  return {
    stalled: true,
    code: HEAD_STALLED,
    pendingSince: pending,
    message:
      `${f.province} 的树头自 ${f.lastGrowth.toISOString()} 起未增长（size ${f.size}），而本省 ${pending.toISOString()} 与其的交换已 ${s} 秒未入其日志 ` +
      `${f.province}'s head has not grown since ${f.lastGrowth.toISOString()} (size ${f.size}) though an exchange with it at ${pending.toISOString()} is ${s} s old`,
  };
}
