/**
 * Selective disclosure, SD-JWT style (RFC 9901): each field of a certificate becomes a disclosure
 * `base64url(JSON [salt, name, value])`; the signed certificate carries only the digests of the
 * disclosures (the suite's hash — SHA-256 or SM3 — of the disclosure's ASCII, base64url), sorted so
 * their order says nothing about the fields. The holder shows the disclosures of the fields they
 * choose; the verifier hashes each one and finds it among the signed digests. A salt of at least
 * 128 random bits keeps a digest from being matched by guessing the value (a birth date, a district).
 */
import type { FieldValue } from './catalogue.js';
import { fromBase64url, jsonFromBase64url, toBase64url, utf8 } from './encoding.js';
import type { Suite, SuiteVerifier } from './suite.js';

export const minSaltBytes = 16;

export interface Disclosure {
  /** the base64url disclosure as it travels */
  encoded: string;
  salt: string;
  name: string;
  value: FieldValue;
}

export function makeDisclosure(salt: Uint8Array, name: string, value: FieldValue): Disclosure {
  if (salt.length < minSaltBytes) throw new RangeError(`a disclosure salt has at least ${minSaltBytes} bytes`);
  const s = toBase64url(salt);
  return { encoded: toBase64url(JSON.stringify([s, name, value])), salt: s, name, value };
}

export function disclosureDigest(verifier: SuiteVerifier, suite: Suite, encoded: string): string {
  return toBase64url(verifier.hash(suite, utf8(encoded)));
}

/** A disclosure decoded from its travelling form, or undefined when it is not [salt, name, value]. */
export function decodeDisclosure(encoded: string): Disclosure | undefined {
  const arr = jsonFromBase64url(encoded);
  if (!Array.isArray(arr) || arr.length !== 3) return undefined;
  const [salt, name, value] = arr as unknown[];
  if (typeof salt !== 'string' || (fromBase64url(salt)?.length ?? 0) < minSaltBytes) return undefined;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(name)) return undefined;
  if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value)))
    return undefined;
  return { encoded, salt, name, value };
}
