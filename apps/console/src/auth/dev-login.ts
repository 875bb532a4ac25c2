/**
 * How the demo signs in (dev mode only): the origin's seed users, and a token for one of them from
 * the edge of the user's own province. A real identity provider replaces this file and LoginPage.tsx.
 */
import { type ApiClient, unwrap } from '../api/client';
import { isProvince, type Province } from '../vocabulary';

/** The province this origin serves: its edge says so in /healthz, even when a service is down. */
export async function originProvince(api: ApiClient): Promise<Province | undefined> {
  const { data, error } = await api.GET('/healthz');
  const body: unknown = data ?? error;
  const province = typeof body === 'object' && body !== null ? (body as { province?: unknown }).province : undefined;
  return isProvince(province) ? province : undefined;
}

/** The seed users who may sign in here: the edge signs tokens for its own province's users only. */
export async function devUsersOf(api: ApiClient, province: Province | undefined) {
  const users = await unwrap(api.GET('/api/auth/v1/dev-users'));
  return province ? users.filter((u) => u.province === province) : users;
}

export async function devToken(api: ApiClient, user: string): Promise<string> {
  const r = await unwrap(api.POST('/api/auth/v1/dev-token', { body: { user } }));
  return r.token;
}
