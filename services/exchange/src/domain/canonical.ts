import { canonicalJson } from '@yrd/proto/messages';
import type { SubjectRefs } from '@yrd/region';

/** The canonical JSON of a record key: the same key always gives the same string (and hash). */
export { canonicalJson };

/**
 * Reference to the data subject of a query, for consent checks and audit — a keyed HMAC under the
 * regional subject key, never the key itself. A key that names a person by ID number refers to that
 * person, whatever the item is called; any other key (a booking number, a phone…) to itself. With it
 * the id of the key that made it, as an audit event stores them side by side.
 */
export function subjectFields(
  refs: SubjectRefs,
  key: Record<string, string>,
): { subjectRef: string; subjectRefKeyId: string } {
  const { ref, keyId } = refs.ofKey(key);
  return { subjectRef: ref, subjectRefKeyId: keyId };
}
