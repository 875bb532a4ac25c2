/**
 * The audit service's options, validated once when the service is built: a wrong value stops the
 * build with a message that names the option, instead of a timer firing every 0 ms or a witness
 * trusting a malformed key list.
 */

import { parseTrustAnchors, type TrustAnchors, type TrustList } from '@yrd/auth';
import { parseOptions, timerMs } from '@yrd/config';
import { z } from 'zod';

const ms = timerMs(0);
const positiveMs = timerMs();

/** Checked here with the trust list's own reader (either version); the value is kept as given. */
const trust = z
  .custom<TrustList | TrustAnchors>((v) => typeof v === 'object' && v !== null, {
    message: '须为信任列表对象 must be a trust list object',
  })
  .superRefine((v, ctx) => {
    try {
      parseTrustAnchors(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export const auditOptionsSchema = z.object({
  /** sign a tree head every N appends (default 64) */
  headEvery: z.number().int().min(1).optional(),
  /**
   * the regional trust list: with it, this province witnesses the others' heads and co-signs them,
   * and accepts their co-signatures of its own (see app/witness.ts)
   */
  trust: trust.optional(),
  /** sign a head this often when appends are unsigned (default 1000 ms) */
  headIntervalMs: positiveMs.optional(),
  /**
   * verify the whole stored log this often in the background (default one hour; 0 = never), and once
   * `verifyFirstAfterMs` after the start (default 10 s): edits behind the service's back are found
   * without anyone asking (app/verify-job.ts)
   */
  verifyEveryMs: ms.optional(),
  verifyFirstAfterMs: ms.optional(),
  /**
   * how long an exchange with another province may wait for that province's head to grow before the
   * witness raises AUDIT.HEAD_STALLED (default 30 s; see domain/stall.ts)
   */
  stallGraceMs: ms.optional(),
  /**
   * the province's exchange service's GET /metrics (its admin port): the overview's exchange latency
   * comes from its histograms (adapters/exchange-latency.ts); none, and the overview has no latency
   */
  exchangeMetricsUrl: z.url().optional(),
  /** how often the log's state is announced to the province's exchange (default 2000 ms) */
  stateBeatMs: positiveMs.optional(),
  /**
   * how long JetStream waits for an event's ack before handing it out again (default 5 s): after a
   * crash or a stop, the events the service had been sent but had not appended are in the log this
   * long after it is back
   */
  ackWaitMs: positiveMs.optional(),
  /** redelivery of events the log could not append: first delay, doubling up to the cap (default 1 s, 30 s) */
  retry: z
    .object({ firstMs: positiveMs, maxMs: positiveMs })
    .refine((r) => r.maxMs >= r.firstMs, {
      message: '上限不得小于首次延迟 maxMs must not be less than firstMs',
      path: ['maxMs'],
    })
    .optional(),
});

export type AuditOptions = z.input<typeof auditOptionsSchema>;

/** The options as the service uses them; throws a ConfigError naming each wrong option. */
export function parseAuditOptions(options: unknown): z.output<typeof auditOptionsSchema> {
  return parseOptions(auditOptionsSchema, options ?? {}, '审计服务选项无效 invalid audit service options');
}
