import { type DatabaseHandle, type SQL, sql } from '@yrd/db';
import type {
  AuditRecordFields,
  MerkleFrontier,
  SignedTreeHead,
  StoredAuditRecord,
  StoredTreeNode,
  TreeNode,
} from '../domain/index.js';

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

type Row = { seq: string | number | bigint; leaf_hash: string; fields: AuditRecordFields };

const toRecord = (r: Row): StoredAuditRecord => ({ seq: Number(r.seq), leafHash: r.leaf_hash, fields: r.fields });

/** Tree nodes per statement: proofs for a page of records read a few thousand at most. */
const NODE_BATCH = 500;

/** Multi-row inserts of tree nodes; hashes cross as hex so both drivers agree on the bytes. */
function insertNodes(nodes: readonly StoredTreeNode[]): SQL[] {
  const out: SQL[] = [];
  for (let i = 0; i < nodes.length; i += NODE_BATCH) {
    const values = nodes
      .slice(i, i + NODE_BATCH)
      .map((n) => sql`(${n.level}, ${n.index}, decode(${n.hash.toString('hex')}, 'hex'))`);
    out.push(sql`insert into audit.tree_nodes (level, idx, hash) values ${sql.join(values, sql`, `)}
      on conflict (level, idx) do nothing`);
  }
  return out;
}

/** The audit log's persistence, in SQL that PGlite and PostgreSQL both speak. */
export class AuditRepo {
  constructor(private readonly h: DatabaseHandle) {}

  async seqOf(eventId: string): Promise<number | undefined> {
    const rows = await this.h.rows<{ seq: string | number }>(
      sql`select seq from audit.records where event_id = ${eventId}`,
    );
    const r = rows[0];
    return r ? Number(r.seq) : undefined;
  }

  /** The seqs of those event ids already in the log. */
  async seqsOf(eventIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (eventIds.length === 0) return found;
    const rows = await this.h.rows<{ event_id: string; seq: string | number }>(
      sql`select event_id, seq from audit.records where event_id in (${sql.join(
        eventIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    for (const r of rows) found.set(r.event_id, Number(r.seq));
    return found;
  }

  /** Stores records, the tree nodes they complete and the frontier after the last of them, in one transaction. */
  async insertMany(recs: StoredAuditRecord[], frontier: MerkleFrontier, nodes: StoredTreeNode[]): Promise<void> {
    await this.h.db.transaction(async (tx) => {
      for (const q of insertNodes(nodes)) await tx.execute(q);
      for (const rec of recs) {
        const f = rec.fields;
        await tx.execute(sql`
          insert into audit.records (seq, event_id, leaf_hash, fields, request_id, resource_id, actor_agency,
            requester_province, provider_province, occurred_at, subject_ref, subject_ref_key_id, occurred_ts)
          values (${rec.seq}, ${f.eventId}, ${rec.leafHash}, ${JSON.stringify(f)}::jsonb, ${f.requestId}, ${f.resourceId},
            ${f.actorAgency}, ${f.requesterProvince}, ${f.providerProvince}, ${f.occurredAt}, ${f.subjectRef},
            ${f.subjectRefKeyId ?? ''}, audit.try_timestamptz(${f.occurredAt}))`);
      }
      await tx.execute(sql`
        insert into audit.log_state (id, size, frontier) values (true, ${frontier.size}, ${JSON.stringify(frontier.hashes)}::jsonb)
        on conflict (id) do update set size = excluded.size, frontier = excluded.frontier`);
    });
  }

  /** Stores a record, the tree nodes it completes and the frontier after it, in one transaction. */
  insert(rec: StoredAuditRecord, frontier: MerkleFrontier, nodes: StoredTreeNode[]): Promise<void> {
    return this.insertMany([rec], frontier, nodes);
  }

  /** The stored leaf hashes with seq in [fromSeq, fromSeq + limit), in order (a rebuild reads them in pieces). */
  async leafHashes(fromSeq: number, limit: number): Promise<{ seq: number; leafHash: string }[]> {
    const rows = await this.h.rows<{ seq: string | number; leaf_hash: string }>(
      sql`select seq, leaf_hash from audit.records where seq >= ${fromSeq} order by seq limit ${limit}`,
    );
    return rows.map((r) => ({ seq: Number(r.seq), leafHash: r.leaf_hash }));
  }

  /** How many records the log holds by seq (the last seq + 1; a gap is verify's to find). */
  async logSize(): Promise<number> {
    const rows = await this.h.rows<{ n: string | number | null }>(sql`select max(seq) + 1 as n from audit.records`);
    return Number(rows[0]?.n ?? 0);
  }

  /** The frontier stored with the last append, if any. */
  async frontier(): Promise<MerkleFrontier | undefined> {
    const rows = await this.h.rows<{ size: string | number; frontier: string[] }>(
      sql`select size, frontier from audit.log_state where id`,
    );
    const r = rows[0];
    return r ? { size: Number(r.size), hashes: r.frontier } : undefined;
  }

  /** How many leaves have their tree nodes stored (a log from before audit.tree_nodes has fewer). */
  async nodesCovered(): Promise<number> {
    const rows = await this.h.rows<{ n: string | number | null }>(
      sql`select max(idx) + 1 as n from audit.tree_nodes where level = 0`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Stores tree nodes (a backfill); a node already there is kept as it is. */
  async saveNodes(nodes: StoredTreeNode[]): Promise<void> {
    await this.h.db.transaction(async (tx) => {
      for (const q of insertNodes(nodes)) await tx.execute(q);
    });
  }

  /** The stored tree nodes among `refs` (absent ones are left out). */
  async nodes(refs: readonly TreeNode[]): Promise<StoredTreeNode[]> {
    const out: StoredTreeNode[] = [];
    for (let i = 0; i < refs.length; i += NODE_BATCH) {
      const keys = refs.slice(i, i + NODE_BATCH).map((r) => sql`(${r.level}::smallint, ${r.index}::bigint)`);
      const rows = await this.h.rows<{ level: number; idx: string | number; hash: string }>(sql`
        select level, idx, encode(hash, 'hex') as hash from audit.tree_nodes
        where (level, idx) in (${sql.join(keys, sql`, `)})`);
      for (const r of rows)
        out.push({ level: Number(r.level), index: Number(r.idx), hash: Buffer.from(r.hash, 'hex') });
    }
    return out;
  }

  async all(): Promise<StoredAuditRecord[]> {
    const rows = await this.h.rows<Row>(sql`select seq, leaf_hash, fields from audit.records order by seq`);
    return rows.map(toRecord);
  }

  async find(f: RecordFilters): Promise<StoredAuditRecord[]> {
    const conds = [sql`true`];
    if (f.requestId) conds.push(sql`request_id = ${f.requestId}`);
    if (f.resourceId) conds.push(sql`resource_id = ${f.resourceId}`);
    if (f.requester) conds.push(sql`(requester_province = ${f.requester} or actor_agency = ${f.requester})`);
    if (f.subjectRef) conds.push(sql`subject_ref = ${f.subjectRef}`);
    if (f.subjectRefs) {
      // an empty set matches nothing (never "no filter")
      const refs = f.subjectRefs.length > 0 ? f.subjectRefs : [''];
      conds.push(
        sql`subject_ref <> '' and subject_ref in (${sql.join(
          refs.map((r) => sql`${r}`),
          sql`, `,
        )})`,
      );
    }
    if (f.from) conds.push(sql`occurred_ts >= ${f.from}::timestamptz`);
    if (f.to) conds.push(sql`occurred_ts < ${f.to}::timestamptz`);
    if (f.after !== undefined) conds.push(sql`seq > ${f.after}`);
    const rows = await this.h.rows<Row>(sql`
      select seq, leaf_hash, fields from audit.records where ${sql.join(conds, sql` and `)}
      order by seq limit ${f.limit}`);
    return rows.map(toRecord);
  }

  /** The stored records with seq in [fromSeq, toSeq], as they are (an export shows what is stored). */
  async range(fromSeq: number, toSeq: number): Promise<StoredAuditRecord[]> {
    const rows = await this.h.rows<Row>(sql`
      select seq, leaf_hash, fields from audit.records where seq >= ${fromSeq} and seq <= ${toSeq} order by seq`);
    return rows.map(toRecord);
  }

  async saveHead(h: SignedTreeHead): Promise<void> {
    await this.h.db.execute(sql`
      insert into audit.tree_heads (size, root_hash, ts, signature, key_id, alg, doc)
      values (${h.size}, ${h.rootHash}, ${h.timestamp}, ${h.signature}, ${h.keyId}, ${h.alg}, ${JSON.stringify(h)}::jsonb)
      on conflict (size) do nothing`);
  }

  async heads(): Promise<SignedTreeHead[]> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`select doc from audit.tree_heads order by size`);
    return rows.map((r) => r.doc);
  }

  async headOf(size: number): Promise<SignedTreeHead | undefined> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`select doc from audit.tree_heads where size = ${size}`);
    return rows[0]?.doc;
  }

  /**
   * The heads an export of [fromSeq, toSeq] carries: the last one at or before fromSeq (so consecutive
   * exports chain), every one signed within the range, the first covering toSeq, and the latest.
   */
  async headsForExport(fromSeq: number, toSeq: number): Promise<SignedTreeHead[]> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`
      select doc from audit.tree_heads
      where (size > ${fromSeq} and size <= ${toSeq + 1})
         or size = (select max(size) from audit.tree_heads where size <= ${fromSeq})
         or size = (select min(size) from audit.tree_heads where size > ${toSeq})
         or size = (select max(size) from audit.tree_heads)
      order by size`);
    return rows.map((r) => r.doc);
  }

  /**
   * Refreshes the planner's statistics. Embedded PGlite runs no autovacuum: without this a trace on a
   * large log planned as if the table were empty took 0.7 s instead of 0.6 ms (bench/RESULTS.md).
   */
  async analyze(): Promise<void> {
    await this.h.db.execute(sql`analyze audit.records`);
  }

  async latestHead(): Promise<SignedTreeHead | undefined> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(
      sql`select doc from audit.tree_heads order by size desc limit 1`,
    );
    return rows[0]?.doc;
  }
}
