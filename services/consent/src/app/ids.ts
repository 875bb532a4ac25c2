/** What the ids the consent services issue look like, and what they say. */
import { isProvince, type Province } from '@yrd/region';

/** The province an id was issued by: `zj-app-…`, `sh-consent-…`, `zj-grant-…`. */
export function provinceOfId(id: string): Province | undefined {
  const p = id.split('-', 1)[0];
  return isProvince(p) ? p : undefined;
}

/** What a consent id issued by a province looks like: `<province>-consent-<uuid>`. */
export const consentIdPattern = /^[a-z]{2}-consent-[0-9A-Za-z-]{1,64}$/;
