/**
 * Bytes for the checks: hex, base64 and base64url, UTF-8, and SHA-256 by WebCrypto. The arrays are
 * always backed by a plain ArrayBuffer, as `crypto.subtle` takes them.
 */
export type Bytes = Uint8Array<ArrayBuffer>;

const HEX = /^(?:[0-9a-f]{2})*$/;

/** The bytes of lowercase hex; undefined when it is not hex. */
export function fromHex(hex: string): Bytes | undefined {
  if (!HEX.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Standard base64 with padding, as a checkpoint writes its root. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * The bytes of base64url without padding, as the API writes signatures; undefined unless it is the
 * canonical encoding (a signature with other spellings of the same bytes is refused, as the server does).
 */
export function fromBase64Url(s: string): Bytes | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  let bin: string;
  try {
    bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  const back = toBase64(out).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return back === s ? out : undefined;
}

const encoder = new TextEncoder();

export function utf8(s: string): Bytes {
  const encoded = encoder.encode(s);
  const out = new Uint8Array(encoded.length);
  out.set(encoded);
  return out;
}

export function concat(...parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
