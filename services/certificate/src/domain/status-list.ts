/**
 * Status lists after the W3C Bitstring Status List: a province publishes, per purpose, one long
 * bitstring in which every certificate owns one bit at a random index; 1 means revoked (注销, or an
 * old version superseded by 更新) in a `revocation` list and suspended (中止) in a `suspension` list.
 * A verifier downloads the whole list — from anywhere, or from its cache when offline — and reads
 * the bit itself, so nobody learns which certificate it checks. Herd privacy needs a crowd: a list
 * has at least 131,072 entries (16 KiB, the W3C minimum) and indexes are drawn at random, so an
 * index says nothing about when or by whom a certificate was issued.
 *
 * Bit order is the W3C one: index 0 is the most significant bit of the first byte. `encodedList` is
 * the gzip of the bitstring in base64url (no multibase prefix: our lists are read only by us).
 * The province signs the list as a whole, with its issue time and a time after which a verifier
 * should treat its copy as stale.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { isProvince, type Province } from '@yrd/region';
import { fromBase64url, toBase64url } from './encoding.js';
import { type Bilingual, certificateErrorCodes, refusal } from './errors.js';
import { artefactTypes, openArtefact, signArtefact, verifyArtefact } from './signed.js';
import type { SuiteSigner, SuiteVerifier } from './suite.js';

export const minStatusListSize = 131_072;
export const statusPurposes = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof statusPurposes)[number];

/** A bitstring; treat as immutable (withBit returns a copy). */
export type Bitstring = Uint8Array;

export function newBitstring(size = minStatusListSize): Bitstring {
  if (!Number.isInteger(size) || size < minStatusListSize || size % 8 !== 0)
    throw new RangeError(`a status list has at least ${minStatusListSize} entries, a multiple of 8`);
  return new Uint8Array(size / 8);
}

export function getBit(bits: Bitstring, index: number): boolean {
  checkIndex(bits, index);
  return ((bits[index >> 3] as number) & (0x80 >> (index & 7))) !== 0;
}

export function withBit(bits: Bitstring, index: number, value: boolean): Bitstring {
  checkIndex(bits, index);
  const out = bits.slice();
  const byte = out[index >> 3] as number;
  out[index >> 3] = value ? byte | (0x80 >> (index & 7)) : byte & ~(0x80 >> (index & 7));
  return out;
}

function checkIndex(bits: Bitstring, index: number) {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8)
    throw new RangeError(`status index ${index} is outside the list`);
}

export function encodeBitstring(bits: Bitstring): string {
  return toBase64url(gzipSync(bits, { level: 9 }));
}

/** The bitstring of an encodedList of `size` entries, or undefined (never more than size/8 bytes inflated). */
export function decodeBitstring(encoded: string, size: number): Bitstring | undefined {
  const gz = fromBase64url(encoded);
  if (!gz || !Number.isInteger(size) || size < minStatusListSize || size % 8 !== 0) return undefined;
  try {
    const bits = gunzipSync(gz, { maxOutputLength: size / 8 });
    return bits.length === size / 8 ? new Uint8Array(bits) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A free index drawn at random. `taken` says which indexes certificates already own (in either
 * purpose: one index serves both lists of a pair); `randomInt(n)` is uniform in [0, n) — the
 * service passes node:crypto's randomInt. After 64 unlucky draws (a list more than ~93% full) it
 * scans from a random point, so a nearly full list still finds its last free bits.
 */
export function allocateIndex(
  size: number,
  taken: (index: number) => boolean,
  randomInt: (n: number) => number,
): number {
  for (let i = 0; i < 64; i++) {
    const idx = randomInt(size);
    if (!taken(idx)) return idx;
  }
  const start = randomInt(size);
  for (let k = 0; k < size; k++) {
    const idx = (start + k) % size;
    if (!taken(idx)) return idx;
  }
  throw refusal(
    certificateErrorCodes.statusListFull,
    'conflict',
    '状态列表已满，须启用新列表',
    'the status list is full: start a new list',
  );
}

export interface StatusListPayload {
  province: Province;
  /** the list pair's id, e.g. `zj-1`; a certificate names it with its index */
  list: string;
  purpose: StatusPurpose;
  size: number;
  encodedList: string;
  /** seconds since the epoch */
  issuedAt: number;
  /** after this a verifier reports its copy as stale (status unknown) */
  validUntil: number;
}

export function signStatusList(provinceRoot: SuiteSigner, payload: StatusListPayload): string {
  return signArtefact(provinceRoot, artefactTypes.statusList, payload);
}

/** A signed list whose signature and encoding were checked once, ready for many reads (a verifier's cache). */
export interface VerifiedStatusList {
  province: Province;
  list: string;
  purpose: StatusPurpose;
  size: number;
  bits: Bitstring;
  issuedAt: number;
  validUntil: number;
}

type ProvinceKeys = readonly { province: Province; kid: string; publicKey: string; suite: string }[];

/** Checks a signed status list against the trust list's root keys and decodes it. */
export function verifyStatusList(
  compact: string,
  provinceKeys: ProvinceKeys,
  verifier: SuiteVerifier,
): { ok: true; list: VerifiedStatusList } | { ok: false; reason: Bilingual } {
  const bad = (zh: string, en: string) => ({ ok: false as const, reason: { zh, en } });
  const opened = openArtefact(compact, artefactTypes.statusList);
  if (!opened.ok) return { ok: false, reason: opened.reason };
  const p = opened.artefact.payload;
  if (!isStatusListPayload(p)) return bad('状态列表内容无效', 'the status list payload is invalid');
  const root = provinceKeys.find(
    (k) => k.province === p.province && k.kid === opened.artefact.header.kid && k.suite === opened.artefact.header.alg,
  );
  if (!root) return bad('状态列表签名密钥不在信任列表中', 'the status list key is not in the trust list');
  if (!verifyArtefact(opened.artefact, verifier, root.publicKey))
    return bad('状态列表签名无效', 'the status list signature is invalid');
  const bits = decodeBitstring(p.encodedList, p.size);
  if (!bits) return bad('状态列表无法解码', 'the status list cannot be decoded');
  const { encodedList: _encoded, ...rest } = p;
  return { ok: true, list: { ...rest, bits } };
}

/** What reading one bit from a signed list found. */
export type StatusRead =
  | { ok: true; set: boolean; issuedAt: number; validUntil: number }
  | { ok: false; reason: Bilingual };

export const notTheListAskedFor: Bilingual = { zh: '不是所需的状态列表', en: 'not the status list asked for' };

/**
 * Reads bit `index` of a status list — a compact signed one (checked against the province's root
 * key here) or one verified earlier — after checking it is the list asked for.
 */
export function readStatusBit(
  source: string | VerifiedStatusList,
  want: { province: Province; list: string; purpose: StatusPurpose; index: number },
  provinceKeys: ProvinceKeys,
  verifier: SuiteVerifier,
): StatusRead {
  let list: VerifiedStatusList;
  if (typeof source === 'string') {
    // skip the signature check of a list that is not the one asked for
    const peek = openArtefact(source, artefactTypes.statusList);
    const p = peek.ok ? peek.artefact.payload : undefined;
    if (isStatusListPayload(p) && (p.province !== want.province || p.list !== want.list || p.purpose !== want.purpose))
      return { ok: false, reason: notTheListAskedFor };
    const verified = verifyStatusList(source, provinceKeys, verifier);
    if (!verified.ok) return verified;
    list = verified.list;
  } else {
    list = source;
  }
  if (list.province !== want.province || list.list !== want.list || list.purpose !== want.purpose)
    return { ok: false, reason: notTheListAskedFor };
  if (!Number.isInteger(want.index) || want.index < 0 || want.index >= list.size)
    return { ok: false, reason: { zh: '状态索引超出列表', en: 'the status index is outside the list' } };
  return { ok: true, set: getBit(list.bits, want.index), issuedAt: list.issuedAt, validUntil: list.validUntil };
}

export function isStatusListPayload(v: unknown): v is StatusListPayload {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    isProvince(s.province) &&
    typeof s.list === 'string' &&
    (statusPurposes as readonly string[]).includes(s.purpose as string) &&
    Number.isInteger(s.size) &&
    typeof s.encodedList === 'string' &&
    Number.isInteger(s.issuedAt) &&
    Number.isInteger(s.validUntil)
  );
}
