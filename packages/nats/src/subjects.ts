/**
 * Every subject the platform uses, in one place. Subjects that cross provinces exist only as
 * account exports/imports (see server-config.ts); everything else stays inside one account.
 */
import type { Province } from '@yrd/region';

export type LaneService = 'exchange' | 'consent' | 'audit' | 'certificate';

export const subjects = {
  /**
   * Lane of requester R into province P, for one service and operation; P exports `xchg.P.from.R.>`
   * to R only, so the requesting province is whatever lane the broker delivered on.
   */
  lane: (provider: Province, requester: Province, service: LaneService, op: string) =>
    `xchg.${provider}.from.${requester}.${service}.${op}`,
  /** what a service of province P listens on: every requester's lane (same-province calls included) */
  lanes: (provider: Province, service: LaneService) => `xchg.${provider}.from.*.${service}.*`,
  /** the lane export pattern itself */
  laneExport: (provider: Province, requester: Province) => `xchg.${provider}.from.${requester}.>`,
  catalogEvents: (p: Province) => `catalog.${p}.events`,
  catalogSync: (p: Province) => `catalog.${p}.sync`,
  revocations: (p: Province) => `consent.${p}.revocations`,
  /**
   * Heartbeats of a province's exchange service: NATS 2.9 sends no "no responders" across a service
   * import, so a requester learns that a provider is down from its silence, not from a timeout.
   */
  presence: (p: Province) => `presence.${p}.exchange`,
  /** a province's signed tree heads, exported to every other province, which witness them */
  treeHeads: (p: Province) => `sth.${p}`,
  /**
   * The state of a province's audit log (ok, or failed with a code), announced by its audit service on
   * every change and as a heartbeat; its exchange refuses to send or serve while the log is failed.
   * Internal to the province's account (not exported), and outside `audit.P.>`, so never in the stream.
   */
  auditState: (p: Province) => `auditlog.${p}.state`,
  /** JetStream subjects of a province's own audit stream (internal to its account) */
  audit: (p: Province, kind: string) => `audit.${p}.${kind}`,
  auditAll: (p: Province) => `audit.${p}.>`,
  /**
   * JetStream subject of one resource's change feed (订阅) in its provider's own stream. Internal to
   * the provider's account: events leave only through the exchange, granted items only, masked.
   */
  feed: (p: Province, resourceCode: string) => `feed.${p}.${resourceCode}`,
  feedAll: (p: Province) => `feed.${p}.>`,
} as const;

/** Reads the requesting province off a lane subject (`xchg.P.from.R.…`). */
export function laneRequester(subject: string): string | undefined {
  const parts = subject.split('.');
  return parts[0] === 'xchg' && parts[2] === 'from' ? parts[3] : undefined;
}

export const auditStream = (p: Province) => `AUDIT_${p.toUpperCase()}`;

/** The province's change-feed stream: one durable consumer per subscription reads it. */
export const feedStream = (p: Province) => `FEED_${p.toUpperCase()}`;
