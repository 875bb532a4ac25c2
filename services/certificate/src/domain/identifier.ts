/**
 * 电子证照标识 (after GB/T 36904): one identifier per version of a certificate.
 *
 *   1.2.156.3005.2 . <type code, 21> . <issuer credit code, 18> . <year, 4><serial, 8> . <version, 3> . <check, 1>
 *   e.g. 1.2.156.3005.2.91330000MA2AXXXXX1001.11330000002482XXXX.202600000042.001.K
 *
 * - `1.2.156.3005.2` is the OID arc that 电子证照标识 in public use start with; identifiers seen in
 *   public systems read root . type code (18 + 3) . issuer code (18) . serial (7 digits) .
 *   version (3 digits) . one check character, and we keep that order.
 * - type code: see catalogue.ts; issuer: the issuing agency's 统一社会信用代码.
 * - year of first issue + an 8-digit serial the issuer assigns per year. Published examples show a
 *   bare serial; the year is our choice, so an issuer's counter restarts yearly without collisions.
 * - version: 001 for the first issue, +1 for every 更新. Everything before the version is the
 *   certificate's `series`, the same for all its versions.
 * - check character: ISO/IEC 7064 MOD 37,36 over the digits and letters before it (dots skipped).
 *   GB/T 36904 has a single check character whose algorithm public material does not give; MOD
 *   37,36 is the ISO hybrid system for alphanumerics and catches every single-character error and
 *   every transposition of adjacent characters.
 */
import { isValidCreditCode } from '@yrd/region';

export const identifierRoot = '1.2.156.3005.2';
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface IdentifierParts {
  typeCode: string;
  issuerCode: string;
  year: number;
  serial: number;
  version: number;
}

/** ISO/IEC 7064 MOD 37,36 check character of a string of digits and upper-case letters. */
export function mod3736Check(body: string): string {
  const m = 36;
  let p = m;
  for (const ch of body) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new RangeError(`character ${ch} is outside 0-9A-Z`);
    let s = (p + v) % m;
    if (s === 0) s = m;
    p = (s * 2) % (m + 1);
  }
  return alphabet[(m + 1 - p) % m] as string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The part of an identifier that stays the same across versions. */
export function seriesOf(parts: Omit<IdentifierParts, 'version'>): string {
  return `${identifierRoot}.${parts.typeCode}.${parts.issuerCode}.${pad(parts.year, 4)}${pad(parts.serial, 8)}`;
}

export function formatIdentifier(parts: IdentifierParts): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}\d{3}$/.test(parts.typeCode)) throw new RangeError('type code: 18 + 3 characters');
  if (!isValidCreditCode(parts.issuerCode)) throw new RangeError('issuer code: a valid credit code');
  if (!Number.isInteger(parts.year) || parts.year < 1949 || parts.year > 9999) throw new RangeError('year');
  if (!Number.isInteger(parts.serial) || parts.serial < 1 || parts.serial > 99_999_999) throw new RangeError('serial');
  if (!Number.isInteger(parts.version) || parts.version < 1 || parts.version > 999) throw new RangeError('version');
  const body = `${seriesOf(parts)}.${pad(parts.version, 3)}`;
  return `${body}.${mod3736Check(body.replaceAll('.', ''))}`;
}

/** The parts of a well-formed identifier with a correct check character, else undefined. */
export function parseIdentifier(id: string): IdentifierParts | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^1\.2\.156\.3005\.2\.([0-9A-Z]{21})\.([0-9A-Z]{18})\.(\d{4})(\d{8})\.(\d{3})\.([0-9A-Z])$/.exec(id);
  if (!m) return undefined;
  const [, typeCode, issuerCode, year, serial, version, check] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const body = id.slice(0, -2).replaceAll('.', '');
  if (mod3736Check(body) !== check) return undefined;
  if (!isValidCreditCode(issuerCode) || !isValidCreditCode(typeCode.slice(0, 18))) return undefined;
  const parts = { typeCode, issuerCode, year: Number(year), serial: Number(serial), version: Number(version) };
  return parts.serial >= 1 && parts.version >= 1 ? parts : undefined;
}

export const isValidIdentifier = (id: string): boolean => parseIdentifier(id) !== undefined;

/** The identifier of the next version of the same certificate. */
export function nextVersionIdentifier(id: string): string | undefined {
  const parts = parseIdentifier(id);
  if (!parts || parts.version >= 999) return undefined;
  return formatIdentifier({ ...parts, version: parts.version + 1 });
}
