/**
 * Who may see which consent record (申请 applications, 授权 grants, 授权书 consents): the access
 * matrix of the consent service, in one place. Every use case that reads, lists or acts on a record
 * by id asks here first; a record the caller may not see is answered as if it did not exist (404),
 * so ids cannot be probed. Only a caller who may see a record is told why it may not act on it (403).
 *
 * Access follows the agency as well as the province. Deny unless a row allows:
 * - the requesting agency (its requesters, in the province it applied from) sees its own
 *   applications and grants, wherever they are stored;
 * - the providing agency (its reviewers, in the provider province) sees the applications and grants
 *   of its own resources: its worklist;
 * - the provider province's data authority (数据主管部门, acting through the admin role: compliance
 *   review, second approval, coordination, escalations) sees every application and grant stored in
 *   its province;
 * - a data subject (持证主体) sees only the consents they gave, in the province that issued them.
 * Nobody else: not another agency's staff, not the data authority's own reviewers for another
 * agency's resource, not another province's admin, not an auditor (who reads the audit trail).
 */
import type { Principal } from '@yrd/auth';

/** The parts of a principal access depends on. */
export type Viewer = Pick<Principal, 'sub' | 'province' | 'agency' | 'roles'>;

/** An application or a grant, as access sees it: where it is stored and whose it is. */
export interface ExchangeRecordView {
  kind: 'application' | 'grant';
  /** the provider province, where the record is stored */
  province: string;
  requesterProvince: string;
  requesterAgency: string;
  /** the agency that provides the resource ('' when not known: then no agency row matches) */
  providerAgency: string;
}

/** A data subject's consent, as access sees it. */
export interface ConsentRecordView {
  kind: 'consent';
  /** the province that issued (signed) it */
  province: string;
  subjectUser: string;
}

export type ConsentServiceRecord = ExchangeRecordView | ConsentRecordView;

/** The rows of the matrix, by the relation the caller has to the record. */
export const accessRules = {
  requesterAgency: 'ACCESS.REQUESTER_AGENCY',
  providerAgency: 'ACCESS.PROVIDER_AGENCY',
  dataAuthority: 'ACCESS.DATA_AUTHORITY',
  subject: 'ACCESS.DATA_SUBJECT',
  denied: 'ACCESS.DEFAULT_DENY',
} as const;
export type AccessRule = (typeof accessRules)[keyof typeof accessRules];

export interface AccessDecision {
  allow: boolean;
  /** the row that allowed, or the default denial */
  rule: AccessRule;
  reason: string;
}

const has = (v: Viewer, role: string) => v.roles.includes(role as Principal['roles'][number]);
const sameAgency = (v: Viewer, agency: string) => agency !== '' && v.agency === agency;

const allow = (rule: AccessRule, reason: string): AccessDecision => ({ allow: true, rule, reason });
const deny: AccessDecision = {
  allow: false,
  rule: accessRules.denied,
  reason: '无权查看该记录 no row of the access matrix lets this caller see the record',
};

/** Whether `v` may see `r` (read it, and be told why it may not act on it). */
export function canRead(v: Viewer, r: ConsentServiceRecord): AccessDecision {
  if (r.kind === 'consent') {
    return has(v, 'subject') && v.province === r.province && r.subjectUser !== '' && v.sub === r.subjectUser
      ? allow(accessRules.subject, '本人的授权书 the subject’s own consent')
      : deny;
  }
  if (has(v, 'requester') && v.province === r.requesterProvince && sameAgency(v, r.requesterAgency))
    return allow(accessRules.requesterAgency, '本单位提出的申请 applied for by the caller’s agency');
  if (has(v, 'reviewer') && v.province === r.province && sameAgency(v, r.providerAgency))
    return allow(accessRules.providerAgency, '本单位提供的资源 a resource of the caller’s agency');
  if (has(v, 'admin') && v.province === r.province)
    return allow(accessRules.dataAuthority, '本省数据主管部门 the data authority of the provider province');
  return deny;
}

/** Revoking a grant is the providing agency's reviewers' (the caller must be able to see it first). */
export function canRevokeGrant(v: Viewer, r: ExchangeRecordView): boolean {
  return has(v, 'reviewer') && v.province === r.province && sameAgency(v, r.providerAgency);
}

/**
 * Which stored applications a worklist holds, by the same rows: all of the province's for its data
 * authority, the agency's own resources' for a reviewer; undefined when the caller has no worklist.
 * Applications the requesting agency made are read by id (they live at the provider province).
 */
export type WorklistFilter = { scope: 'province' } | { scope: 'providerAgency'; providerAgency: string };

export function worklistFilter(v: Viewer, province: string): WorklistFilter | undefined {
  if (v.province !== province) return undefined;
  if (has(v, 'admin')) return { scope: 'province' };
  if (has(v, 'reviewer') && v.agency !== '') return { scope: 'providerAgency', providerAgency: v.agency };
  return undefined;
}

/**
 * A consent asked for over another province's consent lane: only the province that provides the
 * consented resource gets it (to check a request made under it); any other gets "no such consent".
 */
export function canFetchConsentOverLane(requesterProvince: string, resourceProvince: string | undefined): boolean {
  return resourceProvince !== undefined && resourceProvince === requesterProvince;
}
