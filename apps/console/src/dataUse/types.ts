/** The audit service's answer to 谁用了我的数据, as the generated client types it (never written by hand). */
import type { components } from '@yrd/api-client';

export type DataUseAnswer = components['schemas']['DataUseAnswer'];
export type DataUseLine = components['schemas']['DataUseLine'];

export const useModes = ['query', 'verify', 'subscribe'] as const;
export type UseMode = (typeof useModes)[number];
/** A mode the page has words for; another (a mode added later) is told as a query. */
export const useModeOf = (mode: string): UseMode =>
  ((useModes as readonly string[]).find((m) => m === mode) as UseMode) ?? 'query';

/** The periods a person picks from: the API takes any window, these are the ones offered. */
export const periods = ['all', '7d', '30d', '365d'] as const;
export type Period = (typeof periods)[number];
export const isPeriod = (v: unknown): v is Period =>
  typeof v === 'string' && (periods as readonly string[]).includes(v);

const days: Record<Exclude<Period, 'all'>, number> = { '7d': 7, '30d': 30, '365d': 365 };

/** The start of a period, as the API's `from` (none for all time). */
export function periodStart(period: Period, now: Date): string | undefined {
  if (period === 'all') return undefined;
  return new Date(now.getTime() - days[period] * 86_400_000).toISOString();
}

export const refusalReasons = [
  'consentRequired',
  'consentRevoked',
  'consentUnknown',
  'grantMissing',
  'notShared',
  'itemNotGranted',
] as const;
export type RefusalReason = (typeof refusalReasons)[number] | 'other';

const reasonByCode: Record<string, RefusalReason> = {
  'CONSENT.CONSENT_REQUIRED': 'consentRequired',
  'CONSENT.CONSENT_REVOKED': 'consentRevoked',
  'CONSENT.UNKNOWN_CONSENT': 'consentUnknown',
  'CONSENT.CONSENT_EXPIRED': 'consentUnknown',
  'CONSENT.CONSENT_MISMATCH': 'consentUnknown',
  'CONSENT.CONSENT_SUBJECT_MISMATCH': 'consentUnknown',
  'CONSENT.CONSENT_RESOURCE_MISMATCH': 'consentUnknown',
  'CONSENT.CONSENT_PURPOSE_MISMATCH': 'consentUnknown',
  'CONSENT.CONSENT_NOT_YOURS': 'consentUnknown',
  'CONSENT.CONSENT_SIGNATURE_INVALID': 'consentUnknown',
  'CONSENT.CONSENT_NOT_FOUND': 'consentUnknown',
  'CONSENT.CONSENT_USED': 'consentUnknown',
  'CONSENT.NO_GRANT': 'grantMissing',
  'CONSENT.MODE_NOT_GRANTED': 'grantMissing',
  'CONSENT.ITEMS_NOT_GRANTED': 'itemNotGranted',
  'CONSENT.GRANT_NOT_FOUND': 'grantMissing',
  'CONSENT.GRANT_REVOKED': 'grantMissing',
  'CONSENT.GRANT_EXPIRED': 'grantMissing',
  'CONSENT.GRANT_MISMATCH': 'grantMissing',
  'CONSENT.GRANT_NOT_YOURS': 'grantMissing',
  'CONSENT.NOT_SHARED': 'notShared',
  'CONSENT.CORE_DATA_LOCAL': 'notShared',
  'EXCHANGE.ITEM_NOT_GRANTED': 'itemNotGranted',
};

/** The plain words for a refusal's stable code; `other` shows the code itself. */
export const refusalReasonOf = (code: string): RefusalReason => reasonByCode[code] ?? 'other';
