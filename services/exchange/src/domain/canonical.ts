import { createHash } from 'node:crypto';

/** JSON with keys sorted, so the same key always yields the same string (and hash). */
export function canonicalJson(obj: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(obj).sort()) sorted[k] = obj[k] ?? '';
  return JSON.stringify(sorted);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reference to a data subject for consent checks and audit: a hash of the key, never the key. */
export function subjectRef(key: Record<string, string>): string {
  return sha256Hex(canonicalJson(key));
}
