/**
 * The province's audit log use cases: append an event (exactly once per event id), trace records with
 * inclusion proofs against a signed tree head, prove consistency between two heads, export a range
 * for offline checking, and verify the whole log.
 */
import type { JsonWebKey } from 'node:crypto';
import type { ProvinceKey } from '@yrd/auth';
import { conflict, invalid, notFound } from '@yrd/errors';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { AuditRepo, RecordFilters } from '../adapters/db.js';
import {
  type AuditExport,
  type AuditFailure,
  type AuditRecordFields,
  buildExport,
  EMPTY_ROOT,
  frontierNodes,
  MAX_EXPORT_RECORDS,
  MerkleLog,
  recordLeaf,
  type SignedTreeHead,
  type StoredAuditRecord,
  type StoredTreeNode,
  signTreeHead,
  treeNodeKey,
  verifyLog,
} from '../domain/index.js';
import { DEFAULT_NODE_CACHE, StoredTree } from './stored-tree.js';

export interface AuditLogDeps {
  province: Province;
  repo: AuditRepo;
  key: ProvinceKey;
  clock: () => Date;
  /**
   * sign a tree head every N appends (default 64); the service also signs one every second when
   * anything is unsigned (`signHeadIfBehind`), so a head is never more than a second behind
   */
  headEvery?: number;
  /** every newly signed head, to be published for the other provinces to witness */
  onHead?: (head: SignedTreeHead) => void;
  /** tree nodes kept in memory for proofs (default DEFAULT_NODE_CACHE); the rest are read from the database */
  nodeCache?: number;
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
  /** the frontier only: appends and tree heads; proofs come from the stored nodes through `tree` */
  private log = new MerkleLog();
  private readonly tree: StoredTree;
  private latest: SignedTreeHead | undefined;
  private sinceHead = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly headEvery: number;

  constructor(private readonly deps: AuditLogDeps) {
    this.headEvery = Math.max(1, Math.floor(deps.headEvery ?? 64));
    this.tree = new StoredTree(deps.repo, deps.nodeCache ?? DEFAULT_NODE_CACHE);
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
      const [size, stored] = await Promise.all([this.deps.repo.logSize(), this.deps.repo.frontier()]);
      this.log = stored && stored.size === size ? MerkleLog.fromFrontier(stored) : await this.frontierFromLeaves();
      await this.fillInNodes();
      this.latest = await this.deps.repo.latestHead();
      this.sinceHead = this.log.size - (this.latest?.size ?? 0);
    });
  }

  /** The frontier recomputed from the stored leaf hashes, in pieces (the stored one is missing or stale). */
  private async frontierFromLeaves(): Promise<MerkleLog> {
    const log = new MerkleLog();
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
      ? MerkleLog.fromFrontier({ size: covered, hashes })
      : new MerkleLog();
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

  /** Appends an event; a second append of the same event id returns the first seq and writes nothing. */
  append(ev: auditV1.AuditEvent): Promise<{ seq: number; duplicate: boolean }> {
    if (!ev.eventId) return Promise.reject(invalid('AUDIT.EVENT_ID_REQUIRED', 'audit event without event_id'));
    return this.exclusive(async () => {
      const existing = await this.deps.repo.seqOf(ev.eventId);
      if (existing !== undefined) return { seq: existing, duplicate: true };
      const seq = this.log.size;
      const fields = fieldsOf(seq, ev);
      const leaf = recordLeaf(fields);
      const next = MerkleLog.fromFrontier(this.log.frontier());
      const nodes = next.appendNodes(leaf);
      await this.deps.repo.insert({ seq, leafHash: leaf.toString('hex'), fields }, next.frontier(), nodes);
      this.log = next;
      this.sinceHead++;
      if (this.sinceHead >= this.headEvery) await this.signHeadNow();
      return { seq, duplicate: false };
    });
  }

  /**
   * Appends events in order, in one transaction: what the ingestion has at hand goes in together
   * (one duplicate check, one write), which is most of an append's cost. An event without an id is
   * refused on its own (`invalid`); one already in the log, or earlier in the batch, is a duplicate
   * and writes nothing.
   */
  appendMany(evs: auditV1.AuditEvent[]): Promise<({ seq: number; duplicate: boolean } | { invalid: string })[]> {
    return this.exclusive(async () => {
      const ids = evs.map((e) => e.eventId).filter((id) => id !== '');
      const known = await this.deps.repo.seqsOf(ids);
      const next = MerkleLog.fromFrontier(this.log.frontier());
      const records: StoredAuditRecord[] = [];
      const nodes: StoredTreeNode[] = [];
      const out = evs.map((ev) => {
        if (!ev.eventId) return { invalid: 'audit event without event_id' };
        const seen = known.get(ev.eventId);
        if (seen !== undefined) return { seq: seen, duplicate: true };
        const seq = next.size;
        const fields = fieldsOf(seq, ev);
        const leaf = recordLeaf(fields);
        nodes.push(...next.appendNodes(leaf));
        records.push({ seq, leafHash: leaf.toString('hex'), fields });
        known.set(ev.eventId, seq);
        return { seq, duplicate: false };
      });
      if (records.length === 0) return out;
      await this.deps.repo.insertMany(records, next.frontier(), nodes);
      this.log = next;
      this.sinceHead += records.length;
      if (this.sinceHead >= this.headEvery) await this.signHeadNow();
      return out;
    });
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
      const traced = await this.tree.prove(head.size, (tree) =>
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
      const proof = await this.tree.prove(toHead.size, (tree) => tree.consistencyProof(from, toHead.size));
      return {
        ...(fromHead ? { from: fromHead } : {}),
        to: toHead,
        proof: proof.map((p) => p.toString('hex')),
      };
    });
  }

  /**
   * A self-contained export of the records seq fromSeq..toSeq (default: from 0 to the last record), with
   * the heads that commit to them and their proofs; see domain/export.ts. At most MAX_EXPORT_RECORDS.
   */
  export(range: { fromSeq?: number | undefined; toSeq?: number | undefined } = {}): Promise<AuditExport> {
    return this.exclusive(async () => {
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
      const exportedAt = this.deps.clock().toISOString();
      const publicKey = this.publicJwk();
      return this.tree.prove(size, (tree) =>
        buildExport({ province: this.deps.province, exportedAt, fromSeq, toSeq, publicKey, records, heads, tree }),
      );
    });
  }

  /** The head-signing key as the regional trust list has it: a public JWK with its kid. */
  publicJwk(): JsonWebKey {
    return { ...this.deps.key.publicKey.export({ format: 'jwk' }), kid: this.deps.key.kid } as JsonWebKey;
  }

  /** Reloads every record and head from storage and checks them against the province's public key. */
  async verify(): Promise<VerifyResult> {
    const [records, heads]: [StoredAuditRecord[], SignedTreeHead[]] = await this.exclusive(() =>
      Promise.all([this.deps.repo.all(), this.deps.repo.heads()]),
    );
    const r = verifyLog(records, heads, this.deps.key.publicKey, { province: this.deps.province });
    return { ok: r.ok, size: r.size, root: r.root, ...(r.failure ? { failure: r.failure } : {}) };
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
    const size = this.log.size;
    const rootHash = (size === 0 ? EMPTY_ROOT : this.log.root()).toString('hex');
    const head = signTreeHead(
      { province: this.deps.province, size, rootHash, timestamp: this.deps.clock().toISOString() },
      this.deps.key.privateKey,
      this.deps.key.kid,
    );
    await this.deps.repo.saveHead(head);
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

function headNotFound(size: number) {
  return notFound('AUDIT.HEAD_NOT_FOUND', `没有大小为 ${size} 的签名树头 no signed tree head of size ${size}`);
}
