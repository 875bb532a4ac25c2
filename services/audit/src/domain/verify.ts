// Whole-log verification in a single pass. Pure: records and heads come in, a verdict comes out.
import type { KeyObject } from 'node:crypto';
import { EMPTY_ROOT, MerkleLog } from './merkle.js';
import { type AuditRecordFields, recordLeaf } from './record.js';
import { type SignedTreeHead, verifyTreeHead } from './tree-head.js';

/** Stable codes of what a check of the log (or of an export of it) found wrong. */
export type AuditFailureCode =
  | 'AUDIT.RECORD_ALTERED'
  | 'AUDIT.SEQUENCE_GAP'
  | 'AUDIT.HEAD_SIGNATURE_INVALID'
  | 'AUDIT.HEAD_MISMATCH'
  | 'AUDIT.HEAD_BEYOND_LOG'
  | 'AUDIT.HEAD_MISSING'
  | 'AUDIT.INCLUSION_INVALID'
  | 'AUDIT.CONSISTENCY_INVALID'
  | 'AUDIT.EXPORT_MALFORMED';

export interface AuditFailure {
  code: AuditFailureCode;
  /**
   * The failing entry as an auditor names it: `seq 17`, `seq 12..14`, `seq 20/21` (a reordered pair),
   * `head size 32`, `heads 16→25` (a consistency proof), or a place in an export document.
   */
  entry: string;
  /** the (first) record concerned, when there is one */
  seq?: number;
  /** the signed head concerned, when there is one */
  headSize?: number;
  eventId?: string;
  /** what is wrong, Chinese then English */
  reason: string;
}

/** One line for a person: `seq 17: 叶哈希与字段不符 leaf hash does not match its fields (record altered)`. */
export function describeFailure(f: AuditFailure): string {
  return `${f.entry}: ${f.reason}`;
}

const seqRange = (first: number, last: number): string => (first === last ? `seq ${first}` : `seq ${first}..${last}`);
const eventOf = (eventId: unknown): { eventId?: string } => (typeof eventId === 'string' ? { eventId } : {});

// The failures below are shared by verifyLog (the stored log) and checkExport (an exported range), so
// that the service and the offline verifier name the same tampering with the same words.

export function recordAltered(seq: number, eventId: unknown, why: string): AuditFailure {
  return { code: 'AUDIT.RECORD_ALTERED', entry: `seq ${seq}`, seq, ...eventOf(eventId), reason: why };
}

export const LEAF_MISMATCH = '叶哈希与记录字段不符（记录被篡改） leaf hash does not match its fields (record altered)';

export function recordsMissing(
  first: number,
  last: number,
  why: { zh: string; en: string } = { zh: '记录被删除', en: 'record deleted' },
): AuditFailure {
  return {
    code: 'AUDIT.SEQUENCE_GAP',
    entry: seqRange(first, last),
    seq: first,
    reason: `缺失（${why.zh}） missing (${why.en})`,
  };
}

export function recordsReordered(a: number, b: number, eventId: unknown): AuditFailure {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return {
    code: 'AUDIT.SEQUENCE_GAP',
    entry: `seq ${lo}/${hi}`,
    seq: lo,
    ...eventOf(eventId),
    reason: '顺序被调换 out of order (records reordered)',
  };
}

export function recordDuplicated(seq: number, eventId: unknown): AuditFailure {
  return {
    code: 'AUDIT.SEQUENCE_GAP',
    entry: `seq ${seq}`,
    seq,
    ...eventOf(eventId),
    reason: '重复出现 appears twice (record duplicated)',
  };
}

export const headEntry = (size: unknown): string => `head size ${String(size)}`;

export function headForged(h: SignedTreeHead): AuditFailure {
  return {
    code: 'AUDIT.HEAD_SIGNATURE_INVALID',
    entry: headEntry(h.size),
    ...(Number.isSafeInteger(h.size) ? { headSize: h.size } : {}),
    reason: `签名无效（树头被伪造） signature invalid (forged), key ${String(h.keyId)}`,
  };
}

export function headOfOtherProvince(h: SignedTreeHead, province: string): AuditFailure {
  return {
    code: 'AUDIT.HEAD_MISMATCH',
    entry: headEntry(h.size),
    headSize: h.size,
    reason: `树头属于 ${String(h.province)}，日志属于 ${province} head is for province ${String(h.province)}, the log is ${province}`,
  };
}

/**
 * Checks one record on its own: its fields are well formed, carry its seq, and hash to its stored leaf.
 * `storedAt(s)` is the record stored as seq s, so that two records that traded places are named as one
 * reordered pair (each carries the other's seq in its hashed fields) rather than as two alterations.
 */
export function checkRecord(
  r: StoredAuditRecord,
  storedAt: (seq: number) => StoredAuditRecord | undefined,
): { leaf: Buffer; failure?: undefined } | { failure: AuditFailure } {
  const eventId: unknown = r.fields?.eventId;
  let leaf: Buffer;
  try {
    leaf = recordLeaf(r.fields);
  } catch (e) {
    return {
      failure: recordAltered(
        r.seq,
        eventId,
        `记录格式错误（记录被篡改） malformed (record altered): ${(e as Error).message}`,
      ),
    };
  }
  const hashedSeq = r.fields.seq;
  if (hashedSeq !== r.seq) {
    if (storedAt(hashedSeq)?.fields?.seq === r.seq) return { failure: recordsReordered(r.seq, hashedSeq, eventId) };
    return {
      failure: recordAltered(
        r.seq,
        eventId,
        `哈希字段中的序号为 ${hashedSeq}（记录被篡改） carries seq ${hashedSeq} in its hashed fields (record altered)`,
      ),
    };
  }
  if (leaf.toString('hex') !== r.leafHash) return { failure: recordAltered(r.seq, eventId, LEAF_MISMATCH) };
  return { leaf };
}

export interface StoredAuditRecord {
  seq: number;
  /** Stored leaf hash, hex. */
  leafHash: string;
  fields: AuditRecordFields;
}

export interface VerifyLogResult {
  ok: boolean;
  /** Number of records verified (all of them when ok; those before the failure otherwise). */
  size: number;
  /** Hex MTH over the `size` verified records. */
  root: string;
  failure?: AuditFailure;
}

export interface VerifyLogOptions {
  /** When given, every head must be for this province. */
  province?: string;
}

/**
 * Verify a log, in order, in one pass with O(log n) Merkle state:
 *  1. every head's signature (HEAD_SIGNATURE_INVALID, naming the head);
 *  2. record i has seq i — a missing, duplicated or swapped record is SEQUENCE_GAP, naming the seq(s);
 *  3. each record's leaf recomputed from its fields equals its stored leafHash and its fields carry its
 *     seq (RECORD_ALTERED, naming seq and eventId; two records that traded seqs are a reordered pair);
 *  4. once the first head.size leaves are in, their root equals head.rootHash (HEAD_MISMATCH, naming the
 *     records since the previous matching head: one of them was altered together with its leaf hash);
 *  5. a head covering more records than exist means records were removed (HEAD_BEYOND_LOG).
 * Stops at the first failure.
 */
export function verifyLog(
  records: readonly StoredAuditRecord[],
  heads: readonly SignedTreeHead[],
  publicKey: KeyObject,
  options: VerifyLogOptions = {},
): VerifyLogResult {
  const log = new MerkleLog();
  const fail = (failure: AuditFailure): VerifyLogResult => ({
    ok: false,
    size: log.size,
    root: log.root().toString('hex'),
    failure,
  });

  for (const h of heads) {
    if (!verifyTreeHead(h, publicKey)) return fail(headForged(h));
    if (options.province !== undefined && h.province !== options.province) {
      return fail(headOfOtherProvince(h, options.province));
    }
  }
  const pending = [...heads].sort((a, b) => a.size - b.size);
  let next = 0;
  /** size of the last head whose root matched: records before it are vouched for */
  let vouched = 0;

  const checkHeads = (): VerifyLogResult | undefined => {
    let root: string | undefined;
    while (next < pending.length && pending[next]!.size === log.size) {
      const h = pending[next++]!;
      root ??= log.size === 0 ? EMPTY_ROOT.toString('hex') : log.root().toString('hex');
      if (h.rootHash !== root) {
        const first = Math.min(vouched, Math.max(0, log.size - 1));
        const single = log.size - first === 1 ? records[first] : undefined;
        return fail({
          code: 'AUDIT.HEAD_MISMATCH',
          entry: log.size === 0 ? headEntry(h.size) : seqRange(first, log.size - 1),
          ...(log.size > 0 ? { seq: first } : {}),
          headSize: h.size,
          ...eventOf(single?.fields?.eventId),
          reason: `与签名树头 size ${h.size} 的根不符（记录连同叶哈希被改） the root signed by head size ${h.size} does not match the root recomputed from the records (a record was altered together with its leaf hash, or the head was signed over other records)`,
        });
      }
      vouched = log.size;
    }
    return undefined;
  };

  const atStart = checkHeads();
  if (atStart) return atStart;

  const storedAt = (seq: number): StoredAuditRecord | undefined =>
    records[seq]?.seq === seq ? records[seq] : records.find((r) => r.seq === seq);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.seq !== i) return fail(sequenceFailure(records, i));
    const checked = checkRecord(r, storedAt);
    if (checked.failure) return fail(checked.failure);
    log.append(checked.leaf);
    const headFailure = checkHeads();
    if (headFailure) return headFailure;
  }

  if (next < pending.length) {
    const h = pending[next]!;
    return fail({
      ...recordsMissing(records.length, h.size - 1, {
        zh: `签名树头 size ${h.size} 覆盖这些记录，记录被删除`,
        en: `head size ${h.size} covers them: records deleted`,
      }),
      code: 'AUDIT.HEAD_BEYOND_LOG',
      headSize: h.size,
    });
  }

  return { ok: true, size: log.size, root: log.root().toString('hex') };
}

/** Explain why records[i].seq !== i: a deleted record, a swapped pair or a duplicate. */
function sequenceFailure(records: readonly StoredAuditRecord[], i: number): AuditFailure {
  const found = records[i]!;
  if (!Number.isSafeInteger(found.seq)) {
    return {
      code: 'AUDIT.SEQUENCE_GAP',
      entry: `seq ${i}`,
      seq: i,
      reason: `位置 ${i} 的序号无效 record at position ${i} has invalid seq ${String(found.seq)}`,
    };
  }
  // records before i are in place, so a smaller seq here is one of them again
  if (found.seq < i) return recordDuplicated(found.seq, found.fields?.eventId);
  // found.seq > i: seq i is missing here. Is it further on (reordered) or gone (deleted)?
  for (let j = i + 1; j < records.length; j++) {
    if (records[j]!.seq === i) return recordsReordered(i, found.seq, records[j]!.fields?.eventId);
  }
  return recordsMissing(i, found.seq - 1);
}
