/** What the ids the consent services issue look like, and what they say. */
import { createHash } from 'node:crypto';
import { isProvince, type Province } from '@yrd/region';

/** The province an id was issued by: `zj-app-…`, `sh-consent-…`, `zj-grant-…`. */
export function provinceOfId(id: string): Province | undefined {
  const p = id.split('-', 1)[0];
  return isProvince(p) ? p : undefined;
}

/** What a consent id issued by a province looks like: `<province>-consent-<uuid>`. */
export const consentIdPattern = /^[a-z]{2}-consent-[0-9A-Za-z-]{1,64}$/;

/** What an Idempotency-Key may be: a UUID, or any 8 to 128 letters, digits and `.:_-`. */
export const idempotencyKeyPattern = /^[\w.:-]{8,128}$/;

/**
 * The id of the application a user's Idempotency-Key names at a provider: a UUID made from the
 * requester province, the user and the key (SHA-256, version 8), so the same submission sent again
 * finds the application it filed, and nobody else's key can name it.
 */
export function applicationIdFor(
  provider: Province,
  requester: { province: string; sub: string },
  key: string,
): string {
  const h = createHash('sha256')
    .update(`yrd-application\n${requester.province}\n${requester.sub}\n${key}`)
    .digest('hex');
  const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${provider}-app-${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
