/** The consent service's answers as the generated client types them (never written by hand). */
import type { paths } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type ConsentList = Json<paths['/api/consent/v1/consents']['get']['responses'][200]>;
export type Consent = ConsentList['consents'][number];
export type NewConsent = NonNullable<
  paths['/api/consent/v1/consents']['post']['requestBody']
>['content']['application/json'];

export const consentStatuses = ['active', 'revoked', 'expired'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];
export const isConsentStatus = (v: string): v is ConsentStatus => (consentStatuses as readonly string[]).includes(v);

export const fetchTypes = ['periodic', 'once'] as const;
export type FetchType = (typeof fetchTypes)[number];
export const isFetchType = (v: string): v is FetchType => (fetchTypes as readonly string[]).includes(v);

/** A day the person picks (YYYY-MM-DD) as the consent's end: the end of that day in Beijing time. */
export function endOfBeijingDay(day: string): string {
  return `${day}T23:59:59+08:00`;
}
