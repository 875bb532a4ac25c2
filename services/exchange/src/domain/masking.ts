/** Masking profiles (脱敏) applied by the provider to every value it serves. Pure functions. */

export const maskingProfiles = ['none', 'id_number', 'name', 'phone', 'address', 'credit_code', 'redact'] as const;
export type MaskingProfile = (typeof maskingProfiles)[number];

export function isMaskingProfile(v: string): v is MaskingProfile {
  return (maskingProfiles as readonly string[]).includes(v);
}

/** Keeps `head` leading and `tail` trailing characters and stars the rest, keeping the length. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return (
    chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('')
  );
}

export function mask(value: string, profile: string): string {
  switch (profile) {
    case 'none':
      return value;
    case 'id_number':
      return keepEnds(value, 3, 4);
    case 'name': {
      const chars = Array.from(value);
      if (chars.length === 0) return value;
      return (chars[0] ?? '') + '*'.repeat(chars.length - 1);
    }
    case 'phone':
      return keepEnds(value, 3, 4);
    case 'address': {
      const chars = Array.from(value);
      return `${chars.slice(0, 6).join('')}****`;
    }
    case 'credit_code':
      return keepEnds(value, 2, 4);
    default:
      // 'redact' and any profile this version does not know: reveal nothing
      return '***';
  }
}

/** Masks every field of a record with its item's profile; items without a profile stay as they are. */
export function maskRecord(fields: Record<string, string>, profiles: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = mask(v, profiles[k] ?? 'none');
  return out;
}
