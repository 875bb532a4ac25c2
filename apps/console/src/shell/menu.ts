/**
 * The side menu: what each role does in the console (issue 13, "What each user does in it"). A user
 * with several roles sees each role's screens once.
 */
import type { Role } from '../vocabulary';

export type NavKey =
  | 'search'
  | 'overview'
  | 'myEntries'
  | 'reviewQueue'
  | 'duties'
  | 'compliance'
  | 'rules'
  | 'myApplications'
  | 'myGrants'
  | 'subscriptions'
  | 'worklist'
  | 'myConsents'
  | 'whoUsedMyData'
  | 'audit';

export interface NavEntry {
  key: NavKey;
  path: string;
}

const staff: readonly Role[] = ['publisher', 'reviewer', 'requester', 'auditor', 'admin'];

const screens: (NavEntry & { roles: readonly Role[] | 'everyone' })[] = [
  { key: 'search', path: '/catalog', roles: 'everyone' },
  { key: 'overview', path: '/overview', roles: staff },
  { key: 'myEntries', path: '/my/entries', roles: ['publisher'] },
  { key: 'reviewQueue', path: '/review', roles: ['admin'] },
  { key: 'duties', path: '/admin/duties', roles: ['admin'] },
  { key: 'compliance', path: '/admin/compliance', roles: ['admin'] },
  { key: 'rules', path: '/admin/rules', roles: ['admin'] },
  { key: 'myApplications', path: '/my/applications', roles: ['requester'] },
  { key: 'myGrants', path: '/my/grants', roles: ['requester'] },
  { key: 'subscriptions', path: '/my/subscriptions', roles: ['requester'] },
  { key: 'worklist', path: '/worklist', roles: ['reviewer', 'admin'] },
  { key: 'myConsents', path: '/my/consents', roles: ['subject'] },
  { key: 'whoUsedMyData', path: '/my/data-use', roles: ['subject'] },
  { key: 'audit', path: '/audit', roles: ['auditor'] },
];

export function menuFor(roles: readonly Role[]): NavEntry[] {
  return screens
    .filter((s) => s.roles === 'everyone' || s.roles.some((r) => roles.includes(r)))
    .map(({ key, path }) => ({ key, path }));
}

/** The menu entry a location belongs to (the entry page belongs to the search). */
export function navKeyOf(pathname: string, entries: readonly NavEntry[]): NavKey | undefined {
  return entries
    .filter((e) => pathname === e.path || pathname.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]?.key;
}
