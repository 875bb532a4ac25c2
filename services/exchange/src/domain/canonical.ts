import { sha256Hex } from '@yrd/audit-events';
import { canonicalJson } from '@yrd/proto';
import { isValidIdNumber, subjectRefOfIdNumber } from '@yrd/region';

/** The canonical JSON of a record key: the same key always gives the same string (and hash). */
export { canonicalJson };

/**
 * Reference to the data subject of a query, for consent checks and audit — a hash, never the key.
 * A key that names a person by ID number refers to that person, whatever the item is called.
 */
export function subjectRef(key: Record<string, string>): string {
  const id = Object.values(key).find(isValidIdNumber);
  return id ? subjectRefOfIdNumber(id) : sha256Hex(canonicalJson(key));
}
