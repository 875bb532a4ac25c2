/**
 * What the audit service's use cases need from storage, stated here so they depend on these and the
 * adapters on them (adapters/db.ts, adapters/witness-db.ts), never the other way. Each interface holds
 * only what its use case calls; the repositories have more (analyze, whole-log reads for the bench).
 */
import type { Province } from '@yrd/region';
import type {
  Cosignature,
  MerkleFrontier,
  SignedTreeHead,
  StoredAuditRecord,
  StoredTreeNode,
  TreeNode,
  WitnessedHead,
} from '../domain/index.js';

/**
 * The stored log is not what the log appended: the append (or the head) is refused and nothing is
 * written. The store throws it; the log stops appending for good when it sees it (app/audit-log.ts).
 */
export class LogInconsistency extends Error {
  override readonly name = 'LogInconsistency';
}

/**
 * An event of the batch is already in the stored log (a redelivery whose first append went in): the
 * store wrote nothing, and the log appends the batch again knowing which of its events are there.
 * Not a failure of the log.
 */
export class EventAlreadyLogged extends Error {
  override readonly name = 'EventAlreadyLogged';
}

/** A trace's query over the records; every filter given must hold. */
export interface RecordFilters {
  requestId?: string | undefined;
  resourceId?: string | undefined;
  /** requester province or requesting agency (credit code) */
  requester?: string | undefined;
  /** the hashed data-subject reference (64 hex), never an ID number */
  subjectRef?: string | undefined;
  /** any of these references (one person under every known subject key id, see @yrd/region subject-ref) */
  subjectRefs?: readonly string[] | undefined;
  /** occurredAt at or after this instant (ISO 8601) */
  from?: string | undefined;
  /** occurredAt before this instant (ISO 8601): half-open, so consecutive windows do not overlap */
  to?: string | undefined;
  /** only records after this seq (the previous page's `next`) */
  after?: number | undefined;
  limit: number;
}

/** What the log expects to find stored before an append: the state it left after its last one. */
export interface AppendExpectation {
  /** the frontier stored after the last append (size 0 and no hashes: nothing stored yet) */
  frontier: MerkleFrontier;
  /** the leaf hash of the last record appended (absent for an empty log) */
  lastLeaf?: string | undefined;
  /** the last alteration of the stored log this service knows of (see migrations/0007) */
  alterationsSeen: number;
}

/** Someone changed what the log had appended (migrations/0007); the append itself went in. */
export interface Alteration {
  id: number;
  tbl: string;
  op: string;
  ref: string;
  at: string;
}

/** Where the log's Merkle tree nodes are kept (app/stored-tree.ts reads proofs from them). */
export interface TreeNodeStore {
  /** the stored nodes among `refs`; absent ones are left out */
  nodes(refs: readonly TreeNode[]): Promise<StoredTreeNode[]>;
}

/** The pages a whole-log verification reads (app/verify-job.ts). */
export interface VerifyPages {
  /** records with seq in (after, below), in seq order, at most `limit` */
  recordsAfter(after: number, below: number, limit: number): Promise<StoredAuditRecord[]>;
  /** signed heads with size in (after, through], by size, at most `limit` */
  headsAfter(after: number, through: number, limit: number): Promise<SignedTreeHead[]>;
}

/** The audit log's records, tree nodes and signed heads, as app/audit-log.ts reads and writes them. */
export interface AuditLogStore extends TreeNodeStore, VerifyPages {
  seqOf(eventId: string): Promise<number | undefined>;
  /** the seqs of those event ids already in the log */
  seqsOf(eventIds: string[]): Promise<Map<string, number>>;
  /**
   * Stores records, the tree nodes they complete and the frontier after the last of them, all or
   * nothing, and only if the stored log is still what `expect` says; otherwise throws
   * LogInconsistency. Returns the alterations noted since `expect.alterationsSeen`.
   */
  insertMany(
    recs: StoredAuditRecord[],
    frontier: MerkleFrontier,
    nodes: StoredTreeNode[],
    expect: AppendExpectation,
  ): Promise<Alteration[]>;
  /** the alterations noted after `afterId` (oldest first, a few), and the last id */
  alterations(afterId?: number): Promise<{ last: number; first: Alteration[] }>;
  /** the last record's seq + 1 and leaf hash (what start checks the stored frontier against) */
  logExtent(): Promise<{ maxSeqPlusOne: number; lastLeaf: string | undefined }>;
  /** stored leaf hashes with seq in [fromSeq, fromSeq + limit), in order */
  leafHashes(fromSeq: number, limit: number): Promise<{ seq: number; leafHash: string }[]>;
  /** the frontier stored with the last append, if any */
  frontier(): Promise<MerkleFrontier | undefined>;
  /** how many leaves have their tree nodes stored */
  nodesCovered(): Promise<number>;
  /** stores tree nodes (a backfill); a node already there is kept as it is */
  saveNodes(nodes: StoredTreeNode[]): Promise<void>;
  find(f: RecordFilters): Promise<StoredAuditRecord[]>;
  /** the stored records with seq in [fromSeq, toSeq], as they are */
  range(fromSeq: number, toSeq: number): Promise<StoredAuditRecord[]>;
  /** stores a signed head; another root already stored at its size throws LogInconsistency */
  saveHead(h: SignedTreeHead): Promise<void>;
  headOf(size: number): Promise<SignedTreeHead | undefined>;
  latestHead(): Promise<SignedTreeHead | undefined>;
  /** the position of the first leaf of the stored tree with this hash (hex), if any */
  leafIndex(leafHash: string): Promise<number | undefined>;
  /** the heads an export of [fromSeq, toSeq] carries (the one before, those within, the one after, the latest) */
  headsForExport(fromSeq: number, toSeq: number): Promise<SignedTreeHead[]>;
}

/** This province's own log, as far as the stall watch reads it (app/stall-watch.ts). */
export interface PendingExchanges {
  /** when the oldest allowed exchange with `province` that occurred after `after` occurred */
  oldestExchangeWith(province: Province, after: Date): Promise<Date | undefined>;
}

/** An alarm the witness raised about another province's head (kept, logged, shown to auditors). */
export interface WitnessAlarm {
  province: string;
  code: string;
  message: string;
  head: SignedTreeHead;
  raisedAt: string;
}

/** What this province witnessed of the others (app/witness.ts, app/stall-watch.ts). */
export interface WitnessStore {
  witnessed(province: string): Promise<WitnessedHead | undefined>;
  allWitnessed(): Promise<(WitnessedHead & { seenAt: string })[]>;
  keep(h: WitnessedHead, at: string): Promise<void>;
  raise(a: WitnessAlarm): Promise<void>;
  alarms(): Promise<WitnessAlarm[]>;
}

/** The co-signatures other provinces gave this province's heads (app/cosignatures.ts). */
export interface CosignatureStore {
  addCosignature(c: Cosignature, at: string): Promise<boolean>;
  /** the co-signatures stored for a head of this size and root (the caller checks the rest) */
  cosignaturesOf(head: { size: number; rootHash: string }): Promise<Cosignature[]>;
}
