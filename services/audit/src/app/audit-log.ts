/**
 * The province's audit log use cases: append an event (exactly once per event id), trace records with
 * inclusion proofs against a signed tree head, prove consistency between two heads, export a range
 * for offline checking, and verify the whole log.
 */
import type { JsonWebKey } from 'node:crypto';
import type { ProvinceKey } from '@yrd/auth';
import { exportPublicJwk, isSuiteId, type SuiteId, suiteOfKey } from '@yrd/crypto-suite';
import { AppError, conflict, invalid, notFound, unavailable } from '@yrd/errors';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import {
  type AuditExport,
  type AuditFailure,
  type AuditRecordFields,
  buildExport,
  type Cosignature,
  type ExportedKey,
  endAtWitnessedHead,
  frontierNodes,
  headSuite,
  MAX_EXPORT_RECORDS,
  MerkleLog,
  recordLeaf,
  SHA256_TREE,
  type SignedTreeHead,
  SM3_TREE,
  type StoredAuditRecord,
  type StoredTreeNode,
  signTreeHead,
  type TreeHasher,
  treeHasherOf,
  treeNodeKey,
  witnessesOf,
} from '../domain/index.js';
import { LOG_APPEND_FAILED, LOG_INCONSISTENT, LogHealth } from './log-health.js';
import {
  type Alteration,
  type AuditLogStore,
  EventAlreadyLogged,
  LogInconsistency,
  type RecordFilters,
} from './ports.js';
import { DEFAULT_NODE_CACHE, StoredTree } from './stored-tree.js';
import { VerifyJobs, type VerifyJobsDeps } from './verify-job.js';

export interface AuditLogDeps {
  province: Province;
  repo: AuditLogStore;
  key: ProvinceKey;
  clock: () => Date;
  /**
   * sign a tree head every N appends (default 1,024); the service also signs one every second when
   * anything is unsigned (`signHeadIfBehind`), so a head is never more than a second behind. Each
   * head is witnessed by three provinces (a verification, a co-signature and a few writes at each),
   * so under load the second, not the count, sets the pace: at 300 entries a second, one head a
   * second rather than five
   */
  headEvery?: number;
  /** every newly signed head, to be published for the other provinces to witness */
  onHead?: (head: SignedTreeHead) => void;
  /**
   * The co-signatures other provinces gave a head, over exactly it (app/cosignatures.ts), and how many
   * an export's last head should carry (the trust list's quorum); `waitMs` (default 3000): how long an
   * export waits for the witnesses of a head too fresh to have them. Absent: exports carry none.
   */
  witnessing?: {
    cosignaturesOf: (head: SignedTreeHead) => Promise<Cosignature[]>;
    quorum: number;
    waitMs?: number;
  };
  /** this province's keys as the trust list has them, copied into exports (default: its own key) */
  publishedKeys?: readonly ExportedKey[];
  /** tree nodes kept in memory for proofs (default DEFAULT_NODE_CACHE); the rest are read from the database */
  nodeCache?: number;
  /** where the log says whether it can append (default: its own); the province fails closed on it */
  health?: LogHealth;
  /** the whole-log verification (app/verify-job.ts): how a head's key is found, pages, what a failure tells */
  verification?: Partial<Pick<VerifyJobsDeps, 'headKey' | 'pageSize' | 'headPageSize' | 'onFailure' | 'onError'>>;
}

/** Leaf hashes read per query when the start rebuilds the frontier or fills in tree nodes. */
const REBUILD_CHUNK = 5_000;

export interface InclusionProofView {
  treeSize: number;
  rootHash: string;
  path: string[];
}

export interface TracedRecord extends AuditRecordFields {
  leafHash: string;
  proof: InclusionProofView;
}

export interface TracePage {
  records: TracedRecord[];
  /** the head every proof on the page is against */
  head: SignedTreeHead;
  /** when the page is full: pass as `after` for the next page */
  next?: number;
}

export interface ConsistencyView {
  /** absent only for size 0 when no head of the empty log was signed (the empty tree needs none) */
  from?: SignedTreeHead;
  to: SignedTreeHead;
  /** RFC 9162 consistency proof, hex */
  proof: string[];
}

export interface VerifyResult {
  ok: boolean;
  size: number;
  root: string;
  failure?: AuditFailure;
}

export function fieldsOf(seq: number, ev: auditV1.AuditEvent): AuditRecordFields {
  return {
    seq,
    eventId: ev.eventId,
    province: ev.province,
    kind: ev.kind,
    requestId: ev.requestId,
    resourceId: ev.resourceId,
    actorUser: ev.actorUser,
    actorAgency: ev.actorAgency,
    requesterProvince: ev.requesterProvince,
    providerProvince: ev.providerProvince,
    outcome: ev.outcome,
    code: ev.code,
    payloadHash: ev.payloadHash,
    subjectRef: ev.subjectRef,
    grantId: ev.grantId,
    consentId: ev.consentId,
    occurredAt: ev.occurredAt,
    items: [...ev.items],
    // only when set, so records without it keep the encoding they always had
    ...(ev.subjectRefKeyId ? { subjectRefKeyId: ev.subjectRefKeyId } : {}),
  };
}

export class AuditLog {
  /**
   * The log's suite, which fixes its Merkle hash for good (SHA-256 or SM3): the one it was created with,
   * found at init (logSuite); the province's key signs its heads in the key's suite, whichever that is.
   */
  private suiteId: SuiteId = 'ed25519-sha256';
  private th: TreeHasher = SHA256_TREE;
  /** the frontier only: appends and tree heads; proofs come from the stored nodes through `tree` */
  private log = new MerkleLog();
  private readonly tree: StoredTree;
  private latest: SignedTreeHead | undefined;
  private sinceHead = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly headEvery: number;
  /** whether the log can append; the province refuses exchanges while it cannot */
  readonly health: LogHealth;
  /** whole-log verifications, page by page off the request path (one at a time) */
  readonly verification: VerifyJobs;
  /** the leaf hash of the last record appended: the next append finds it stored, or refuses */
  private lastLeaf: string | undefined;
  /** the last alteration of the stored log (migrations/0007) already reported */
  private alterationsSeen = 0;
  /** set when the stored log is not what this log appended: appends are refused until a restart */
  private refusal: AppError | undefined;
  private failures = 0;

  constructor(private readonly deps: AuditLogDeps) {
    this.headEvery = Math.max(1, Math.floor(deps.headEvery ?? 1024));
    this.tree = new StoredTree(deps.repo, deps.nodeCache ?? DEFAULT_NODE_CACHE);
    this.health = deps.health ?? new LogHealth(deps.clock);
    this.verification = new VerifyJobs({
      headKey: () => deps.key.publicKey,
      suite: () => this.suiteId,
      ...deps.verification,
      province: deps.province,
      pages: deps.repo,
      snapshot: () => this.verifyBound(),
      clock: deps.clock,
    });
  }

  /** The log's suite: the one it was created with (its Merkle hash), whatever the key's is now. */
  get suite(): SuiteId {
    return this.suiteId;
  }

  /** The province whose log this is (access to it is decided against it: domain/access.ts). */
  get province(): Province {
    return this.deps.province;
  }

  /**
   * Loads the frontier and the latest head, and fills in the tree nodes of records stored before
   * the nodes were (a log from an older version); call once before use. Memory stays O(log n).
   */
  async init(): Promise<void> {
    await this.exclusive(async () => {
      const [extent, stored, altered, latest] = await Promise.all([
        this.deps.repo.logExtent(),
        this.deps.repo.frontier(),
        this.deps.repo.alterations(),
        this.deps.repo.latestHead(),
      ]);
      this.suiteId = await this.logSuite(latest, extent.maxSeqPlusOne);
      this.th = treeHasherOf(this.suiteId);
      // What the log appended is what log_state says, never less: a start that finds fewer records
      // keeps the stored size (reads go on, appends are refused) instead of reusing seqs.
      const problems: string[] = [];
      let restored: MerkleLog | undefined;
      try {
        restored = stored ? MerkleLog.fromFrontier(stored, this.th) : undefined;
      } catch {
        problems.push('audit.log_state 无法读取 audit.log_state is unreadable');
      }
      // the larger of what log_state says and what the records hold: a frontier whose size was edited
      // down can still be well formed (when both sizes have as many perfect subtrees), so that check
      // alone does not stop a start from shrinking the log
      this.log = restored && restored.size >= extent.maxSeqPlusOne ? restored : await this.frontierFromLeaves();
      if (!stored && extent.maxSeqPlusOne > 0) problems.push('audit.log_state 缺失 audit.log_state is missing');
      if (restored && restored.size !== extent.maxSeqPlusOne) {
        problems.push(
          `audit.log_state 记录 ${restored.size} 条，表中最后一条为 seq ${extent.maxSeqPlusOne - 1} audit.log_state holds ${restored.size} records but the last stored seq is ${extent.maxSeqPlusOne - 1}`,
        );
      }
      await this.fillInNodes();
      problems.push(...(await this.storedTreeDisagrees(extent.lastLeaf)));
      this.lastLeaf = extent.maxSeqPlusOne === this.log.size ? extent.lastLeaf : undefined;
      this.latest = latest;
      if (this.latest && this.latest.size > this.log.size) {
        problems.push(
          `已签名的树头 size ${this.latest.size} 超出日志的 ${this.log.size} 条 a signed head of size ${this.latest.size} is beyond the log's ${this.log.size} records`,
        );
      } else if (this.latest && this.latest.size === this.log.size && this.log.size > 0) {
        if (this.latest.rootHash !== this.log.root().toString('hex'))
          problems.push(`最新树头的根与日志不符 the latest head's root is not the log's root at size ${this.log.size}`);
      }
      this.sinceHead = Math.max(0, this.log.size - (this.latest?.size ?? 0));
      this.alterationsSeen = altered.last;
      if (problems.length > 0) this.refuseAppends(problems.join('; '));
      else if (altered.first.length > 0) this.health.fail(LOG_INCONSISTENT, describeAlterations(altered.first));
    });
  }

  /**
   * The suite the log was created with: the one its heads name (absent on a head: ed25519-sha256, every
   * log before suites); without a head, the hash its first record's leaf is in; an empty log takes the
   * suite of the province's key, which is how a province chooses its suite at setup.
   */
  private async logSuite(latest: SignedTreeHead | undefined, records: number): Promise<SuiteId> {
    if (latest) {
      const named = headSuite(latest);
      return isSuiteId(named) ? named : 'ed25519-sha256';
    }
    if (records > 0) {
      const [first] = await this.deps.repo.range(0, 0);
      return first && recordLeaf(first.fields, SM3_TREE).toString('hex') === first.leafHash
        ? 'sm2-sm3'
        : 'ed25519-sha256';
    }
    return suiteOfKey(this.deps.key.privateKey);
  }

  /** Where the frontier and the last record disagree with the stored tree nodes (all written together). */
  private async storedTreeDisagrees(lastLeaf: string | undefined): Promise<string[]> {
    const size = this.log.size;
    if (size === 0) return [];
    const edge = frontierNodes(size);
    const last = { level: 0, index: size - 1 };
    const found = new Map(
      (await this.deps.repo.nodes([...edge, last])).map((n) => [treeNodeKey(n), n.hash.toString('hex')]),
    );
    const out: string[] = [];
    const hashes = this.log.frontier().hashes;
    if (edge.some((n, i) => found.get(treeNodeKey(n)) !== hashes[i]))
      out.push('audit.log_state 的边界与存储的默克尔树不符 audit.log_state does not match the stored Merkle tree');
    if (
      lastLeaf !== undefined &&
      found.get(treeNodeKey(last)) !== undefined &&
      found.get(treeNodeKey(last)) !== lastLeaf
    )
      out.push(`最后一条记录 seq ${size - 1} 已被修改 the last record, seq ${size - 1}, is altered`);
    return out;
  }

  /** The stored log is not what this log appended: no append until an operator repairs it and restarts. */
  private refuseAppends(why: string): void {
    this.refusal = unavailable(
      LOG_INCONSISTENT,
      `审计日志不一致，已停止写入，需运维修复后重启 the audit log is inconsistent and no longer appends until an operator repairs it and restarts: ${why}`,
    );
    this.health.fail(LOG_INCONSISTENT, why);
  }

  /** The frontier recomputed from the stored leaf hashes, in pieces (the stored one is missing or stale). */
  private async frontierFromLeaves(): Promise<MerkleLog> {
    const log = new MerkleLog(this.th);
    let from = 0;
    for (;;) {
      const chunk = await this.deps.repo.leafHashes(from, REBUILD_CHUNK);
      for (const l of chunk) log.append(Buffer.from(l.leafHash, 'hex'));
      const last = chunk.at(-1);
      if (!last || chunk.length < REBUILD_CHUNK) return log;
      from = last.seq + 1;
    }
  }

  /**
   * Stores the tree nodes of the leaves that have none yet, continuing from the nodes already stored.
   * Stops at a gap in seq: the log no longer holds what was appended, which verify reports.
   */
  private async fillInNodes(): Promise<void> {
    const covered = await this.deps.repo.nodesCovered();
    if (covered >= this.log.size) return;
    const edge = frontierNodes(covered);
    const found = new Map((await this.deps.repo.nodes(edge)).map((n) => [treeNodeKey(n), n.hash.toString('hex')]));
    const hashes = edge.map((n) => found.get(treeNodeKey(n)));
    const builder = hashes.every((h) => h !== undefined)
      ? MerkleLog.fromFrontier({ size: covered, hashes }, this.th)
      : new MerkleLog(this.th);
    while (builder.size < this.log.size) {
      const chunk = await this.deps.repo.leafHashes(builder.size, REBUILD_CHUNK);
      const nodes: StoredTreeNode[] = [];
      for (const l of chunk) {
        if (l.seq !== builder.size) break;
        nodes.push(...builder.appendNodes(Buffer.from(l.leafHash, 'hex')));
      }
      if (nodes.length > 0) await this.deps.repo.saveNodes(nodes);
      if (chunk.length < REBUILD_CHUNK || chunk.at(-1)?.seq !== builder.size - 1) return;
    }
  }

  get size(): number {
    return this.log.size;
  }

  /** Appends that failed or were refused since start (the metric yrd_audit_append_failures_total). */
  get appendFailures(): number {
    return this.failures;
  }

  /** While the stored log is not what this log appended, every append is refused at once. */
  private refuseIfInconsistent(): void {
    if (!this.refusal) return;
    this.failures++;
    throw this.refusal;
  }

  /** Appends an event; a second append of the same event id returns the first seq and writes nothing. */
  append(ev: auditV1.AuditEvent): Promise<{ seq: number; duplicate: boolean }> {
    if (!ev.eventId) return Promise.reject(invalid('AUDIT.EVENT_ID_REQUIRED', 'audit event without event_id'));
    return this.exclusive(async () => {
      this.refuseIfInconsistent();
      const existing = await this.failing(() => this.deps.repo.seqOf(ev.eventId));
      if (existing !== undefined) return { seq: existing, duplicate: true };
      const seq = this.log.size;
      const fields = fieldsOf(seq, ev);
      const leaf = recordLeaf(fields, this.th);
      const next = MerkleLog.fromFrontier(this.log.frontier(), this.th);
      const nodes = next.appendNodes(leaf);
      await this.write([{ seq, leafHash: leaf.toString('hex'), fields }], next, nodes);
      return { seq, duplicate: false };
    });
  }

  /**
   * Appends events in order, in one transaction: what the ingestion has at hand goes in together
   * (one write), which is most of an append's cost. An event without an id is refused on its own
   * (`invalid`); one already in the log, or earlier in the batch, is a duplicate and writes nothing.
   *
   * The batch is written as if none of its events were in the log yet: a duplicate is a redelivery,
   * rare, and the store refuses the whole write when one is there (EventAlreadyLogged). Only then
   * are the batch's ids looked up, and the batch written again without them, so the common case is
   * one round trip to the database instead of two.
   */
  appendMany(evs: auditV1.AuditEvent[]): Promise<({ seq: number; duplicate: boolean } | { invalid: string })[]> {
    return this.exclusive(async () => {
      this.refuseIfInconsistent();
      try {
        return await this.appendKnowing(evs, new Map());
      } catch (err) {
        if (!(err instanceof EventAlreadyLogged)) throw err;
        const ids = evs.map((e) => e.eventId).filter((id) => id !== '');
        const known = await this.failing(() => this.deps.repo.seqsOf(ids));
        return await this.appendKnowing(evs, known);
      }
    });
  }

  /** Appends those of `evs` that are not in `known` (event id → seq), nor earlier in the batch. */
  private async appendKnowing(
    evs: auditV1.AuditEvent[],
    known: Map<string, number>,
  ): Promise<({ seq: number; duplicate: boolean } | { invalid: string })[]> {
    const next = MerkleLog.fromFrontier(this.log.frontier(), this.th);
    const records: StoredAuditRecord[] = [];
    const nodes: StoredTreeNode[] = [];
    const out = evs.map((ev) => {
      if (!ev.eventId) return { invalid: 'audit event without event_id' };
      const seen = known.get(ev.eventId);
      if (seen !== undefined) return { seq: seen, duplicate: true };
      const seq = next.size;
      const fields = fieldsOf(seq, ev);
      const leaf = recordLeaf(fields, this.th);
      nodes.push(...next.appendNodes(leaf));
      records.push({ seq, leafHash: leaf.toString('hex'), fields });
      known.set(ev.eventId, seq);
      return { seq, duplicate: false };
    });
    if (records.length > 0) await this.write(records, next, nodes);
    return out;
  }

  /**
   * Stores appended records if the stored log is still what this log appended (AuditLogStore
   * insertMany), and keeps the log's health: a refusal there stops appends for good, any other
   * failure is passing, and a success ends a passing failure.
   */
  private async write(records: StoredAuditRecord[], next: MerkleLog, nodes: StoredTreeNode[]): Promise<void> {
    const altered = await this.failing(() =>
      this.deps.repo.insertMany(records, next.frontier(), nodes, {
        frontier: this.log.frontier(),
        lastLeaf: this.lastLeaf,
        alterationsSeen: this.alterationsSeen,
      }),
    );
    this.log = next;
    this.lastLeaf = records.at(-1)?.leafHash;
    this.sinceHead += records.length;
    this.health.recover();
    const lastAltered = altered.at(-1);
    if (lastAltered) {
      this.alterationsSeen = lastAltered.id;
      this.health.fail(LOG_INCONSISTENT, describeAlterations(altered));
    }
    if (this.sinceHead >= this.headEvery) await this.signHeadNow();
  }

  /** Runs a step of an append, turning its failure into the log's health (and an error that says so). */
  private async failing<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      // not a failure: the batch is written again without the events already there (appendMany)
      if (err instanceof EventAlreadyLogged) throw err;
      this.failures++;
      if (err instanceof LogInconsistency) {
        this.refuseAppends(err.message);
        throw this.refusal ?? err;
      }
      const message = err instanceof AppError ? `${err.code} ${err.message}` : (err as Error).message;
      this.health.fail(LOG_APPEND_FAILED, `写入审计日志失败 appending to the audit log failed: ${message}`);
      throw err;
    }
  }

  /** Signs a head when appends since the last one are still unsigned (the interval's tick). */
  signHeadIfBehind(): Promise<SignedTreeHead | undefined> {
    return this.exclusive(async () => (this.sinceHead > 0 ? this.signHeadNow() : undefined));
  }

  /** A signed head of this size, if there is one (co-signatures are checked against it). */
  headOf(size: number): Promise<SignedTreeHead | undefined> {
    return this.deps.repo.headOf(size);
  }

  /** Signs a head over the current log (unless the latest head already covers it). */
  signHead(): Promise<SignedTreeHead> {
    return this.exclusive(() => this.signHeadNow());
  }

  async latestHead(): Promise<SignedTreeHead> {
    return this.exclusive(async () => this.latest ?? (await this.signHeadNow()));
  }

  /**
   * Records matching the filters, each with an inclusion proof against the latest signed head; when
   * the log has grown beyond that head, a fresh head is signed first so every record is covered.
   */
  trace(filters: RecordFilters): Promise<TracePage> {
    if (filters.from && filters.to && Date.parse(filters.from) > Date.parse(filters.to)) {
      return Promise.reject(
        invalid('AUDIT.RANGE_INVALID', `时间范围无效 from ${filters.from} is after to ${filters.to}`),
      );
    }
    return this.exclusive(async () => {
      const head = await this.headOverAll();
      const records = await this.deps.repo.find(filters);
      const last = records.at(-1);
      const covered = records.filter((r) => r.seq < head.size);
      const traced = await this.tree.prove(
        head.size,
        (tree) =>
          covered.map((r) => ({
            ...r.fields,
            seq: r.seq,
            leafHash: r.leafHash,
            proof: {
              treeSize: head.size,
              rootHash: head.rootHash,
              path: tree.inclusionProof(r.seq, head.size).map((p) => p.toString('hex')),
            },
          })),
        this.th,
      );
      return {
        head,
        records: traced,
        ...(last && records.length === filters.limit ? { next: last.seq } : {}),
      };
    });
  }

  /**
   * A consistency proof between the signed heads of sizes `from` and `to` (default: the latest head):
   * whoever kept the earlier head can check that the later log only added to it.
   */
  consistency(from: number, to?: number): Promise<ConsistencyView> {
    if (to !== undefined && from > to) {
      return Promise.reject(invalid('AUDIT.RANGE_INVALID', `范围无效 from ${from} is larger than to ${to}`));
    }
    return this.exclusive(async () => {
      const toHead = to === undefined ? await this.headOverAll() : await this.deps.repo.headOf(to);
      if (!toHead) throw headNotFound(to ?? 0);
      const fromHead = await this.deps.repo.headOf(from);
      // the empty tree is a prefix of every tree, signed or not
      if (!fromHead && from !== 0) throw headNotFound(from);
      if (from > toHead.size) {
        throw invalid(
          'AUDIT.RANGE_INVALID',
          `范围无效 from ${from} is larger than the latest head size ${toHead.size}`,
        );
      }
      this.assertWithinLog(toHead);
      const proof = await this.tree.prove(toHead.size, (tree) => tree.consistencyProof(from, toHead.size), this.th);
      return {
        ...(fromHead ? { from: fromHead } : {}),
        to: toHead,
        proof: proof.map((p) => p.toString('hex')),
      };
    });
  }

  /**
   * The inclusion proof of one leaf — by its hash or its seq — against the signed head of size
   * `treeSize` (default: the latest): an auditor who holds a record (from an export, from the other side
   * of an exchange) checks it is in the log every witness saw. Only hashes: no record is shown.
   */
  inclusion(q: { leafHash?: string | undefined; seq?: number | undefined; treeSize?: number | undefined }): Promise<{
    seq: number;
    leafHash: string;
    head: SignedTreeHead;
    path: string[];
  }> {
    return this.exclusive(async () => {
      const head = q.treeSize === undefined ? await this.headOverAll() : await this.deps.repo.headOf(q.treeSize);
      if (!head) throw headNotFound(q.treeSize ?? 0);
      this.assertWithinLog(head);
      const seq = q.seq ?? (q.leafHash ? await this.deps.repo.leafIndex(q.leafHash) : undefined);
      if (seq === undefined) {
        throw notFound('AUDIT.LEAF_NOT_FOUND', '日志中没有该叶哈希 no leaf with that hash in the log');
      }
      if (seq >= head.size) {
        throw invalid(
          'AUDIT.RANGE_INVALID',
          `记录 ${seq} 不在大小为 ${head.size} 的树头之内 record ${seq} is not covered by the head of size ${head.size}`,
        );
      }
      const [leaf] = await this.deps.repo.nodes([{ level: 0, index: seq }]);
      if (!leaf) throw notFound('AUDIT.LEAF_NOT_FOUND', `日志中没有第 ${seq} 条记录 no leaf ${seq} in the log`);
      const path = await this.tree.prove(head.size, (tree) => tree.inclusionProof(seq, head.size), this.th);
      return { seq, leafHash: leaf.hash.toString('hex'), head, path: path.map((p) => p.toString('hex')) };
    });
  }

  /**
   * A self-contained export of the records seq fromSeq..toSeq (default: from 0 to the last record), with
   * the heads that commit to them and their proofs; see domain/export.ts. At most MAX_EXPORT_RECORDS.
   */
  async export(range: { fromSeq?: number | undefined; toSeq?: number | undefined } = {}): Promise<AuditExport> {
    const taken = await this.exclusive(async () => {
      const size = this.log.size;
      if (size === 0) throw invalid('AUDIT.RANGE_BEYOND_LOG', '日志中还没有记录 the log has no records yet');
      const fromSeq = range.fromSeq ?? 0;
      const toSeq = range.toSeq ?? size - 1;
      if (fromSeq > toSeq) throw invalid('AUDIT.RANGE_INVALID', `范围无效 fromSeq ${fromSeq} is after toSeq ${toSeq}`);
      if (toSeq >= size) {
        throw invalid('AUDIT.RANGE_BEYOND_LOG', `超出日志范围 the log holds seq 0..${size - 1}, asked up to ${toSeq}`);
      }
      if (toSeq - fromSeq + 1 > MAX_EXPORT_RECORDS) {
        throw invalid(
          'AUDIT.EXPORT_TOO_LARGE',
          `一次最多导出 ${MAX_EXPORT_RECORDS} 条 at most ${MAX_EXPORT_RECORDS} records per export; ask for fromSeq..toSeq in pieces`,
        );
      }
      await this.headOverAll();
      const [records, heads] = await Promise.all([
        this.deps.repo.range(fromSeq, toSeq),
        this.deps.repo.headsForExport(fromSeq, toSeq),
      ]);
      return { size, fromSeq, toSeq, records, heads };
    });
    const { size, fromSeq, toSeq, records } = taken;
    // outside the lock: appends go on while the witnesses co-sign a fresh head
    const heads = await this.cosignedHeads(taken.heads, toSeq);
    // the leaves the log's tree holds, which the proofs start from (a record may have been edited since)
    const leaves = new Map(
      (await this.deps.repo.nodes(records.map((r) => ({ level: 0, index: r.seq })))).map((n) => [
        n.index,
        n.hash.toString('hex'),
      ]),
    );
    const exportedAt = this.deps.clock().toISOString();
    const keys = this.deps.publishedKeys ?? [{ kid: this.deps.key.kid, jwk: this.publicJwk() }];
    return this.exclusive(() =>
      this.tree.prove(
        size,
        (tree) =>
          buildExport({
            province: this.deps.province,
            exportedAt,
            fromSeq,
            toSeq,
            keys,
            records,
            heads,
            tree,
            treeLeaf: (seq) => leaves.get(seq),
          }),
        this.th,
      ),
    );
  }

  /**
   * The export's heads with the co-signatures over each, ending at the largest head covering `toSeq`
   * that a quorum of witnesses co-signed (domain/export.ts endAtWitnessedHead). When none has them yet
   * (the head signed for this export is seconds old), asks again for a few seconds, then gives what it
   * has: the verifier names the head that lacks them.
   */
  private async cosignedHeads(
    heads: readonly SignedTreeHead[],
    toSeq: number,
  ): Promise<(SignedTreeHead & { cosignatures: Cosignature[] })[]> {
    const w = this.deps.witnessing;
    if (!w) return heads.map((h) => ({ ...h, cosignatures: [] }));
    const POLL_MS = 250;
    const withCosignatures = (hs: readonly SignedTreeHead[]) =>
      Promise.all(hs.map(async (h) => ({ ...h, cosignatures: await w.cosignaturesOf(h) })));
    const before = await withCosignatures(heads.filter((h) => h.size <= toSeq));
    let after = await withCosignatures(heads.filter((h) => h.size > toSeq));
    for (let waited = 0; ; waited += POLL_MS) {
      const ended = endAtWitnessedHead([...before, ...after], toSeq, w.quorum);
      if (ended.length < before.length + after.length || waited >= (w.waitMs ?? 3000)) return ended;
      const last = ended.at(-1);
      if (last && last.size > toSeq && witnessesOf(last, last.cosignatures).length >= w.quorum) return ended;
      await new Promise((r) => setTimeout(r, POLL_MS));
      after = await withCosignatures(after);
    }
  }

  /** The head-signing key as the regional trust list has it: a public JWK with its kid. */
  publicJwk(): JsonWebKey {
    // exportPublicJwk: node:crypto cannot write an SM2 key as a JWK; an Ed25519 one is as before
    return { ...exportPublicJwk(this.deps.key.publicKey), kid: this.deps.key.kid };
  }

  /**
   * Checks every stored record and head against the province's key, page by page (app/verify-job.ts),
   * in a pass that starts now (or right after the one running), and waits for its verdict.
   */
  async verify(): Promise<VerifyResult> {
    const r = await this.verification.run();
    return { ok: r.ok, size: r.size, root: r.root, ...(r.failure ? { failure: r.failure } : {}) };
  }

  /**
   * What a verification starting now covers, taken between appends: the log's size, or the latest
   * head's when that is larger (records were lost since it was signed, which the pass must name).
   */
  private verifyBound(): Promise<number> {
    return this.exclusive(async () => Math.max(this.log.size, this.latest?.size ?? 0));
  }

  /** The latest head when it covers the whole log, else a fresh one that does. */
  private async headOverAll(): Promise<SignedTreeHead> {
    return this.latest && this.latest.size === this.log.size ? this.latest : await this.signHeadNow();
  }

  /** A stored head larger than the log means the database lost records since start: refuse to prove. */
  private assertWithinLog(h: SignedTreeHead): void {
    if (h.size > this.log.size) {
      throw conflict(
        'AUDIT.HEAD_BEYOND_LOG',
        `树头 size ${h.size} 超出日志的 ${this.log.size} 条记录，请先验证日志 head size ${h.size} is beyond the log's ${this.log.size} records; run verify`,
      );
    }
  }

  private async signHeadNow(): Promise<SignedTreeHead> {
    if (this.latest && this.latest.size === this.log.size) {
      this.sinceHead = 0;
      return this.latest;
    }
    // never a head smaller than one already signed: the log lost records (init found it), it did not shrink
    if (this.latest && this.latest.size > this.log.size) this.assertWithinLog(this.latest);
    const size = this.log.size;
    const rootHash = (size === 0 ? this.th.emptyRoot : this.log.root()).toString('hex');
    const head = signTreeHead(
      { province: this.deps.province, size, rootHash, timestamp: this.deps.clock().toISOString() },
      this.deps.key.privateKey,
      this.deps.key.kid,
      this.suiteId,
    );
    try {
      await this.deps.repo.saveHead(head);
    } catch (err) {
      // another root stored at this size: the log signed something else there before
      if (err instanceof LogInconsistency) this.refuseAppends(err.message);
      throw err;
    }
    this.latest = head;
    this.sinceHead = 0;
    // the other provinces witness it (see app/witness.ts)
    this.deps.onHead?.(head);
    return head;
  }

  /** Runs `fn` after everything queued before it; a failure does not break the chain. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The alterations noted by the database (migrations/0007), for the operator: what, where, when. */
function describeAlterations(list: readonly Alteration[]): string {
  const shown = list
    .slice(0, 5)
    .map((a) => `${a.op.toLowerCase()} audit.${a.tbl}${a.ref ? ` ${a.ref}` : ''} at ${a.at}`)
    .join(', ');
  return `已存储的日志被改动 the stored log was changed after it was appended: ${shown}${list.length > 5 ? ', …' : ''}`;
}

function headNotFound(size: number) {
  return notFound('AUDIT.HEAD_NOT_FOUND', `没有大小为 ${size} 的签名树头 no signed tree head of size ${size}`);
}
