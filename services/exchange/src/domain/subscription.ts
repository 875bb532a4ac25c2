/**
 * Subscriptions (订阅), the pure part: names, the life of a subscription, which items a delivery
 * carries, and when a cached policy decision may still be used. Time comes in as arguments.
 */
import type { Province } from '@yrd/region';

/**
 * pending: the requester asked and waits for the provider's answer (deliveries are already taken:
 *          the provider may start before its answer arrives);
 * active:  the provider delivers;
 * ended:   for good — the grant was revoked or expired, the requester cancelled, or a side lost it.
 */
export const subscriptionStatuses = ['pending', 'active', 'ended'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export function isSubscriptionStatus(v: string): v is SubscriptionStatus {
  return (subscriptionStatuses as readonly string[]).includes(v);
}

/** Whether events of a subscription in this state are accepted by the requester. */
export function receives(status: SubscriptionStatus): boolean {
  switch (status) {
    case 'pending':
    case 'active':
      return true;
    case 'ended':
      return false;
    default:
      return assertNever(status);
  }
}

/** Codes a subscription ends with besides the consent service's own denial codes. */
export const endCodes = {
  /** the subscribing agency ended it */
  cancelled: 'EXCHANGE.SUBSCRIPTION_CANCELLED',
  /** the requester does not know it (its subscribe never completed there) */
  unknown: 'EXCHANGE.SUBSCRIPTION_UNKNOWN',
  /** the requester holds it as ended already */
  ended: 'EXCHANGE.SUBSCRIPTION_ENDED',
} as const;

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const idPattern = new RegExp(`^(sh|js|zj|ah)-sub-${uuid}$`);

/** Subscription ids are made by the requester province and carry its name, like grant ids. */
export function subscriptionId(requester: Province, random: string): string {
  return `${requester}-sub-${random}`;
}

/**
 * Whether `id` is a well-formed subscription id of `requester`: a province can only name its own
 * subscriptions, so one cannot end or take over another's. The id is also the durable consumer's
 * name, which may hold neither dots nor wildcards — the pattern guarantees that.
 */
export function isSubscriptionIdOf(id: string, requester: Province): boolean {
  return idPattern.test(id) && id.startsWith(`${requester}-sub-`);
}

/** Publisher-chosen event ids: short, printable, usable in a JetStream message id. */
export const eventIdPattern = /^[\w.:-]{1,128}$/;

/**
 * The resource code of an entry id (`<province>.<code>`), the last token of its feed subject; a
 * code that could not be one subject token (dots, wildcards, spaces) has no feed.
 */
export function feedToken(resourceId: string): string | undefined {
  const dot = resourceId.indexOf('.');
  const code = dot < 0 ? '' : resourceId.slice(dot + 1);
  return /^[A-Za-z0-9_-]{1,100}$/.test(code) ? code : undefined;
}

/**
 * The items a delivery carries: those asked for that the decision allows, or every allowed item
 * when none were named. Order follows the request (or the decision) so batches read the same way.
 */
export function deliveredItems(requested: readonly string[], allowed: readonly string[]): string[] {
  if (requested.length === 0) return [...new Set(allowed)];
  const granted = new Set(allowed);
  return [...new Set(requested)].filter((i) => granted.has(i));
}

/** Names a batch by the stream sequence numbers it holds: a retry of the same events, the same id. */
export function batchId(seqs: readonly number[]): string {
  if (seqs.length === 0) return 'empty';
  return `${Math.min(...seqs)}-${Math.max(...seqs)}`;
}

/**
 * A policy decision the delivery may reuse. It is fresh for `ttlMs` after it was made, and never
 * once a revocation that may concern it was heard after it was asked for (`generation` counts those).
 */
export interface CachedDecision {
  decidedAt: number;
  generation: number;
}

export function isFresh(d: CachedDecision | undefined, now: number, ttlMs: number, generation: number): boolean {
  return d !== undefined && d.generation === generation && now >= d.decidedAt && now - d.decidedAt < ttlMs;
}

/** Delay before the next try after `failures` failed deliveries in a row: doubling, capped. */
export function retryDelay(failures: number, minMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 20));
}

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
