/**
 * Bytes and text for signed artefacts: strict base64url (no padding; anything else is refused, so
 * one value has one encoding and a tampered character cannot slip through a lenient decoder) and
 * RFC 8785 canonical JSON.
 */
import { canonicalJson } from '@yrd/canonical';

const b64url = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array | string): string {
  return (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes)).toString('base64url');
}

/** The bytes of a base64url string, or undefined when it is not canonical base64url. */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !b64url.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // refuses non-zero trailing bits, which would give two strings for the same bytes
  if (bytes.toString('base64url') !== text) return undefined;
  return new Uint8Array(bytes);
}

export const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** UTF-8 text of bytes, or undefined when they are not valid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** JSON parsed from base64url text, or undefined. */
export function jsonFromBase64url(text: string): unknown {
  const bytes = fromBase64url(text);
  const str = bytes && fromUtf8(bytes);
  if (str === undefined) return undefined;
  try {
    return JSON.parse(str) as unknown;
  } catch {
    return undefined;
  }
}

export const canonicalBase64url = (value: unknown): string => toBase64url(canonicalJson(value));
