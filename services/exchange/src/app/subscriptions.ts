import type { feedV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { SubscriptionStatus } from '../domain/subscription.js';

export type SubscriptionSide = 'provider' | 'requester';

/** Who subscribed, as the requester province's signed token said; Authorize is asked again for them. */
export interface Subscriber {
  userId: string;
  agency: string;
  roles: string[];
  kind: string;
}

export interface Subscription {
  side: SubscriptionSide;
  id: string;
  resourceId: string;
  providerProvince: Province;
  requesterProvince: Province;
  requester: Subscriber;
  purpose: string;
  grantId: string;
  /** asked for; [] = every granted item */
  items: string[];
  /** as decided when it started */
  grantedItems: string[];
  masking: Record<string, string>;
  status: SubscriptionStatus;
  endCode: string;
  endReason: string;
  /** ISO 8601, '' while not ended */
  endedAt: string;
  /** provider side: the end still has to be audited and told to the requester */
  endPending: boolean;
  createdAt: string;
}

/**
 * A page of the events the requester stored, oldest first, as its readers get it: `json` is a JSON
 * array of `{cursor, id, fields, publishedAt, receivedAt}` (the API's `listSubscriptionEvents`
 * shape), written by the store, because each event's fields are kept as the JSON text they came
 * as and a page is handed on unread. `last` is the last event's cursor, what a reader passes as
 * `after` next; absent when the page is empty.
 */
export interface ReceivedPage {
  json: string;
  last: string | undefined;
}

export type ReceiveOutcome =
  | { kind: 'stored'; stored: number; duplicates: number }
  | { kind: 'unknown' }
  | { kind: 'ended' };

export interface SubscriptionStore {
  /** false when a subscription with this side and id exists already */
  insert(s: Subscription): Promise<boolean>;
  get(side: SubscriptionSide, id: string): Promise<Subscription | undefined>;
  withStatus(side: SubscriptionSide, status: SubscriptionStatus): Promise<Subscription[]>;
  /** provider side: ended subscriptions whose end is not yet audited and told */
  endPending(): Promise<Subscription[]>;
  /** requester side: the subscriptions of one agency, newest first */
  ofAgency(requester: Province, agency: string, limit: number): Promise<Subscription[]>;
  /**
   * requester side: → active with what the provider decided (a first delivery may have made it active
   * already); false when it ended meanwhile
   */
  activate(
    id: string,
    decided: { grantedItems: string[]; masking: Record<string, string>; grantId: string },
  ): Promise<boolean>;
  /** → ended, unless ended already (then false and nothing changes) */
  end(
    side: SubscriptionSide,
    id: string,
    e: { code: string; reason: string; at: string; pending: boolean },
  ): Promise<boolean>;
  /** provider side: the end is audited and the requester knows */
  endSettled(id: string): Promise<void>;
  remove(side: SubscriptionSide, id: string): Promise<void>;
  /**
   * Requester side: stores the events of one batch, each at most once, with the subscription locked
   * so batches are stored one after another; `within` runs before the commit (the audit event), and
   * its failure stores nothing.
   */
  receive(
    id: string,
    events: readonly feedV1.FeedEvent[],
    at: string,
    within: (outcome: { stored: number; duplicates: number }) => Promise<void>,
  ): Promise<ReceiveOutcome>;
  /** requester side: events after the cursor, oldest first */
  events(id: string, after: number, limit: number): Promise<ReceivedPage>;
}

/** A batch pulled from a subscription's durable consumer; nothing is acknowledged until `ack`. */
export interface PulledBatch {
  events: { seq: number; record: feedV1.FeedRecord }[];
  /** acknowledges every event of the batch, once JetStream confirmed it */
  ack(): Promise<void>;
  /** still being worked on: JetStream must not hand the events out again yet */
  keepAlive(): void;
  /** not delivered: JetStream hands the events out again at once */
  release(): void;
  /**
   * Runs work on the batch (a delivery attempt) in the trace its events were published in, so the
   * publisher's trace goes on to the requester's store and audit log.
   */
  within<T>(work: () => Promise<T>): Promise<T>;
}

export interface FeedReader {
  /** waits up to `waitMs` for events; undefined when none came */
  next(max: number, waitMs: number): Promise<PulledBatch | undefined>;
}

/** The provider's own change-feed stream and the durable consumer of each subscription. */
export interface FeedLog {
  ensure(): Promise<void>;
  /**
   * Appends a publish call's records (each as its event id and its encoding, a feedV1.FeedRecord, as
   * the caller hashed it), in as few stream messages as fit; answers the ids of the events the
   * stream took as new (a message the stream already held, e.g. sent again after a crash, is not).
   */
  append(
    resourceId: string,
    records: readonly { eventId: string; bytes: Uint8Array }[],
  ): Promise<{ appended: ReadonlySet<string> }>;
  /** creates the subscription's durable consumer: events published from now on, of that resource */
  open(subscriptionId: string, resourceId: string): Promise<void>;
  reader(subscriptionId: string): Promise<FeedReader>;
  /** deletes the consumer; gone already is fine */
  close(subscriptionId: string): Promise<void>;
}

/**
 * The event ids the provider published, per resource: how a publisher's retry is told from a new
 * event. Looked up before the stream append and written after it, so a crash in between can publish
 * an event twice (every requester stores an event once) but never loses one.
 */
export interface PublishedEvents {
  /** those of `ids` published already */
  known(resourceId: string, ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** records the ids as published; answers those that were not recorded before */
  record(resourceId: string, ids: readonly string[], at: string): Promise<ReadonlySet<string>>;
  /** forgets ids the feed stream no longer keeps (older than its retention); answers how many */
  prune(now: Date): Promise<number>;
}

export type ProviderOp = 'subscribe' | 'unsubscribe';
export type RequesterOp = 'deliver' | 'ended';

/**
 * A message as it arrived on a lane, with the bytes it came as: the audit record hashes those bytes,
 * as the sending province hashed them, so the two records can be matched.
 */
export interface Arrived<T> {
  message: T;
  bytes: Uint8Array;
}

/** The lanes between the two provinces of a subscription (NATS in production). */
export interface SubscriptionLanes {
  /** on the requester's lane into the provider */
  toProvider(provider: Province, requester: Province, op: ProviderOp, data: Uint8Array): Promise<Uint8Array>;
  /** on the provider's lane into the requester */
  toRequester(requester: Province, provider: Province, op: RequesterOp, data: Uint8Array): Promise<Uint8Array>;
}

/** What the feed API needs to know of a catalogue entry. */
export interface FeedEntry {
  id: string;
  province: string;
  providerCode: string;
  status: string;
  sharingModes: string[];
  items: string[];
}

export interface FeedCatalog {
  entry(resourceId: string): Promise<FeedEntry | undefined>;
}

/** Whether a province's exchange is known to be down (its heartbeats stopped). */
export interface Liveness {
  isDown(p: Province): boolean;
}

export type { PendingEvent } from './trail.js';

/** Tunables of delivery; tests shorten them. */
export interface FeedSettings {
  /**
   * events per delivered batch at most (default 1000), unless one publish call's message holds more
   * (a batch holds whole stream messages); a batch is also kept under half the largest message the
   * broker takes. Each batch costs an Authorize (unless cached), two audit events and
   * one transaction at the requester, so larger batches are cheaper per event.
   */
  batchSize: number;
  /** how long a delivery waits for new events before it looks at its subscription again (ms, ≥ 1000) */
  idleWaitMs: number;
  /** how long a policy decision is reused (ms); a revocation heard ends that at once */
  decisionTtlMs: number;
  /** delay after a failed delivery, doubling up to retryMaxMs */
  retryMinMs: number;
  retryMaxMs: number;
  /** how often every subscription is checked even when no events flow (ms): expiry, lost ends */
  recheckMs: number;
}

export const defaultFeedSettings: FeedSettings = {
  batchSize: 1000,
  idleWaitMs: 2000,
  decisionTtlMs: 2000,
  retryMinMs: 200,
  retryMaxMs: 10_000,
  recheckMs: 30_000,
};
