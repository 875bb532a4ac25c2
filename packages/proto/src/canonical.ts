/**
 * Canonical JSON of a message: object keys sorted at every level, undefined fields left out, no
 * whitespace. The same message always gives the same bytes, so they can be signed (consent
 * artefacts), hashed (audit payloads, record keys) or compared (catalogue versions).
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
