/**
 * The side menu: what each role does in the console (issue 13, "What each user does in it"). A user
 * with several roles sees each role's screens once. `ready: false` marks a screen not built yet: it
 * is listed, disabled, so users see where it will be, and never linked.
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
  ready: boolean;
}

const staff: readonly Role[] = ['publisher', 'reviewer', 'requester', 'auditor', 'admin'];

const screens: (NavEntry & { roles: readonly Role[] | 'everyone' })[] = [
  { key: 'search', path: '/catalog', ready: true, roles: 'everyone' },
  { key: 'overview', path: '/overview', ready: true, roles: staff },
  { key: 'myEntries', path: '/my/entries', ready: true, roles: ['publisher'] },
  { key: 'reviewQueue', path: '/review', ready: true, roles: ['admin'] },
  { key: 'duties', path: '/admin/duties', ready: true, roles: ['admin'] },
  { key: 'compliance', path: '/admin/compliance', ready: true, roles: ['admin'] },
  { key: 'rules', path: '/admin/rules', ready: true, roles: ['admin'] },
  { key: 'myApplications', path: '/my/applications', ready: true, roles: ['requester'] },
  { key: 'myGrants', path: '/my/grants', ready: true, roles: ['requester'] },
  { key: 'subscriptions', path: '/my/subscriptions', ready: true, roles: ['requester'] },
  { key: 'worklist', path: '/worklist', ready: true, roles: ['reviewer', 'admin'] },
  { key: 'myConsents', path: '/my/consents', ready: true, roles: ['subject'] },
  { key: 'whoUsedMyData', path: '/my/data-use', ready: true, roles: ['subject'] },
  { key: 'audit', path: '/audit', ready: true, roles: ['auditor'] },
];

export function menuFor(roles: readonly Role[]): NavEntry[] {
  return screens
    .filter((s) => s.roles === 'everyone' || s.roles.some((r) => roles.includes(r)))
    .map(({ key, path, ready }) => ({ key, path, ready }));
}

/** The menu entry a location belongs to (the entry page belongs to the search). */
export function navKeyOf(pathname: string, entries: readonly NavEntry[]): NavKey | undefined {
  return entries
    .filter((e) => pathname === e.path || pathname.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]?.key;
}
