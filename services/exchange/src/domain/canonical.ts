import { createHash } from 'node:crypto';
import { isValidIdNumber, subjectRefOfIdNumber } from '@yrd/region';

/** JSON with keys sorted, so the same key always yields the same string (and hash). */
export function canonicalJson(obj: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(obj).sort()) sorted[k] = obj[k] ?? '';
  return JSON.stringify(sorted);
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Reference to the data subject of a query, for consent checks and audit — a hash, never the key.
 * A key that names a person by ID number refers to that person, whatever the item is called.
 */
export function subjectRef(key: Record<string, string>): string {
  const id = Object.values(key).find(isValidIdNumber);
  return id ? subjectRefOfIdNumber(id) : sha256Hex(canonicalJson(key));
}
