import { generateProvinceKey, loadProvinceKey, type ProvinceKey } from '@yrd/auth';
import { AppError } from '@yrd/errors';
import { describe, expect, it } from 'vitest';
import type { MerkleFrontier, SignedTreeHead, StoredAuditRecord, StoredTreeNode, TreeNode } from '../domain/index.js';
import { checkExport, treeNodeKey, verifyLog } from '../domain/index.js';
import { anExchangeEvent } from '../test-events.js';
import { AuditLog } from './audit-log.js';
import { LOG_APPEND_FAILED, LOG_INCONSISTENT } from './log-health.js';
import {
  type Alteration,
  type AppendExpectation,
  type AuditLogStore,
  EventAlreadyLogged,
  LogInconsistency,
  type RecordFilters,
} from './ports.js';

const key = loadProvinceKey('sh', generateProvinceKey('sh').privateJwk);
const clock = () => new Date('2026-01-01T08:00:00.000Z');

/**
 * The log's store in memory: enough of AuditLogStore for appends and heads, with a failure to
 * throw from the next write. It shows the log needs the port only, not the SQL repository.
 */
class MemoryStore implements AuditLogStore {
  readonly records: StoredAuditRecord[] = [];
  readonly heads = new Map<number, SignedTreeHead>();
  readonly #nodes = new Map<string, StoredTreeNode>();
  #frontier: MerkleFrontier | undefined;
  /** thrown (once) by the next insertMany / saveHead */
  failWrite: Error | undefined;
  failHead: Error | undefined;
  /** calls of seqOf and seqsOf: a refused append must not reach the store */
  lookups = 0;

  async seqOf(eventId: string): Promise<number | undefined> {
    this.lookups++;
    return this.records.find((r) => r.fields.eventId === eventId)?.seq;
  }
  async seqsOf(eventIds: string[]): Promise<Map<string, number>> {
    this.lookups++;
    return new Map(
      this.records.filter((r) => eventIds.includes(r.fields.eventId)).map((r) => [r.fields.eventId, r.seq]),
    );
  }
  async insertMany(
    recs: StoredAuditRecord[],
    frontier: MerkleFrontier,
    nodes: StoredTreeNode[],
    expect: AppendExpectation,
  ): Promise<Alteration[]> {
    const fail = this.failWrite;
    this.failWrite = undefined;
    if (fail) throw fail;
    if ((this.#frontier?.size ?? 0) !== expect.frontier.size) throw new LogInconsistency('frontier moved');
    // the unique event id, as the SQL store's constraint keeps it
    if (recs.some((r) => this.records.some((o) => o.fields.eventId === r.fields.eventId))) {
      throw new EventAlreadyLogged('an event id is taken');
    }
    this.records.push(...recs);
    for (const n of nodes) this.#nodes.set(treeNodeKey(n), n);
    this.#frontier = frontier;
    return [];
  }
  async alterations(): Promise<{ last: number; first: Alteration[] }> {
    return { last: 0, first: [] };
  }
  async logExtent(): Promise<{ maxSeqPlusOne: number; lastLeaf: string | undefined }> {
    return { maxSeqPlusOne: this.records.length, lastLeaf: this.records.at(-1)?.leafHash };
  }
  async leafHashes(fromSeq: number, limit: number): Promise<{ seq: number; leafHash: string }[]> {
    return this.records.slice(fromSeq, fromSeq + limit).map((r) => ({ seq: r.seq, leafHash: r.leafHash }));
  }
  async frontier(): Promise<MerkleFrontier | undefined> {
    return this.#frontier;
  }
  async nodesCovered(): Promise<number> {
    return this.records.length;
  }
  async saveNodes(nodes: StoredTreeNode[]): Promise<void> {
    for (const n of nodes) this.#nodes.set(treeNodeKey(n), n);
  }
  async nodes(refs: readonly TreeNode[]): Promise<StoredTreeNode[]> {
    return refs.flatMap((r) => this.#nodes.get(treeNodeKey(r)) ?? []);
  }
  async find(f: RecordFilters): Promise<StoredAuditRecord[]> {
    return this.records.filter((r) => !f.requestId || r.fields.requestId === f.requestId).slice(0, f.limit);
  }
  async range(fromSeq: number, toSeq: number): Promise<StoredAuditRecord[]> {
    return this.records.filter((r) => r.seq >= fromSeq && r.seq <= toSeq);
  }
  async saveHead(h: SignedTreeHead): Promise<void> {
    const fail = this.failHead;
    this.failHead = undefined;
    if (fail) throw fail;
    this.heads.set(h.size, h);
  }
  async headOf(size: number): Promise<SignedTreeHead | undefined> {
    return this.heads.get(size);
  }
  async latestHead(): Promise<SignedTreeHead | undefined> {
    return [...this.heads.values()].sort((a, b) => b.size - a.size)[0];
  }
  async leafIndex(leafHash: string): Promise<number | undefined> {
    return this.records.find((r) => r.leafHash === leafHash)?.seq;
  }
  async headsForExport(): Promise<SignedTreeHead[]> {
    return [...this.heads.values()].sort((a, b) => a.size - b.size);
  }
  async recordsAfter(after: number, below: number, limit: number): Promise<StoredAuditRecord[]> {
    return this.records.filter((r) => r.seq > after && r.seq < below).slice(0, limit);
  }
  async headsAfter(after: number, through: number, limit: number): Promise<SignedTreeHead[]> {
    return (await this.headsForExport()).filter((h) => h.size > after && h.size <= through).slice(0, limit);
  }
}

async function logOver(store: MemoryStore, signWith: ProvinceKey = key): Promise<AuditLog> {
  const log = new AuditLog({ province: 'sh', repo: store, key: signWith, clock, headEvery: 1_000 });
  await log.init();
  return log;
}

/** The error an append was refused with (it must be refused). */
async function refusal(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('the append went in'),
    (err: unknown) => err,
  );
}

describe('AuditLog over its port (app/ports.ts AuditLogStore)', () => {
  it('appends, traces and signs heads over any store that keeps the contract', async () => {
    const store = new MemoryStore();
    const log = await logOver(store);
    expect(await log.append(anExchangeEvent(0))).toEqual({ seq: 0, duplicate: false });
    expect(await log.append(anExchangeEvent(1))).toEqual({ seq: 1, duplicate: false });
    expect(await log.append(anExchangeEvent(0))).toEqual({ seq: 0, duplicate: true });
    const head = await log.signHeadIfBehind();
    expect(head?.size).toBe(2);
    expect(store.heads.get(2)).toEqual(head);
    const page = await log.trace({ requestId: 'ev-req-1', limit: 10 });
    expect(page.records.map((r) => r.seq)).toEqual([1]);
    expect(page.head.size).toBe(2);
  });

  it('a batch goes in with one write and no lookup; a redelivered event in it costs one lookup and is not a failure', async () => {
    const store = new MemoryStore();
    const log = await logOver(store);
    expect(await log.appendMany([anExchangeEvent(0), anExchangeEvent(1), anExchangeEvent(0)])).toEqual([
      { seq: 0, duplicate: false },
      { seq: 1, duplicate: false },
      { seq: 0, duplicate: true },
    ]);
    expect(store.lookups).toBe(0);
    // event 1 again (its ack was lost), between two new ones
    expect(await log.appendMany([anExchangeEvent(2), anExchangeEvent(1), anExchangeEvent(3)])).toEqual([
      { seq: 2, duplicate: false },
      { seq: 1, duplicate: true },
      { seq: 3, duplicate: false },
    ]);
    expect(store.lookups).toBe(1);
    expect(store.records.map((r) => [r.seq, r.fields.eventId])).toEqual(
      [0, 1, 2, 3].map((i) => [i, anExchangeEvent(i).eventId]),
    );
    expect(log.size).toBe(4);
    expect(log.appendFailures).toBe(0);
    expect(log.health.current()).toEqual({ status: 'ok' });
    // the tree is the four records' tree: the head over it verifies against them
    const head = await log.signHeadIfBehind();
    expect(head?.size).toBe(4);
  });

  it('a LogInconsistency from the store refuses the append and every later one, without asking the store', async () => {
    const store = new MemoryStore();
    const log = await logOver(store);
    store.failWrite = new LogInconsistency('a seq is already taken');
    const first = await refusal(log.append(anExchangeEvent(0)));
    expect(first).toBeInstanceOf(AppError);
    expect(first).toMatchObject({ code: LOG_INCONSISTENT, kind: 'unavailable' });
    expect(log.health.current()).toMatchObject({ status: 'failed', code: LOG_INCONSISTENT });
    const lookups = store.lookups;
    expect(await refusal(log.append(anExchangeEvent(1)))).toMatchObject({ code: LOG_INCONSISTENT });
    expect(store.lookups).toBe(lookups);
    expect(store.records).toEqual([]);
    expect(log.appendFailures).toBe(2);
  });

  it('any other store failure is passing: that append fails, the next goes in and the health recovers', async () => {
    const store = new MemoryStore();
    const log = await logOver(store);
    const down = new Error('connection lost');
    store.failWrite = down;
    expect(await refusal(log.append(anExchangeEvent(0)))).toBe(down);
    expect(log.health.current()).toMatchObject({ status: 'failed', code: LOG_APPEND_FAILED });
    expect(await log.append(anExchangeEvent(0))).toEqual({ seq: 0, duplicate: false });
    expect(log.health.current()).toEqual({ status: 'ok' });
  });

  it('another root stored at a head size (LogInconsistency from saveHead) stops appends', async () => {
    const store = new MemoryStore();
    const log = await logOver(store);
    await log.append(anExchangeEvent(0));
    store.failHead = new LogInconsistency('a head of size 1 with another root is already stored');
    expect(await refusal(log.signHeadIfBehind())).toBeInstanceOf(LogInconsistency);
    expect(await refusal(log.append(anExchangeEvent(1)))).toMatchObject({ code: LOG_INCONSISTENT });
    expect(log.health.current()).toMatchObject({ status: 'failed', code: LOG_INCONSISTENT });
  });
});

describe('a log keeps the suite it was created with', () => {
  const sm2 = loadProvinceKey('sh', generateProvinceKey('sh', 'sm2-sm3').privateJwk);

  it('an sm2-sm3 province’s new log hashes with SM3 and signs its heads with SM2; proofs and exports check out', async () => {
    const store = new MemoryStore();
    const log = await logOver(store, sm2);
    expect(log.suite).toBe('sm2-sm3');
    for (let i = 0; i < 5; i++) await log.append(anExchangeEvent(i));
    const head = (await log.signHeadIfBehind())!;
    expect(head).toMatchObject({ alg: 'SM2', suite: 'sm2-sm3', size: 5 });
    expect(verifyLog(store.records, [...store.heads.values()], sm2.publicKey)).toMatchObject({ ok: true, size: 5 });
    const exported = JSON.parse(JSON.stringify(await log.export())) as unknown;
    expect(checkExport(exported, sm2.publicKey)).toMatchObject({ ok: true, records: 5, failures: [] });
    expect(log.publicJwk()).toMatchObject({ kty: 'EC', crv: 'SM2', kid: 'sh-1' });
    expect(await log.verify()).toMatchObject({ ok: true, size: 5 });
  });

  it('after a restart, an SM3 log is still SM3, even with no head yet', async () => {
    const store = new MemoryStore();
    const first = await logOver(store, sm2);
    await first.append(anExchangeEvent(0));
    await first.append(anExchangeEvent(1));
    // restarted with the key of the other suite: the log's records decide, not the key
    const again = await logOver(store, key);
    expect(again.suite).toBe('sm2-sm3');
    await again.append(anExchangeEvent(2));
    const head = (await again.signHeadIfBehind())!;
    expect(head).toMatchObject({ alg: 'Ed25519', suite: 'sm2-sm3', size: 3 });
    expect(verifyLog(store.records, [head], key.publicKey)).toMatchObject({ ok: true, size: 3 });
  });

  it('a province that moves to an SM2 key keeps its SHA-256 log: heads are SM2 over suite ed25519-sha256', async () => {
    const store = new MemoryStore();
    const before = await logOver(store, key);
    await before.append(anExchangeEvent(0));
    await before.signHeadIfBehind();
    const after = await logOver(store, { ...sm2, kid: 'sh-2' });
    expect(after.suite).toBe('ed25519-sha256');
    await after.append(anExchangeEvent(1));
    const head = (await after.signHeadIfBehind())!;
    expect(head).toMatchObject({ alg: 'SM2', suite: 'ed25519-sha256', size: 2, keyId: 'sh-2' });
    const keys = (h: SignedTreeHead) => (h.keyId === 'sh-2' ? sm2.publicKey : key.publicKey);
    const records = store.records;
    const heads = [...store.heads.values()];
    expect(heads.every((h) => verifyLog(records.slice(0, h.size), [h], keys(h)).ok)).toBe(true);
  });
});
