/**
 * The side menu: what each role does in the console (issue 13, "What each user does in it"). A user
 * with several roles sees each role's screens once. `ready: false` marks a screen not built yet: it
 * is listed, disabled, so users see where it will be, and never linked.
 */
import type { Role } from '../vocabulary';

export type NavKey =
  | 'search'
  | 'myEntries'
  | 'reviewQueue'
  | 'myApplications'
  | 'myGrants'
  | 'worklist'
  | 'myConsents'
  | 'whoUsedMyData'
  | 'audit';

export interface NavEntry {
  key: NavKey;
  path: string;
  ready: boolean;
}

const screens: (NavEntry & { roles: readonly Role[] | 'everyone' })[] = [
  { key: 'search', path: '/catalog', ready: true, roles: 'everyone' },
  { key: 'myEntries', path: '/my/entries', ready: false, roles: ['publisher'] },
  { key: 'reviewQueue', path: '/review', ready: false, roles: ['admin'] },
  { key: 'myApplications', path: '/my/applications', ready: false, roles: ['requester'] },
  { key: 'myGrants', path: '/my/grants', ready: false, roles: ['requester'] },
  { key: 'worklist', path: '/worklist', ready: true, roles: ['reviewer'] },
  { key: 'myConsents', path: '/my/consents', ready: true, roles: ['subject'] },
  { key: 'whoUsedMyData', path: '/my/data-use', ready: false, roles: ['subject'] },
  { key: 'audit', path: '/audit', ready: false, roles: ['auditor'] },
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
