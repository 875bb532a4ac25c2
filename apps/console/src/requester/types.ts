/** The consent service's answers as the generated client types them (never written by hand). */
import type { components, paths } from '@yrd/api-client';
import { detailFor } from '../api/detail';
import { toShownProblem } from '../api/problem';
import type { Language } from '../i18n';

export type OutgoingApplication = components['schemas']['OutgoingApplication'];
export type Application = components['schemas']['Application'];
export type OutgoingGrant = components['schemas']['OutgoingGrant'];
export type NewApplication = NonNullable<
  paths['/api/consent/v1/applications']['post']['requestBody']
>['content']['application/json'];

/** The modes a grant is asked for in (an exchange's query / verify / subscribe). */
export const applicationModes = ['query', 'verify', 'subscribe'] as const;
export type ApplicationMode = (typeof applicationModes)[number];
export const isApplicationMode = (v: unknown): v is ApplicationMode =>
  typeof v === 'string' && (applicationModes as readonly string[]).includes(v);

/**
 * Which modes of use an entry's 共享方式 can carry: a query runs over an interface or a file, a
 * verification over a verify interface (or a plain one), a subscription over a feed. Only to offer
 * the choice; the consent service judges the application against the entry.
 */
const carriedBy: Record<ApplicationMode, readonly string[]> = {
  query: ['interface', 'file'],
  verify: ['verify', 'interface'],
  subscribe: ['subscribe'],
};
export function modesOffered(sharingModes: readonly string[]): ApplicationMode[] {
  return applicationModes.filter((m) => carriedBy[m].some((s) => sharingModes.includes(s)));
}

export const grantStatuses = ['active', 'revoked', 'expired'] as const;
export type GrantStatus = (typeof grantStatuses)[number];
export const isGrantStatus = (v: unknown): v is GrantStatus =>
  typeof v === 'string' && (grantStatuses as readonly string[]).includes(v);

/** A day picked (YYYY-MM-DD) as the end of a validity: the end of that day in Beijing time. */
export function endOfBeijingDay(day: string): string {
  return `${day}T23:59:59+08:00`;
}

/**
 * Where a refusal belongs on the application form: the fields a REQUEST.INVALID names (`/purpose`),
 * and the field a consent refusal is about (its code says which). The rest is shown whole.
 */
export const applicationFieldOfCode: Record<string, keyof NewApplication> = {
  'CONSENT.UNKNOWN_ITEM': 'items',
  'CONSENT.VALID_UNTIL_PAST': 'validUntil',
  'CONSENT.MODE_NOT_ALLOWED': 'modes',
  'CONSENT.CONSENT_NOT_SUBSCRIBABLE': 'modes',
};
export function fieldErrors(
  error: unknown,
  language: Language,
  fieldOfCode: Record<string, string> = applicationFieldOfCode,
): { fields: Record<string, string>; placed: boolean } {
  if (!error) return { fields: {}, placed: false };
  const p = toShownProblem(error);
  if (p.kind !== 'problem') return { fields: {}, placed: false };
  const fields: Record<string, string> = {};
  for (const issue of p.issues) {
    const field = issue.path.replace(/^\//, '').split(/[/.]/)[0];
    if (field) fields[field] ??= detailFor(issue.message, language);
  }
  const coded = fieldOfCode[p.code];
  if (coded) fields[coded] ??= detailFor(p.detail, language);
  return { fields, placed: Object.keys(fields).length > 0 };
}

/** antd's error red (#ff4d4f) is 3.3:1 on white: field messages in a darker red, for WCAG AA */
export const fieldErrorTheme = { token: { colorError: '#a8071a' } };
