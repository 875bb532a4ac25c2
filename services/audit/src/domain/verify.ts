// Whole-log verification in a single pass. Pure: records and heads come in, a verdict comes out.
// A log is checked in the hash it was created with (SHA-256 or SM3): the suite its heads name, or
// the one the caller says (VerifyLogOptions.suite); a head naming another suite than its log's fails.
import type { KeyObject } from 'node:crypto';
import type { SuiteId } from '@yrd/crypto-suite';
import { MerkleLog, SHA256_TREE, type TreeHasher, treeHasherOf } from './merkle.js';
import { type AuditRecordFields, recordLeaf } from './record.js';
import { headSuite, type SignedTreeHead, verifyTreeHead } from './tree-head.js';

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

export function headOfOtherSuite(h: SignedTreeHead, suite: SuiteId): AuditFailure {
  return {
    code: 'AUDIT.HEAD_MISMATCH',
    entry: headEntry(h.size),
    ...(Number.isSafeInteger(h.size) ? { headSize: h.size } : {}),
    reason: `树头的密码套件 ${headSuite(h)} 不是日志的 ${suite}（日志保持创建时的哈希） head names suite ${headSuite(h)}, the log's is ${suite} (a log keeps the hash it was created with)`,
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
  th: TreeHasher = SHA256_TREE,
): { leaf: Buffer; failure?: undefined } | { failure: AuditFailure } {
  const alone = checkRecordAlone(r, th);
  if (alone.hashedSeq !== undefined && storedAt(alone.hashedSeq)?.fields?.seq === r.seq) {
    return { failure: recordsReordered(r.seq, alone.hashedSeq, r.fields?.eventId) };
  }
  return alone.failure ? { failure: alone.failure } : { leaf: alone.leaf };
}

/**
 * checkRecord without looking at any other record. When the fields carry another seq, `hashedSeq` is
 * that seq: the failure stands as an alteration unless the record stored there carries this one's.
 */
function checkRecordAlone(
  r: StoredAuditRecord,
  th: TreeHasher,
): { leaf: Buffer; failure?: undefined; hashedSeq?: undefined } | { failure: AuditFailure; hashedSeq?: number } {
  const eventId: unknown = r.fields?.eventId;
  let leaf: Buffer;
  try {
    leaf = recordLeaf(r.fields, th);
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
    return {
      failure: recordAltered(
        r.seq,
        eventId,
        `哈希字段中的序号为 ${hashedSeq}（记录被篡改） carries seq ${hashedSeq} in its hashed fields (record altered)`,
      ),
      hashedSeq,
    };
  }
  if (leaf.toString('hex') !== r.leafHash) return { failure: recordAltered(r.seq, eventId, LEAF_MISMATCH) };
  // changed together with its stored leaf hash: the tree the heads commit to still holds the original
  if (r.treeLeaf !== undefined && r.treeLeaf !== r.leafHash) {
    return { failure: recordAltered(r.seq, eventId, TREE_LEAF_MISMATCH) };
  }
  return { leaf };
}

export const TREE_LEAF_MISMATCH =
  '记录与其叶哈希一同被改，与日志默克尔树中的叶不符（记录被篡改） changed together with its stored leaf hash: the log’s Merkle tree holds another leaf (record altered)';

export interface StoredAuditRecord {
  seq: number;
  /** Stored leaf hash, hex. */
  leafHash: string;
  fields: AuditRecordFields;
  /**
   * The leaf the log's stored Merkle tree holds at this seq (audit.tree_nodes level 0), hex, when the
   * reader has it: a record changed together with its leaf hash is then named alone, rather than as the
   * run of records since the last head whose root still matched.
   */
  treeLeaf?: string | undefined;
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
  /**
   * The log's suite (its Merkle hash). Absent: the suite the first head names (absent there:
   * ed25519-sha256, SHA-256); every head must name the same.
   */
  suite?: SuiteId;
}

/**
 * The key a head's signature is checked with, by the head (its province and key id); undefined when no
 * trusted key fits, which fails the head as forged.
 */
export type HeadKey = (h: SignedTreeHead) => KeyObject | undefined;

export interface LogVerifierOptions extends VerifyLogOptions {
  /**
   * Records arrive in ascending seq order, each seq at most once (a keyset read of the table gives
   * them so): a record after a gap cannot be the missing one, so the gap is named without reading on.
   */
  ordered?: boolean;
}

/**
 * A failure found at a record whose name depends on a record still to come: a gap (seq `at` missing
 * here) is a reordered pair if seq `at` comes later, a deletion otherwise; a record hashed under
 * `hashedSeq` is one of a traded pair if the record stored as `hashedSeq` carries seq `at`.
 */
type OpenQuestion =
  | { kind: 'gap'; at: number; foundSeq: number }
  | {
      kind: 'traded';
      at: number;
      hashedSeq: number;
      eventId: unknown;
      otherwise: AuditFailure;
      /** the seq in the hashed fields of the record stored as hashedSeq, once one was read */
      found?: { seq: unknown };
    };

/**
 * verifyLog fed a page at a time: records in order (`addRecords`, as many calls as pages) and heads by
 * size (`addHeads`), in O(log n) state — the Merkle frontier, the heads not yet reached, the size the
 * last matching head vouched for, the record last appended — so a log of any size is checked in
 * constant memory. Reaches exactly verifyLog's verdict however the input is cut into pages.
 *
 * Heads must be in before the records they cover: before records that bring the log to size s are
 * added, every head of size ≤ s must have been (`addHeads(heads, through)` says up to which size the
 * heads are complete). A head's signature failing anywhere outranks any failure of the records (as in
 * verifyLog, which checks every head's signature first): after a failure keep adding heads to the end.
 */
export class LogVerifier {
  #log: MerkleLog;
  /** the log's suite once known (from the options or the first head) */
  #suite: SuiteId | undefined;
  readonly #headKey: HeadKey;
  readonly #options: LogVerifierOptions;
  /** heads not yet reached, by size; `#next` is the first of them */
  #pending: SignedTreeHead[] = [];
  #next = 0;
  /** every head of size ≤ this has been added */
  #headsThrough = -1;
  /** the first head whose signature (or province) failed: it decides the verdict */
  #headFailure: AuditFailure | undefined;
  /** where the records failed: the log as it stood then, and the failure (once its name is known) */
  #stopped: { size: number; root: string } | undefined;
  #failure: AuditFailure | undefined;
  #question: OpenQuestion | undefined;
  /** records added so far (the position of the next one) */
  #position = 0;
  /** size of the last head whose root matched: records before it are vouched for */
  #vouched = 0;
  #last: StoredAuditRecord | undefined;

  constructor(headKey: HeadKey, options: LogVerifierOptions = {}) {
    this.#headKey = headKey;
    this.#options = options;
    this.#suite = options.suite;
    this.#log = new MerkleLog(options.suite ? treeHasherOf(options.suite) : SHA256_TREE);
  }

  /** Records verified so far (appended to the recomputed tree). */
  get checked(): number {
    return this.#log.size;
  }

  /** Records added so far, counting those read past a failure. */
  get position(): number {
    return this.#position;
  }

  /** The size up to which heads are complete (`addHeads`' `through`). */
  get headsThrough(): number {
    return this.#headsThrough;
  }

  /** Whether more records can change the verdict (none can after a failure that is fully named). */
  get wantsRecords(): boolean {
    return this.#headFailure === undefined && (this.#failure === undefined || this.#question !== undefined);
  }

  /** Whether more heads can change the verdict (a forged one still can, until one is found). */
  get wantsHeads(): boolean {
    return this.#headFailure === undefined;
  }

  /**
   * With ordered input, the smallest seq that can still change the verdict: while a failure waits for
   * the record stored as some later seq, the records before it may be skipped.
   */
  get nextSeqWanted(): number | undefined {
    if (!this.#options.ordered || this.#question?.kind !== 'traded') return undefined;
    return this.#question.hashedSeq;
  }

  /**
   * Adds signed heads (in any order within a call; a later call's may not be smaller than what was
   * declared complete before) and declares every head of size ≤ `through` added. Each signature is
   * checked here.
   */
  addHeads(heads: readonly SignedTreeHead[], through: number): void {
    if (this.#headFailure) return;
    const { province } = this.#options;
    for (const h of heads) {
      const key = this.#headKey(h);
      if (!key || !verifyTreeHead(h, key)) {
        this.#headFailure = headForged(h);
        return;
      }
      if (province !== undefined && h.province !== province) {
        this.#headFailure = headOfOtherProvince(h, province);
        return;
      }
      if (this.#suite === undefined && this.#position === 0) {
        this.#suite = headSuite(h);
        this.#log = new MerkleLog(treeHasherOf(this.#suite));
      }
      if (headSuite(h) !== (this.#suite ?? 'ed25519-sha256')) {
        this.#headFailure = headOfOtherSuite(h, this.#suite ?? 'ed25519-sha256');
        return;
      }
    }
    this.#headsThrough = Math.max(this.#headsThrough, through);
    if (this.#stopped) return;
    const late = heads.find((h) => h.size < this.#log.size);
    if (late) throw new RangeError(`head size ${late.size} added after the log passed it (${this.#log.size})`);
    const rest = this.#pending.slice(this.#next);
    this.#pending = heads.length === 0 ? rest : [...rest, ...heads].sort((a, b) => a.size - b.size);
    this.#next = 0;
    this.#checkHeads();
  }

  /** Adds the next records, in stream order. */
  addRecords(records: readonly StoredAuditRecord[]): void {
    for (const r of records) {
      if (!this.wantsRecords) return;
      const i = this.#position++;
      if (this.#question) {
        this.#answer(r, i);
        continue;
      }
      if (this.#headsThrough < i + 1) {
        throw new RangeError(`heads through size ${i + 1} are needed before the record at position ${i}`);
      }
      if (r.seq !== i) {
        this.#sequence(r, i);
        continue;
      }
      const alone = checkRecordAlone(r, this.#log.hasher);
      if (alone.failure) {
        const { hashedSeq } = alone;
        // a smaller seq is a record already checked, which carries its own seq: not a traded pair
        if (hashedSeq !== undefined && Number.isSafeInteger(hashedSeq) && hashedSeq > i) {
          this.#stop();
          this.#question = { kind: 'traded', at: i, hashedSeq, eventId: r.fields?.eventId, otherwise: alone.failure };
        } else {
          this.#fail(alone.failure);
        }
        continue;
      }
      this.#log.append(alone.leaf);
      this.#last = r;
      this.#checkHeads();
    }
  }

  /** The verdict over everything added; every head must have been added (`through` = Infinity). */
  finish(): VerifyLogResult {
    if (this.#headFailure) {
      return { ok: false, size: 0, root: this.#log.hasher.emptyRoot.toString('hex'), failure: this.#headFailure };
    }
    if (this.#question) {
      const q = this.#question;
      this.#question = undefined;
      this.#failure = q.kind === 'gap' ? recordsMissing(q.at, q.foundSeq - 1) : tradedOrAltered(q);
    }
    if (this.#stopped && this.#failure) return { ok: false, ...this.#stopped, failure: this.#failure };
    if (this.#headsThrough !== Number.POSITIVE_INFINITY) {
      throw new RangeError('finish() needs every head: addHeads(…, Infinity) with the last of them');
    }
    const h = this.#pending[this.#next];
    if (h) {
      this.#stop();
      return {
        ok: false,
        ...this.#stopped!,
        failure: {
          ...recordsMissing(this.#position, h.size - 1, {
            zh: `签名树头 size ${h.size} 覆盖这些记录，记录被删除`,
            en: `head size ${h.size} covers them: records deleted`,
          }),
          code: 'AUDIT.HEAD_BEYOND_LOG',
          headSize: h.size,
        },
      };
    }
    return { ok: true, size: this.#log.size, root: this.#log.root().toString('hex') };
  }

  /** Checks the heads of the log's current size against its root. */
  #checkHeads(): void {
    let root: string | undefined;
    const size = this.#log.size;
    while (this.#next < this.#pending.length && this.#pending[this.#next]!.size === size) {
      const h = this.#pending[this.#next++]!;
      root ??= this.#log.root().toString('hex');
      if (h.rootHash !== root) {
        const first = Math.min(this.#vouched, Math.max(0, size - 1));
        const single = size - first === 1 ? this.#last : undefined;
        this.#fail({
          code: 'AUDIT.HEAD_MISMATCH',
          entry: size === 0 ? headEntry(h.size) : seqRange(first, size - 1),
          ...(size > 0 ? { seq: first } : {}),
          headSize: h.size,
          ...eventOf(single?.fields?.eventId),
          reason: `与签名树头 size ${h.size} 的根不符（记录连同叶哈希被改） the root signed by head size ${h.size} does not match the root recomputed from the records (a record was altered together with its leaf hash, or the head was signed over other records)`,
        });
        return;
      }
      this.#vouched = size;
    }
    // heads already reached are dropped now and then, so that the queue stays one page long
    if (this.#next > 1024) {
      this.#pending = this.#pending.slice(this.#next);
      this.#next = 0;
    }
  }

  /** Why the record at position i has seq r.seq: a deleted record, a swapped pair or a duplicate. */
  #sequence(r: StoredAuditRecord, i: number): void {
    if (!Number.isSafeInteger(r.seq)) {
      this.#fail({
        code: 'AUDIT.SEQUENCE_GAP',
        entry: `seq ${i}`,
        seq: i,
        reason: `位置 ${i} 的序号无效 record at position ${i} has invalid seq ${String(r.seq)}`,
      });
    } else if (r.seq < i) {
      // records before i are in place, so a smaller seq here is one of them again
      this.#fail(recordDuplicated(r.seq, r.fields?.eventId));
    } else if (this.#options.ordered) {
      this.#fail(recordsMissing(i, r.seq - 1));
    } else {
      // seq i is missing here: further on (reordered) or gone (deleted)?
      this.#stop();
      this.#question = { kind: 'gap', at: i, foundSeq: r.seq };
    }
  }

  /** A record read past a failure whose name waits for it. */
  #answer(r: StoredAuditRecord, position: number): void {
    const q = this.#question!;
    if (q.kind === 'gap') {
      if (r.seq === q.at) this.#settle(recordsReordered(q.at, q.foundSeq, r.fields?.eventId));
      return;
    }
    // as verifyLog's storedAt: the record at position hashedSeq if it has that seq, else the first that has
    if (r.seq === q.hashedSeq && (position === q.hashedSeq || q.found === undefined)) {
      q.found = { seq: r.fields?.seq };
      if (position === q.hashedSeq) {
        this.#settle(tradedOrAltered(q));
        return;
      }
    }
    const past = position >= q.hashedSeq || (this.#options.ordered === true && r.seq >= q.hashedSeq);
    if (past && (q.found !== undefined || this.#options.ordered)) this.#settle(tradedOrAltered(q));
  }

  #settle(failure: AuditFailure): void {
    this.#question = undefined;
    this.#failure = failure;
  }

  #stop(): void {
    this.#stopped ??= { size: this.#log.size, root: this.#log.root().toString('hex') };
  }

  #fail(failure: AuditFailure): void {
    this.#stop();
    this.#failure = failure;
  }
}

const tradedOrAltered = (q: Extract<OpenQuestion, { kind: 'traded' }>): AuditFailure =>
  q.found?.seq === q.at ? recordsReordered(q.at, q.hashedSeq, q.eventId) : q.otherwise;

/**
 * Verify a log, in order, in one pass with O(log n) Merkle state:
 *  1. every head's signature (HEAD_SIGNATURE_INVALID, naming the head);
 *  2. record i has seq i — a missing, duplicated or swapped record is SEQUENCE_GAP, naming the seq(s);
 *  3. each record's leaf recomputed from its fields equals its stored leafHash and its fields carry its
 *     seq (RECORD_ALTERED, naming seq and eventId; two records that traded seqs are a reordered pair);
 *  4. once the first head.size leaves are in, their root equals head.rootHash (HEAD_MISMATCH, naming the
 *     records since the previous matching head: one of them was altered together with its leaf hash);
 *  5. a head covering more records than exist means records were removed (HEAD_BEYOND_LOG).
 * Stops at the first failure. The whole log in memory; LogVerifier checks it page by page.
 */
export function verifyLog(
  records: readonly StoredAuditRecord[],
  heads: readonly SignedTreeHead[],
  publicKey: KeyObject,
  options: VerifyLogOptions = {},
): VerifyLogResult {
  const verifier = new LogVerifier(() => publicKey, options);
  verifier.addHeads(heads, Number.POSITIVE_INFINITY);
  verifier.addRecords(records);
  return verifier.finish();
}
