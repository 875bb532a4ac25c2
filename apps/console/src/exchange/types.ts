/** The exchange's and the grant's answers as the generated client types them (never written by hand). */
import type { paths, Schemas } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Grant = Schemas['Grant'];
export type GrantMode = Grant['modes'][number];
export type Resource = Schemas['Resource'];
export type Subscription = Schemas['Subscription'];
export type QueryAnswer = Json<paths['/api/exchange/v1/queries']['post']['responses'][200]>;
export type VerificationAnswer = Json<paths['/api/exchange/v1/verifications']['post']['responses'][200]>;
export type EventsPage = Json<paths['/api/exchange/v1/subscriptions/{id}/events']['get']['responses'][200]>;
export type FeedEvent = EventsPage['events'][number];

export const grantStatuses = ['active', 'revoked', 'expired'] as const;
export type GrantStatus = (typeof grantStatuses)[number];
export const isGrantStatus = (v: string): v is GrantStatus => (grantStatuses as readonly string[]).includes(v);

export const subscriptionStates = ['pending', 'active', 'ended'] as const;
export type SubscriptionState = (typeof subscriptionStates)[number];

/** 脱敏规则 the provider applies (the masking package's profiles); an unknown one is shown by its name. */
export const maskingRules = ['none', 'name', 'phone', 'id_number', 'address', 'credit_code', 'redact'] as const;
export type MaskingRule = (typeof maskingRules)[number];
export const isMaskingRule = (v: string): v is MaskingRule => (maskingRules as readonly string[]).includes(v);

/** Whether the API says an item's values were masked: any rule but `none` (an item without one is redacted). */
export const isMasked = (masking: Readonly<Record<string, string>>, item: string): boolean =>
  (masking[item] ?? 'redact') !== 'none';
