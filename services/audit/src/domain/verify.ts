// Whole-log verification in a single pass. Pure: records and heads come in, a verdict comes out.
import type { KeyObject } from 'node:crypto';
import { EMPTY_ROOT, MerkleLog } from './merkle.js';
import { type AuditRecordFields, recordLeaf } from './record.js';
import { type SignedTreeHead, verifyTreeHead } from './tree-head.js';

export type AuditFailureCode =
  | 'AUDIT.RECORD_ALTERED'
  | 'AUDIT.SEQUENCE_GAP'
  | 'AUDIT.HEAD_SIGNATURE_INVALID'
  | 'AUDIT.HEAD_MISMATCH'
  | 'AUDIT.HEAD_BEYOND_LOG';

export interface AuditFailure {
  seq?: number;
  eventId?: string;
  reason: string;
  code: AuditFailureCode;
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
 *  2. record i has seq i — a missing, duplicated or swapped record is SEQUENCE_GAP, naming the seq;
 *  3. each record's leaf recomputed from its fields equals its stored leafHash (RECORD_ALTERED, naming
 *     seq and eventId), and its fields.seq equals its seq;
 *  4. once the first head.size leaves are in, their root equals head.rootHash (HEAD_MISMATCH);
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
  const headName = (h: SignedTreeHead): string =>
    `tree head (province ${String(h.province)}, size ${String(h.size)}, key ${String(h.keyId)})`;

  for (const h of heads) {
    if (!verifyTreeHead(h, publicKey)) {
      return fail({ code: 'AUDIT.HEAD_SIGNATURE_INVALID', reason: `${headName(h)}: signature does not verify` });
    }
    if (options.province !== undefined && h.province !== options.province) {
      return fail({
        code: 'AUDIT.HEAD_MISMATCH',
        reason: `${headName(h)}: head is for province ${h.province}, log is ${options.province}`,
      });
    }
  }
  const pending = [...heads].sort((a, b) => a.size - b.size);
  let next = 0;

  const checkHeads = (): VerifyLogResult | undefined => {
    let root: string | undefined;
    while (next < pending.length && pending[next]!.size === log.size) {
      const h = pending[next++]!;
      root ??= log.size === 0 ? EMPTY_ROOT.toString('hex') : log.root().toString('hex');
      if (h.rootHash !== root) {
        const last = log.size > 0 ? records[log.size - 1] : undefined;
        return fail({
          code: 'AUDIT.HEAD_MISMATCH',
          ...(last ? { seq: last.seq, eventId: last.fields.eventId } : {}),
          reason: `${headName(h)}: signed root ${h.rootHash} != recomputed root ${root} over records 0..${log.size - 1}; a record in that range was altered together with its leaf hash`,
        });
      }
    }
    return undefined;
  };

  const atStart = checkHeads();
  if (atStart) return atStart;

  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.seq !== i) {
      return fail(sequenceFailure(records, i));
    }
    const eventId = r.fields?.eventId;
    let leaf: Buffer;
    try {
      leaf = recordLeaf(r.fields);
    } catch (e) {
      return fail({
        code: 'AUDIT.RECORD_ALTERED',
        seq: r.seq,
        ...(typeof eventId === 'string' ? { eventId } : {}),
        reason: `record ${r.seq} is malformed: ${(e as Error).message}`,
      });
    }
    if (r.fields.seq !== r.seq) {
      return fail({
        code: 'AUDIT.RECORD_ALTERED',
        seq: r.seq,
        eventId: r.fields.eventId,
        reason: `record ${r.seq} carries seq ${r.fields.seq} in its hashed fields`,
      });
    }
    if (leaf.toString('hex') !== r.leafHash) {
      return fail({
        code: 'AUDIT.RECORD_ALTERED',
        seq: r.seq,
        eventId: r.fields.eventId,
        reason: `record ${r.seq} (event ${r.fields.eventId}): leaf recomputed from its fields does not match the stored leaf hash`,
      });
    }
    log.append(leaf);
    const headFailure = checkHeads();
    if (headFailure) return headFailure;
  }

  if (next < pending.length) {
    const h = pending[next]!;
    return fail({
      code: 'AUDIT.HEAD_BEYOND_LOG',
      seq: records.length,
      reason: `${headName(h)} covers ${h.size} records but the log has only ${records.length}: records ${records.length}..${h.size - 1} were removed`,
    });
  }

  return { ok: true, size: log.size, root: log.root().toString('hex') };
}

/** Explain why records[i].seq !== i: a deleted record, a swapped pair or a duplicate. */
function sequenceFailure(records: readonly StoredAuditRecord[], i: number): AuditFailure {
  const found = records[i]!;
  const foundName = `seq ${String(found.seq)} (event ${String(found.fields?.eventId)})`;
  if (!Number.isSafeInteger(found.seq)) {
    return {
      code: 'AUDIT.SEQUENCE_GAP',
      seq: i,
      reason: `record at position ${i} has invalid seq ${String(found.seq)}`,
    };
  }
  if (found.seq < i) {
    return {
      code: 'AUDIT.SEQUENCE_GAP',
      seq: found.seq,
      eventId: found.fields?.eventId,
      reason: `expected seq ${i}, found ${foundName} again/out of order: duplicated or reordered record`,
    };
  }
  // found.seq > i: seq i is missing here. Is it further on (reordered) or gone (deleted)?
  for (let j = i + 1; j < records.length; j++) {
    const later = records[j]!;
    if (later.seq === i) {
      return {
        code: 'AUDIT.SEQUENCE_GAP',
        seq: i,
        eventId: later.fields?.eventId,
        reason: `record seq ${i} (event ${String(later.fields?.eventId)}) is at position ${j}, after ${foundName}: records reordered`,
      };
    }
  }
  const missing = found.seq - i;
  return {
    code: 'AUDIT.SEQUENCE_GAP',
    seq: i,
    reason:
      missing === 1
        ? `record seq ${i} is missing (next present is ${foundName}): record deleted`
        : `records seq ${i}..${found.seq - 1} are missing (next present is ${foundName}): records deleted`,
  };
}
