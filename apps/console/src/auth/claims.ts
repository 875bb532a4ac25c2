/**
 * What the console reads from a bearer token: who the user is, for the header and the menu. The
 * console never checks the signature — the services do, on every call; a forged token shows a
 * name and gets refusals.
 */
import { isProvince, isRole, type Province, type Role } from '../vocabulary';

export interface Claims {
  sub: string;
  name: string;
  agency: string;
  province: Province;
  roles: Role[];
  /** seconds since the epoch; absent: the identity provider did not say */
  exp?: number;
}

function base64UrlToText(part: string): string {
  const b64 = part
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT, or undefined when the token is not one the console understands. */
export function decodeClaims(token: string): Claims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(base64UrlToText(payload));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Record<string, unknown>;
  if (typeof c.sub !== 'string' || !isProvince(c.province)) return undefined;
  return {
    sub: c.sub,
    name: typeof c.name === 'string' ? c.name : c.sub,
    agency: typeof c.agency === 'string' ? c.agency : '',
    province: c.province,
    roles: Array.isArray(c.roles) ? c.roles.filter(isRole) : [],
    ...(typeof c.exp === 'number' ? { exp: c.exp } : {}),
  };
}

/** Whether the token has run out at `now` (a token without `exp` is left to the services to refuse). */
export function isExpired(claims: Claims, now: Date): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= now.getTime();
}
