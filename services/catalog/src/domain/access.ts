/**
 * Who may see and change which catalogue entry (目录条目): the catalogue's access matrix, in one
 * place. A published entry is the region's: every signed-in user of any member province reads it,
 * with its published versions. Everything else about an entry — a draft, one submitted for review,
 * a withdrawn one, a version never published, who changed what — belongs to the agency that
 * provides it (its publishers) and to the province admin (数据主管部门), in the entry's own province.
 *
 * Whoever may not see an entry is answered as if it did not exist (404), so a draft's id cannot be
 * probed; whoever sees it (it is published) but may not change it is told why (403).
 */
import type { Principal } from '@yrd/auth';

/** The parts of a principal access depends on. */
export type Viewer = Pick<Principal, 'sub' | 'province' | 'agency' | 'roles'>;

/** A catalogue entry as access sees it. */
export interface EntryView {
  /** the province whose catalogue it belongs to */
  province: string;
  /** 'local': this province's own entry; 'federated': another province's, as the regional view holds it */
  origin: 'local' | 'federated';
  /** draft | submitted | published | withdrawn */
  status: string;
  /** credit code of the providing agency */
  providerAgency: string;
}

export const accessRules = {
  published: 'ACCESS.PUBLISHED',
  providerAgency: 'ACCESS.PROVIDER_AGENCY',
  provinceAdmin: 'ACCESS.PROVINCE_ADMIN',
  denied: 'ACCESS.DEFAULT_DENY',
} as const;
export type AccessRule = (typeof accessRules)[keyof typeof accessRules];

export interface AccessDecision {
  allow: boolean;
  rule: AccessRule;
  /** when denied to someone who may see the entry: the stable code of the 403 */
  code?: 'CATALOG.WRONG_PROVINCE' | 'CATALOG.NOT_YOUR_AGENCY';
}

const has = (v: Viewer, role: Principal['roles'][number]) => v.roles.includes(role);
const deny: AccessDecision = { allow: false, rule: accessRules.denied };

/**
 * The entry's owners: a publisher of the providing agency or the admin, both of the entry's own
 * province, and only for the province's own (local) entries.
 */
export function canManage(v: Viewer, e: EntryView): AccessDecision {
  if (e.origin !== 'local' || v.province !== e.province) return { ...deny, code: 'CATALOG.WRONG_PROVINCE' };
  if (has(v, 'admin')) return { allow: true, rule: accessRules.provinceAdmin };
  if (has(v, 'publisher') && e.providerAgency !== '' && v.agency === e.providerAgency)
    return { allow: true, rule: accessRules.providerAgency };
  return { ...deny, code: 'CATALOG.NOT_YOUR_AGENCY' };
}

/** Whether `v` may read the entry as it stands (no viewer: a service asking for the region's view). */
export function canRead(v: Viewer | undefined, e: EntryView): AccessDecision {
  if (e.status === 'published') return { allow: true, rule: accessRules.published };
  if (!v) return deny;
  const owner = canManage(v, e);
  return owner.allow ? owner : deny;
}

/** Who changed what and when: the owners only, whatever the entry's status. */
export function canReadHistory(v: Viewer, e: EntryView): AccessDecision {
  return canManage(v, e);
}

/**
 * One version as it was: a version that was published, of an entry the region still sees, for
 * everyone; a version never published (a draft's, a submitted one's) for the owners only.
 */
export function canReadVersion(v: Viewer, e: EntryView, versionStatus: string): AccessDecision {
  const entry = canRead(v, e);
  if (!entry.allow) return deny;
  if (versionStatus === 'published') return entry;
  const owner = canManage(v, e);
  return owner.allow ? owner : deny;
}

/**
 * The province's own entries in every state (an export with scope=own): all for the admin, the
 * agency's for a publisher; undefined when the caller has none to list.
 */
export type OwnEntriesFilter = { own: true } | { own: true; agency: string };

export function ownEntriesFilter(v: Viewer, province: string): OwnEntriesFilter | undefined {
  if (v.province !== province) return undefined;
  if (has(v, 'admin')) return { own: true };
  if (has(v, 'publisher') && v.agency !== '') return { own: true, agency: v.agency };
  return undefined;
}
