// The audit export (留痕导出): one range of a province's log with everything needed to check it offline,
// with no service, broker or database — the records (hashes of payloads, never payloads), the signed
// heads that commit to them, an inclusion proof per record and consistency proofs between the heads.
// Pure: the records, heads, tree and time come in; a plain JSON-ready document comes out.
import type { JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import type { MerkleProver } from './merkle.js';
import type { AuditRecordFields } from './record.js';
import type { SignedTreeHead } from './tree-head.js';
import type { StoredAuditRecord } from './verify.js';

/** Bumped whenever a reader of the previous version would misread a document. */
export const EXPORT_FORMAT = 'yrd-audit-export/1';

/** One export holds at most this many records; larger ranges are asked for in pieces. */
export const MAX_EXPORT_RECORDS = 10_000;

export interface ExportedRecord {
  seq: number;
  /** the leaf hash as stored in the log, hex; the verifier recomputes it from `fields` */
  leafHash: string;
  fields: AuditRecordFields;
}

/** RFC 9162 inclusion proof of record `seq` in the tree of the head of size `treeSize`. */
export interface InclusionEntry {
  seq: number;
  treeSize: number;
  /** hex, from the leaf's sibling up */
  path: string[];
}

/** RFC 9162 consistency proof from the head of size `fromSize` to the head of size `toSize`. */
export interface ConsistencyEntry {
  fromSize: number;
  toSize: number;
  path: string[];
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
   * The province's head-signing key as a public JWK (Ed25519, with its kid), as the regional trust
   * list has it. A copy for convenience only: a verifier trusts the trust list, not this field.
   */
  publicKey: JsonWebKey;
  /**
   * Signed heads, ascending by size: the last head at or before the range start (so consecutive
   * exports chain), every head signed within the range, the first head covering its end, the latest.
   */
  heads: SignedTreeHead[];
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
  publicKey: JsonWebKey;
  /** the range as stored (whatever the database holds, tampered or not) */
  records: readonly StoredAuditRecord[];
  heads: readonly SignedTreeHead[];
  /** the log's tree as the service appended it: the proofs come from here, not from `records` */
  tree: MerkleProver;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Assembles an export. The proofs are computed from the service's own tree, independent of what the
 * records table now says, so an edit made to a stored record shows up offline as that record failing
 * its own checks instead of spoiling the proofs of its neighbours.
 */
export function buildExport(input: ExportInput): AuditExport {
  const { tree } = input;
  const heads = dedupeBySize(input.heads).filter((h) => h.size <= tree.size);
  const inclusion: InclusionEntry[] = [];
  for (const r of input.records) {
    const cover = firstCovering(heads, r.seq);
    // no head covers it (it cannot happen for a range the service checked): the verifier says so
    if (!cover || r.seq >= tree.size) continue;
    inclusion.push({ seq: r.seq, treeSize: cover.size, path: tree.inclusionProof(r.seq, cover.size).map(hex) });
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
    publicKey: input.publicKey,
    heads,
    records: input.records.map((r) => ({ seq: r.seq, leafHash: r.leafHash, fields: r.fields })),
    proofs: { inclusion, consistency },
  };
}

/** The smallest head (heads ascending by size) that covers `seq`, by binary search. */
function firstCovering(heads: readonly SignedTreeHead[], seq: number): SignedTreeHead | undefined {
  let lo = 0;
  let hi = heads.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (heads[mid]!.size > seq) hi = mid;
    else lo = mid + 1;
  }
  return heads[lo];
}

function dedupeBySize(heads: readonly SignedTreeHead[]): SignedTreeHead[] {
  const bySize = new Map<number, SignedTreeHead>();
  for (const h of heads) if (!bySize.has(h.size)) bySize.set(h.size, h);
  return [...bySize.values()].sort((a, b) => a.size - b.size);
}

const seqNumber = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The shape a reader accepts. Deliberately loose where a check will judge the content (a record's
 * fields, hashes, signatures), so that a tampered value is reported against its entry by the checks
 * and not as a malformed document.
 */
export const auditExportSchema = z.object({
  format: z.string(),
  province: z.string().min(1),
  exportedAt: z.string(),
  range: z.object({ fromSeq: seqNumber, toSeq: seqNumber }),
  publicKey: z.record(z.string(), z.unknown()),
  heads: z.array(
    z.object({
      province: z.string(),
      size: seqNumber,
      rootHash: z.string(),
      timestamp: z.string(),
      alg: z.string(),
      keyId: z.string(),
      signature: z.string(),
    }),
  ),
  records: z.array(z.object({ seq: seqNumber, leafHash: z.string(), fields: z.record(z.string(), z.unknown()) })),
  proofs: z.object({
    inclusion: z.array(z.object({ seq: seqNumber, treeSize: seqNumber, path: z.array(z.string()) })),
    consistency: z.array(z.object({ fromSize: seqNumber, toSize: seqNumber, path: z.array(z.string()) })),
  }),
});
