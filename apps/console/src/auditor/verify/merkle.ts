/**
 * RFC 6962 / RFC 9162 Merkle hashing, as the audit service's log (docs/audit-format.md §3, §6, §10):
 * leaf = H(0x00 || data), node = H(0x01 || left || right), and the inclusion check of RFC 9162
 * §2.1.3.2, with H the hash of the log's suite (SHA-256, or SM3 for an sm2-sm3 log; both 32 bytes, so
 * the walk is the same). Computed here, in the auditor's browser, so that nobody needs to trust the
 * server that shows the proof.
 */
import { type Bytes, concat, sha256 } from './bytes';
import type { Hash } from './suites';

export const HASH_SIZE = 32;

export function leafHash(data: Bytes, hash: Hash = sha256): Promise<Bytes> {
  return hash(concat(new Uint8Array([0x00]), data));
}

export function nodeHash(left: Uint8Array, right: Uint8Array, hash: Hash = sha256): Promise<Bytes> {
  return hash(concat(new Uint8Array([0x01]), left, right));
}

/**
 * The root the path leads to from `leaf` at `index` in a tree of `size` leaves, or undefined when the
 * path cannot be one of that tree (too long, too short, a hash of the wrong length, index out of range).
 */
export async function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  hash: Hash = sha256,
): Promise<Bytes | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (leaf.length !== HASH_SIZE) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Bytes = concat(leaf);
  for (const p of path) {
    if (p.length !== HASH_SIZE || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p, hash);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
