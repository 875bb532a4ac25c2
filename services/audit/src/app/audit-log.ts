/**
 * The province's audit log use cases: append an event (exactly once per event id), trace records with
 * inclusion proofs against a signed tree head, and verify the whole log.
 */
import type { ProvinceKey } from '@yrd/auth';
import { invalid } from '@yrd/errors';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { AuditRepo, RecordFilters } from '../adapters/db.js';
import {
  type AuditFailure,
  type AuditRecordFields,
  EMPTY_ROOT,
  inclusionProof,
  MerkleLog,
  recordLeaf,
  type SignedTreeHead,
  type StoredAuditRecord,
  signTreeHead,
  verifyLog,
} from '../domain/index.js';

export interface AuditLogDeps {
  province: Province;
  repo: AuditRepo;
  key: ProvinceKey;
  clock: () => Date;
  /** sign a tree head every N appends (default 1) */
  headEvery?: number;
}

export interface InclusionProofView {
  treeSize: number;
  rootHash: string;
  path: string[];
}

export interface TracedRecord extends AuditRecordFields {
  leafHash: string;
  proof: InclusionProofView;
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
  };
}

export class AuditLog {
  private log = new MerkleLog();
  /** all leaf hashes in order, for inclusion proofs (recomputed from the database at start) */
  private leaves: Buffer[] = [];
  private latest: SignedTreeHead | undefined;
  private sinceHead = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly headEvery: number;

  constructor(private readonly deps: AuditLogDeps) {
    this.headEvery = Math.max(1, Math.floor(deps.headEvery ?? 1));
  }

  /** Loads the leaf hashes and the latest head; call once before use. */
  async init(): Promise<void> {
    await this.exclusive(async () => {
      const hashes = await this.deps.repo.leafHashes();
      this.leaves = hashes.map((h) => Buffer.from(h, 'hex'));
      this.log = new MerkleLog();
      for (const l of this.leaves) this.log.append(l);
      this.latest = await this.deps.repo.latestHead();
      this.sinceHead = this.log.size - (this.latest?.size ?? 0);
    });
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
      next.append(leaf);
      await this.deps.repo.insert({ seq, leafHash: leaf.toString('hex'), fields }, next.frontier());
      this.log = next;
      this.leaves.push(leaf);
      this.sinceHead++;
      if (this.sinceHead >= this.headEvery) await this.signHeadNow();
      return { seq, duplicate: false };
    });
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
  trace(filters: RecordFilters): Promise<{ records: TracedRecord[]; head: SignedTreeHead }> {
    return this.exclusive(async () => {
      const head = this.latest && this.latest.size === this.log.size ? this.latest : await this.signHeadNow();
      const records = await this.deps.repo.find(filters);
      const upTo = this.leaves.slice(0, head.size);
      return {
        head,
        records: records
          .filter((r) => r.seq < head.size)
          .map((r) => ({
            ...r.fields,
            seq: r.seq,
            leafHash: r.leafHash,
            proof: {
              treeSize: head.size,
              rootHash: head.rootHash,
              path: inclusionProof(upTo, r.seq).map((p) => p.toString('hex')),
            },
          })),
      };
    });
  }

  /** Reloads every record and head from storage and checks them against the province's public key. */
  async verify(): Promise<VerifyResult> {
    const [records, heads]: [StoredAuditRecord[], SignedTreeHead[]] = await this.exclusive(() =>
      Promise.all([this.deps.repo.all(), this.deps.repo.heads()]),
    );
    const r = verifyLog(records, heads, this.deps.key.publicKey, { province: this.deps.province });
    return { ok: r.ok, size: r.size, root: r.root, ...(r.failure ? { failure: r.failure } : {}) };
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
    return head;
  }

  /** Runs `fn` after everything queued before it; a failure does not break the chain. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
