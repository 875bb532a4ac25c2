/**
 * Who may see and act on which exchange record: subscriptions (订阅, at the requester province) and
 * data-source settings (数据源, at the provider province). The exchange's access matrix, in one
 * place; deny unless a row allows.
 *
 * - A subscription is its subscribing agency's: that agency's requesters, in the province it was
 *   made from, read it, its events, and cancel it. Anyone else — another agency of the same
 *   province, the province admin, an auditor — is told it does not exist (404), so ids cannot be
 *   probed.
 * - A resource's data source is configured by the province admin or by a publisher of the agency
 *   the catalogue names as the resource's provider, in the provider province. The entry itself is
 *   public (the published catalogue), so one who may not configure it is told why (403); lists show
 *   the admin every configured source and a publisher those of its own agency.
 */
import type { Principal } from '@yrd/auth';

/** The parts of a principal access depends on. */
export type Viewer = Pick<Principal, 'sub' | 'province' | 'agency' | 'roles'>;

export interface SubscriptionView {
  /** the requester province, where the subscription is kept and read */
  province: string;
  /** the subscribing agency */
  requesterAgency: string;
}

export interface SourceView {
  /** the provider province */
  province: string;
  /** the agency the catalogue names as the resource's provider */
  providerAgency: string;
}

export const accessRules = {
  subscribingAgency: 'ACCESS.SUBSCRIBING_AGENCY',
  providerAgency: 'ACCESS.PROVIDER_AGENCY',
  provinceAdmin: 'ACCESS.PROVINCE_ADMIN',
  denied: 'ACCESS.DEFAULT_DENY',
} as const;
export type AccessRule = (typeof accessRules)[keyof typeof accessRules];

export interface AccessDecision {
  allow: boolean;
  rule: AccessRule;
}

const has = (v: Viewer, role: Principal['roles'][number]) => v.roles.includes(role);
const deny: AccessDecision = { allow: false, rule: accessRules.denied };

/** Read a subscription, its events, or cancel it. */
export function canUseSubscription(v: Viewer, s: SubscriptionView): AccessDecision {
  return has(v, 'requester') && v.province === s.province && s.requesterAgency !== '' && v.agency === s.requesterAgency
    ? { allow: true, rule: accessRules.subscribingAgency }
    : deny;
}

/** Whose subscriptions a list holds: the caller's agency's; undefined when the caller has none. */
export function subscriptionListFilter(v: Viewer, province: string): { province: string; agency: string } | undefined {
  if (!has(v, 'requester') || v.province !== province || v.agency === '') return undefined;
  return { province, agency: v.agency };
}

/** Configure (or reset) a resource's data source. */
export function canConfigureSource(v: Viewer, s: SourceView): AccessDecision {
  if (v.province !== s.province) return deny;
  if (has(v, 'admin')) return { allow: true, rule: accessRules.provinceAdmin };
  if (has(v, 'publisher') && s.providerAgency !== '' && v.agency === s.providerAgency)
    return { allow: true, rule: accessRules.providerAgency };
  return deny;
}

/**
 * Which configured sources a list shows: all of the province's for the admin, the agency's own for a
 * publisher; undefined for anyone else (who may configure none).
 */
export type SourceListFilter = { scope: 'province' } | { scope: 'providerAgency'; providerAgency: string };

export function sourceListFilter(v: Viewer, province: string): SourceListFilter | undefined {
  if (v.province !== province) return undefined;
  if (has(v, 'admin')) return { scope: 'province' };
  if (has(v, 'publisher') && v.agency !== '') return { scope: 'providerAgency', providerAgency: v.agency };
  return undefined;
}
