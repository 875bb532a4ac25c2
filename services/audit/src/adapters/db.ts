import { type DatabaseHandle, isoTimestamp, type SQL, sql } from '@yrd/db';
import {
  type Alteration,
  type AppendExpectation,
  type AuditLogStore,
  EventAlreadyLogged,
  LogInconsistency,
  type PendingExchanges,
  type RecordFilters,
} from '../app/ports.js';
import type {
  AuditRecordFields,
  MerkleFrontier,
  SignedTreeHead,
  StoredAuditRecord,
  StoredTreeNode,
  TreeNode,
} from '../domain/index.js';

type Row = { seq: string | number | bigint; leaf_hash: string; fields: AuditRecordFields };

const toRecord = (r: Row): StoredAuditRecord => ({ seq: Number(r.seq), leafHash: r.leaf_hash, fields: r.fields });

type AlterationRow = { id: string | number; tbl: string; op: string; ref: string; at: unknown };
const toAlteration = (r: AlterationRow): Alteration => ({
  id: Number(r.id),
  tbl: r.tbl,
  op: r.op,
  ref: r.ref,
  at: isoTimestamp(r.at),
});

/** Tree nodes per statement: proofs for a page of records read a few thousand at most. */
const NODE_BATCH = 500;

/**
 * Multi-row inserts of tree nodes; hashes cross as hex so both drivers agree on the bytes. A backfill
 * keeps a node already there; an append finds none there (else the stored tree is not the log's, and
 * the insert fails).
 */
function insertNodes(nodes: readonly StoredTreeNode[], existing: 'keep' | 'refuse' = 'keep'): SQL[] {
  const out: SQL[] = [];
  for (let i = 0; i < nodes.length; i += NODE_BATCH) {
    const values = nodes
      .slice(i, i + NODE_BATCH)
      .map((n) => sql`(${n.level}, ${n.index}, decode(${n.hash.toString('hex')}, 'hex'))`);
    out.push(sql`insert into audit.tree_nodes (level, idx, hash) values ${sql.join(values, sql`, `)}
      ${existing === 'keep' ? sql`on conflict (level, idx) do nothing` : sql``}`);
  }
  return out;
}

/** The first value `pick` finds along an error's cause chain (drizzle wraps the driver's error). */
function alongCauses<T>(err: unknown, pick: (e: Record<string, unknown>) => T | undefined): T | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const found = pick(e as Record<string, unknown>);
    if (found !== undefined) return found;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a refused statement broke. */
const constraintOf = (err: unknown): string | undefined =>
  alongCauses(err, (c) => (typeof c.constraint === 'string' ? c.constraint : undefined));

const sqlStateOf = (err: unknown): string | undefined =>
  alongCauses(err, (c) => {
    if (typeof c.sqlState === 'string') return c.sqlState;
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c.code;
    return undefined;
  });

/**
 * From how many records (by the planner's statistics) the append is a named statement on PostgreSQL:
 * parsed once per connection and, after five calls, run on a generic plan instead of being planned
 * at every call (~0.5 ms of an append's ~2 ms of the backend's CPU). Below it, and until the records
 * have been analysed at that size, it stays unnamed: a generic plan made while the log is small walks
 * the whole table for the last record (a sequential scan is the cheapest plan for a page or two), and
 * PostgreSQL keeps that plan until the table is analysed again — with autovacuum off, never
 * (bench/RESULTS.md, tenth pass).
 */
export const PREPARE_APPEND_FROM = 1_000;

/** The audit log's persistence, in SQL that PGlite and PostgreSQL both speak. */
export class AuditRepo implements AuditLogStore, PendingExchanges {
  /** the append runs as a named statement (PostgreSQL, the records analysed at PREPARE_APPEND_FROM or more) */
  private named = false;
  /** the log's size from which analysing the records to name the append is tried (again) */
  private nameFrom = PREPARE_APPEND_FROM;

  constructor(
    private readonly h: DatabaseHandle,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Whether the append runs as a named statement now. */
  get appendNamed(): boolean {
    return this.named;
  }

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

  /**
   * Stores records, the tree nodes they complete and the frontier after the last of them, in one
   * transaction, if and only if the stored log is still what this service appended: log_state moves
   * from the expected frontier to the new one by compare-and-set, the last record is there with its
   * leaf hash, and no seq or tree node is taken. Otherwise it throws LogInconsistency and writes
   * nothing. Returns the alterations noted since `expect.alterationsSeen` (the append went in).
   */
  async insertMany(
    recs: StoredAuditRecord[],
    frontier: MerkleFrontier,
    nodes: StoredTreeNode[],
    expect: AppendExpectation,
  ): Promise<Alteration[]> {
    const was = expect.frontier;
    // One statement, so one round trip and its own transaction: the compare-and-set on log_state
    // (which also requires the last record to be there with its leaf hash) gates both inserts, and
    // a taken seq, event id or tree node fails the whole statement.
    const cas =
      was.size === 0
        ? sql`insert into audit.log_state (id, size, frontier)
            values (true, ${frontier.size}, ${JSON.stringify(frontier.hashes)}::jsonb)
            on conflict (id) do nothing returning size`
        : sql`update audit.log_state set size = ${frontier.size}, frontier = ${JSON.stringify(frontier.hashes)}::jsonb
            where id and size = ${was.size} and frontier = ${JSON.stringify(was.hashes)}::jsonb
              and (select leaf_hash from audit.records where seq = ${was.size - 1}) = ${expect.lastLeaf ?? ''}
            returning size`;
    const nodeRows = JSON.stringify(nodes.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })));
    const recordRows = JSON.stringify(
      recs.map((r) => ({
        seq: r.seq,
        leaf_hash: r.leafHash,
        fields: r.fields,
        sub_key: r.fields.subjectRefKeyId ?? '',
      })),
    );
    let rows: (AlterationRow & { moved: number })[];
    try {
      rows = await this.h.rows<AlterationRow & { moved: number }>(
        sql`
        with cas as (${cas}),
        n as (
          insert into audit.tree_nodes (level, idx, hash)
          select t.level, t.idx, decode(t.hash, 'hex')
            from jsonb_to_recordset(${nodeRows}::jsonb) as t(level smallint, idx bigint, hash text)
           where exists (select 1 from cas)),
        r as (
          insert into audit.records (seq, event_id, leaf_hash, fields, request_id, resource_id, actor_agency,
            requester_province, provider_province, occurred_at, subject_ref, subject_ref_key_id, occurred_ts)
          select t.seq, t.fields->>'eventId', t.leaf_hash, t.fields, t.fields->>'requestId', t.fields->>'resourceId',
                 t.fields->>'actorAgency', t.fields->>'requesterProvince', t.fields->>'providerProvince',
                 t.fields->>'occurredAt', t.fields->>'subjectRef', t.sub_key, audit.try_timestamptz(t.fields->>'occurredAt')
            from jsonb_to_recordset(${recordRows}::jsonb) as t(seq bigint, leaf_hash text, fields jsonb, sub_key text)
           where exists (select 1 from cas)
           order by t.seq)
        select m.moved, a.id, a.tbl, a.op, a.ref, a.at
          from (select count(*)::int as moved from cas) m
          left join lateral (
            select id, tbl, op, ref, at from audit.alterations where id > ${expect.alterationsSeen} order by id limit 20
          ) a on m.moved = 1
         order by a.id`,
        this.named ? 'audit_append' : undefined,
      );
    } catch (err) {
      // a seq, an event id or a tree node already taken: the stored log holds what this log did not append
      if (sqlStateOf(err) === '23505') {
        // an event id already taken is a redelivery of an event this log appended (the ingestion
        // appends optimistically); a seq or tree node taken means another writer
        if (constraintOf(err) === 'records_event_id_key') {
          throw new EventAlreadyLogged('事件已在日志中 an event of the batch is already in the log', { cause: err });
        }
        throw new LogInconsistency(
          '序号或树节点已被占用，存储的日志不是本日志写入的 a seq or tree node is already taken: the stored log is not what this log appended',
          { cause: err },
        );
      }
      throw err;
    }
    if (Number(rows[0]?.moved ?? 0) !== 1) throw await this.whyNotMoved(was, expect.lastLeaf);
    if (!this.named && this.h.kind === 'postgres' && frontier.size >= this.nameFrom)
      await this.nameAppend(frontier.size);
    return rows.filter((r) => r.id !== null && r.id !== undefined).map(toAlteration);
  }

  /**
   * Analyses the records at this size, then names the append, so that its generic plan is made with
   * statistics of a log this size. The append went in already: a failure here is reported, not thrown,
   * and tried again after another PREPARE_APPEND_FROM records.
   */
  private async nameAppend(size: number): Promise<void> {
    try {
      await this.analyze();
      this.analysedAt(size);
    } catch (err) {
      this.nameFrom = size + PREPARE_APPEND_FROM;
      this.onError(err);
    }
  }

  /** Why an append's compare-and-set did not move log_state: which of its conditions failed. */
  private async whyNotMoved(was: MerkleFrontier, lastLeaf: string | undefined): Promise<LogInconsistency> {
    const wasSize = was.size;
    if (wasSize > 0) {
      const state = await this.h.rows<{ same: boolean }>(
        sql`select size = ${wasSize} and frontier = ${JSON.stringify(was.hashes)}::jsonb as same from audit.log_state where id`,
      );
      if (state[0]?.same === true) {
        const last = await this.h.rows<{ leaf_hash: string }>(
          sql`select leaf_hash from audit.records where seq = ${wasSize - 1}`,
        );
        if (last[0]?.leaf_hash !== lastLeaf) {
          return new LogInconsistency(
            `最后一条记录 seq ${wasSize - 1} ${last[0] ? '已被修改' : '已缺失'} the last record, seq ${wasSize - 1}, is ${last[0] ? 'altered' : 'missing'}`,
          );
        }
      }
    }
    return new LogInconsistency(
      `log_state 不是本日志上次写入的状态（期望 size ${wasSize}）audit.log_state is not what this log stored after its last append (expected size ${wasSize})`,
    );
  }

  /** The alterations noted after `afterId` (oldest first, a few), and the last id. */
  async alterations(afterId = 0): Promise<{ last: number; first: Alteration[] }> {
    const rows = await this.h.rows<AlterationRow>(
      sql`select id, tbl, op, ref, at from audit.alterations where id > ${afterId} order by id limit 20`,
    );
    const last = await this.h.rows<{ n: string | number | null }>(sql`select max(id) as n from audit.alterations`);
    return { last: Number(last[0]?.n ?? 0), first: rows.map(toAlteration) };
  }

  /**
   * When the oldest allowed exchange with `province` (as requester or provider) that occurred after
   * `after` occurred: the other side recorded it too, so its head must have grown since (app/stall-watch.ts).
   */
  async oldestExchangeWith(province: string, after: Date): Promise<Date | undefined> {
    const rows = await this.h.rows<{ at: unknown }>(sql`
      select min(occurred_ts) as at from audit.records
      where (requester_province = ${province} or provider_province = ${province})
        and occurred_ts > ${after.toISOString()}::timestamptz
        and fields->>'outcome' = 'allow' and fields->>'kind' like 'exchange.%'`);
    const at = isoTimestamp(rows[0]?.at);
    return at ? new Date(at) : undefined;
  }

  /** What start checks the stored log against: log_state, the records' extent, the last record. */
  async logExtent(): Promise<{ maxSeqPlusOne: number; lastLeaf: string | undefined }> {
    const rows = await this.h.rows<{ seq: string | number; leaf_hash: string }>(
      sql`select seq, leaf_hash from audit.records order by seq desc limit 1`,
    );
    const r = rows[0];
    return r ? { maxSeqPlusOne: Number(r.seq) + 1, lastLeaf: r.leaf_hash } : { maxSeqPlusOne: 0, lastLeaf: undefined };
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
      const batch = refs.slice(i, i + NODE_BATCH);
      // the keys as two arrays joined against the table: two parameters and a flat plan whatever the
      // batch, where a list of (level, idx) pairs became an OR of ANDs as deep as the list (PGlite 0.5
      // overflows its stack on 500 of them)
      const levels = `{${batch.map((r) => r.level).join(',')}}`;
      const indexes = `{${batch.map((r) => r.index).join(',')}}`;
      const rows = await this.h.rows<{ level: number; idx: string | number; hash: string }>(sql`
        select n.level, n.idx, encode(n.hash, 'hex') as hash
          from unnest(${levels}::smallint[], ${indexes}::bigint[]) as k(level, idx)
          join audit.tree_nodes n on n.level = k.level and n.idx = k.idx`);
      for (const r of rows)
        out.push({ level: Number(r.level), index: Number(r.idx), hash: Buffer.from(r.hash, 'hex') });
    }
    return out;
  }

  async all(): Promise<StoredAuditRecord[]> {
    const rows = await this.h.rows<Row>(sql`select seq, leaf_hash, fields from audit.records order by seq`);
    return rows.map(toRecord);
  }

  /**
   * A page of records for a verification, seq in (after, below) in seq order: keyset paging, so each
   * page is a short walk of the primary key whatever the log's size, and appends beyond `below` (the
   * size the verification started at) are left out.
   */
  async recordsAfter(after: number, below: number, limit: number): Promise<StoredAuditRecord[]> {
    // with the tree's leaf at each seq: a record edited together with its leaf hash is named alone
    const rows = await this.h.rows<Row & { tree_leaf: string | null }>(sql`
      select r.seq, r.leaf_hash, r.fields, encode(n.hash, 'hex') as tree_leaf
      from audit.records r left join audit.tree_nodes n on n.level = 0 and n.idx = r.seq
      where r.seq > ${after} and r.seq < ${below}
      order by r.seq limit ${limit}`);
    return rows.map((r) => ({ ...toRecord(r), ...(r.tree_leaf ? { treeLeaf: r.tree_leaf } : {}) }));
  }

  /** A page of signed heads for a verification, size in (after, through] by size. */
  async headsAfter(after: number, through: number, limit: number): Promise<SignedTreeHead[]> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`
      select doc from audit.tree_heads where size > ${after} and size <= ${through} order by size limit ${limit}`);
    return rows.map((r) => r.doc);
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

  /**
   * Stores a signed head. A head of that size already stored with another root means the log signed
   * something else at that size before: LogInconsistency (the same root is the same head again).
   */
  async saveHead(h: SignedTreeHead): Promise<void> {
    const res = (await this.h.db.execute(sql`
      insert into audit.tree_heads (size, root_hash, ts, signature, key_id, alg, doc)
      values (${h.size}, ${h.rootHash}, ${h.timestamp}, ${h.signature}, ${h.keyId}, ${h.alg}, ${JSON.stringify(h)}::jsonb)
      on conflict (size) do nothing returning size`)) as unknown as { rows: unknown[] };
    if (res.rows.length > 0) return;
    const stored = await this.headOf(h.size);
    if (stored && stored.rootHash !== h.rootHash) {
      throw new LogInconsistency(
        `已存储的 size ${h.size} 树头的根不同 a head of size ${h.size} with another root is already stored`,
      );
    }
  }

  async heads(): Promise<SignedTreeHead[]> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`select doc from audit.tree_heads order by size`);
    return rows.map((r) => r.doc);
  }

  async headOf(size: number): Promise<SignedTreeHead | undefined> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(sql`select doc from audit.tree_heads where size = ${size}`);
    return rows[0]?.doc;
  }

  /** The position of the first leaf of the stored tree with this hash (hex), if any. */
  async leafIndex(leafHash: string): Promise<number | undefined> {
    const rows = await this.h.rows<{ idx: string | number }>(sql`
      select idx from audit.tree_nodes where level = 0 and hash = decode(${leafHash}, 'hex') order by idx limit 1`);
    const r = rows[0];
    return r ? Number(r.idx) : undefined;
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

  /**
   * Analyzes the records only when the planner's statistics are missing or behind the log's size by
   * more than a tenth. On PGlite an analyze runs in the service's thread and at 1M records held it for
   * seconds at every start, though the statistics of the last run were still good.
   */
  async analyzeIfStale(size: number): Promise<boolean> {
    const rows = await this.h.rows<{ n: string | number | null }>(
      sql`select reltuples as n from pg_class where oid = 'audit.records'::regclass`,
    );
    const known = Number(rows[0]?.n ?? -1);
    if (known >= 0 && known >= size * 0.9 && (known > 0 || size === 0)) {
      this.analysedAt(known);
      return false;
    }
    await this.analyze();
    this.analysedAt(size);
    return true;
  }

  /** The planner's statistics know `records` records: from PREPARE_APPEND_FROM on PostgreSQL, the append is named. */
  private analysedAt(records: number): void {
    if (this.h.kind === 'postgres' && records >= PREPARE_APPEND_FROM) this.named = true;
  }

  async latestHead(): Promise<SignedTreeHead | undefined> {
    const rows = await this.h.rows<{ doc: SignedTreeHead }>(
      sql`select doc from audit.tree_heads order by size desc limit 1`,
    );
    return rows[0]?.doc;
  }
}
