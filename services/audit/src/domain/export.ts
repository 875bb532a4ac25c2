// The audit export (留痕导出): one range of a province's log with everything needed to check it offline,
// with no service, broker or database — the records (hashes of payloads, never payloads), the signed
// heads that commit to them with the other provinces' co-signatures over exactly those heads, an
// inclusion proof per record and consistency proofs between the heads. docs/audit-format.md gives the bytes.
// Pure: the records, heads, co-signatures, tree and time come in; a plain JSON-ready document comes out.
import type { JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import type { MerkleProver } from './merkle.js';
import type { AuditRecordFields } from './record.js';
import type { SignedTreeHead } from './tree-head.js';
import type { StoredAuditRecord } from './verify.js';
import { type Cosignature, cosignatureCovers } from './witness.js';

/**
 * Bumped whenever a reader of the previous version would misread a document. 2: heads carry their
 * co-signatures, the province's keys replace the single `publicKey`, an inclusion proof names its leaf.
 */
export const EXPORT_FORMAT = 'yrd-audit-export/2';
/** Still read: no co-signatures, one `publicKey`. */
export const EXPORT_FORMAT_V1 = 'yrd-audit-export/1';

/** One export holds at most this many records; larger ranges are asked for in pieces. */
export const MAX_EXPORT_RECORDS = 10_000;

export interface ExportedRecord {
  seq: number;
  /** the leaf hash as stored beside the record, hex; the verifier recomputes it from `fields` */
  leafHash: string;
  fields: AuditRecordFields;
}

/** RFC 9162 inclusion proof of record `seq` in the tree of the head of size `treeSize`. */
export interface InclusionEntry {
  seq: number;
  treeSize: number;
  /**
   * The leaf at `seq` in the log's Merkle tree, hex: what the proof starts from. It is the record's
   * leaf unless the stored record was changed together with its leaf hash after it was appended; then
   * the verifier names that record, and only it (the proof still holds for the leaf the log appended).
   */
  leafHash: string;
  /** hex, from the leaf's sibling up */
  path: string[];
}

/** RFC 9162 consistency proof from the head of size `fromSize` to the head of size `toSize`. */
export interface ConsistencyEntry {
  fromSize: number;
  toSize: number;
  path: string[];
}

/** One of the province's head-signing keys, as the regional trust list has it. */
export interface ExportedKey {
  kid: string;
  /** public Ed25519 JWK */
  jwk: JsonWebKey;
  validFrom?: string;
  validUntil?: string;
}

/** A signed head with the co-signatures of other provinces over exactly it (size, root, time, key id). */
export interface ExportedHead extends SignedTreeHead {
  cosignatures: Cosignature[];
}

export interface AuditExport {
  format: typeof EXPORT_FORMAT;
  /** the province whose log this is */
  province: string;
  /** when the export was taken (not signed: the heads carry the signed times) */
  exportedAt: string;
  /** the records asked for, both ends included; every seq in it must be present */
  range: { fromSeq: number; toSeq: number };
  /**
   * The province's head-signing keys with their key ids and validity. A copy for convenience only: a
   * verifier trusts the regional trust list (GET /api/audit/v1/trust-list), not this field.
   */
  keys: ExportedKey[];
  /**
   * Signed heads, ascending by size: the last head at or before the range start (so consecutive
   * exports chain), every head signed within the range, the first covering its end, and the latest
   * head the witnesses co-signed (the latest head, when none covering the range has enough of them yet).
   */
  heads: ExportedHead[];
  records: ExportedRecord[];
  proofs: {
    /** one per record, against the smallest exported head that covers it */
    inclusion: InclusionEntry[];
    /** one per consecutive pair of exported heads */
    consistency: ConsistencyEntry[];
  };
}

export interface ExportInput {
  province: string;
  exportedAt: string;
  fromSeq: number;
  toSeq: number;
  keys: readonly ExportedKey[];
  /** the range as stored (whatever the database holds, tampered or not) */
  records: readonly StoredAuditRecord[];
  /** signed heads with the co-signatures known for them (any not over exactly the head is dropped) */
  heads: readonly (SignedTreeHead & { cosignatures?: readonly Cosignature[] })[];
  /** the log's tree as the service appended it: the proofs come from here, not from `records` */
  tree: MerkleProver;
  /** the leaf at `seq` in that tree, hex (default: the record's stored leaf hash) */
  treeLeaf?: (seq: number) => string | undefined;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Assembles an export. The proofs are computed from the service's own tree, independent of what the
 * records table now says, and each names the tree's leaf, so an edit made to a stored record — even
 * together with its leaf hash — shows up offline as that record failing its own checks instead of
 * spoiling the proofs of its neighbours.
 */
export function buildExport(input: ExportInput): AuditExport {
  const { tree } = input;
  const heads: ExportedHead[] = dedupeBySize(input.heads)
    .filter((h) => h.size <= tree.size)
    .map(({ cosignatures, ...h }) => ({
      ...h,
      cosignatures: (cosignatures ?? []).filter((c) => cosignatureCovers(c, h)),
    }));
  const inclusion: InclusionEntry[] = [];
  for (const r of input.records) {
    const cover = firstCovering(heads, r.seq);
    // no head covers it (it cannot happen for a range the service checked): the verifier says so
    if (!cover || r.seq >= tree.size) continue;
    inclusion.push({
      seq: r.seq,
      treeSize: cover.size,
      leafHash: input.treeLeaf?.(r.seq) ?? r.leafHash,
      path: tree.inclusionProof(r.seq, cover.size).map(hex),
    });
  }
  const consistency: ConsistencyEntry[] = [];
  for (let i = 1; i < heads.length; i++) {
    const from = heads[i - 1]!.size;
    const to = heads[i]!.size;
    consistency.push({ fromSize: from, toSize: to, path: tree.consistencyProof(from, to).map(hex) });
  }
  return {
    format: EXPORT_FORMAT,
    province: input.province,
    exportedAt: input.exportedAt,
    range: { fromSeq: input.fromSeq, toSeq: input.toSeq },
    keys: input.keys.map((k) => ({ ...k })),
    heads,
    records: input.records.map((r) => ({ seq: r.seq, leafHash: r.leafHash, fields: r.fields })),
    proofs: { inclusion, consistency },
  };
}

/**
 * The provinces that co-signed `head` among `cosignatures`: one per witness, never the head's own
 * province (a province cannot witness itself). The caller has checked each co-signature.
 */
export function witnessesOf(head: SignedTreeHead, cosignatures: readonly Cosignature[]): string[] {
  const out = new Set<string>();
  for (const c of cosignatures) if (c.witness !== head.province && cosignatureCovers(c, head)) out.add(c.witness);
  return [...out].sort();
}

/**
 * The heads an export ends with. Its last head is the one everything else is proven consistent with,
 * so it should be one the witnesses vouch for: the largest head covering `toSeq` with at least
 * `quorum` co-signatures, the heads after it left out. When no head covering the range has them
 * (the latest is too fresh), every head is kept and the verifier says which head lacks them.
 */
export function endAtWitnessedHead<H extends SignedTreeHead & { cosignatures?: readonly Cosignature[] }>(
  heads: readonly H[],
  toSeq: number,
  quorum: number,
): H[] {
  const sorted = [...heads].sort((a, b) => a.size - b.size);
  for (let i = sorted.length - 1; i >= 0; i--) {
    const h = sorted[i]!;
    if (h.size <= toSeq) break;
    if (witnessesOf(h, h.cosignatures ?? []).length >= quorum) return sorted.slice(0, i + 1);
  }
  return sorted;
}

/** The smallest head (heads ascending by size) that covers `seq`, by binary search. */
function firstCovering<H extends SignedTreeHead>(heads: readonly H[], seq: number): H | undefined {
  let lo = 0;
  let hi = heads.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (heads[mid]!.size > seq) hi = mid;
    else lo = mid + 1;
  }
  return heads[lo];
}

function dedupeBySize<H extends SignedTreeHead>(heads: readonly H[]): H[] {
  const bySize = new Map<number, H>();
  for (const h of heads) if (!bySize.has(h.size)) bySize.set(h.size, h);
  return [...bySize.values()].sort((a, b) => a.size - b.size);
}

const seqNumber = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const cosignatureShape = z.object({
  format: z.string(),
  witness: z.string(),
  keyId: z.string(),
  province: z.string(),
  size: seqNumber,
  rootHash: z.string(),
  timestamp: z.string(),
  headKeyId: z.string(),
  // the head's log suite when not ed25519-sha256 (in the checkpoint text it co-signs)
  suite: z.string().optional(),
  time: seqNumber,
  signature: z.string(),
});

/**
 * The shape a reader accepts, of either version (`publicKey` in /1, `keys` and co-signatures in /2).
 * Deliberately loose where a check will judge the content (a record's fields, hashes, signatures), so
 * that a tampered value is reported against its entry by the checks and not as a malformed document.
 */
export const auditExportSchema = z.object({
  format: z.string(),
  province: z.string().min(1),
  exportedAt: z.string(),
  range: z.object({ fromSeq: seqNumber, toSeq: seqNumber }),
  publicKey: z.record(z.string(), z.unknown()).optional(),
  keys: z
    .array(
      z.object({
        kid: z.string(),
        jwk: z.record(z.string(), z.unknown()),
        validFrom: z.string().optional(),
        validUntil: z.string().optional(),
      }),
    )
    .optional(),
  heads: z.array(
    z.object({
      province: z.string(),
      size: seqNumber,
      rootHash: z.string(),
      timestamp: z.string(),
      alg: z.string(),
      keyId: z.string(),
      signature: z.string(),
      // kept as given (an unknown value fails the signature check, naming the head)
      format: z.string().optional(),
      // the log's suite (absent: ed25519-sha256); an unknown one fails the signature check too
      suite: z.string().optional(),
      cosignatures: z.array(cosignatureShape).optional(),
    }),
  ),
  records: z.array(z.object({ seq: seqNumber, leafHash: z.string(), fields: z.record(z.string(), z.unknown()) })),
  proofs: z.object({
    inclusion: z.array(
      z.object({ seq: seqNumber, treeSize: seqNumber, leafHash: z.string().optional(), path: z.array(z.string()) }),
    ),
    consistency: z.array(z.object({ fromSize: seqNumber, toSize: seqNumber, path: z.array(z.string()) })),
  }),
});
