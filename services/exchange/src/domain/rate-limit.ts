/**
 * A grant's rate limit as a token bucket: up to `perMinute` requests at once, refilled evenly over
 * the minute. Pure: the state and the time come in, the decision and the next state go out.
 */
export interface Bucket {
  tokens: number;
  /** ms since the epoch of the last refill */
  at: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

export function take(bucket: Bucket | undefined, now: number, perMinute: number): Take {
  const refillPerMs = perMinute / 60_000;
  const start = bucket ?? { tokens: perMinute, at: now };
  const tokens = Math.min(perMinute, start.tokens + Math.max(0, now - start.at) * refillPerMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, bucket: { tokens, at: now }, retryAfterMs: Math.ceil((1 - tokens) / refillPerMs) };
}
