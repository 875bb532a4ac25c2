// LogVerifier fed a page at a time, as the verification job feeds it, must reach verifyLog's verdict
// (the same code, entry, size and root) however the log is cut into pages.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rootOf } from './merkle.js';
import { recordLeaf } from './record.js';
import { aStoredRecord } from './test-builders.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';
import { type HeadKey, LogVerifier, type StoredAuditRecord, type VerifyLogResult, verifyLog } from './verify.js';

const keys = generateKeyPairSync('ed25519');
const older = generateKeyPairSync('ed25519');

const makeLog = (n: number): StoredAuditRecord[] => Array.from({ length: n }, (_, seq) => aStoredRecord(seq));

function headAt(records: StoredAuditRecord[], size: number, key = keys.privateKey, kid = 'sh-2025'): SignedTreeHead {
  const root = rootOf(records.slice(0, size).map((r) => Buffer.from(r.leafHash, 'hex')));
  return signTreeHead(
    { province: 'SH', size, rootHash: root.toString('hex'), timestamp: '2025-03-02T00:00:00Z' },
    key,
    kid,
  );
}

interface Paging {
  pageSize: number;
  headPageSize: number;
  /** the records are sorted by seq, each once (as a keyset read gives them): the verifier may skip */
  ordered?: boolean;
}

/** What the verification job does: heads by size ahead of the records, records page by page. */
function paged(
  records: readonly StoredAuditRecord[],
  heads: readonly SignedTreeHead[],
  { pageSize, headPageSize, ordered = false }: Paging,
  headKey: HeadKey = () => keys.publicKey,
  province?: string,
): VerifyLogResult {
  const v = new LogVerifier(headKey, { ordered, ...(province ? { province } : {}) });
  const byHead = [...heads].sort((a, b) => a.size - b.size);
  let h = 0;
  let headsDone = false;
  const nextHeads = () => {
    const page = byHead.slice(h, h + headPageSize);
    h += page.length;
    headsDone = page.length < headPageSize;
    v.addHeads(page, headsDone ? Number.POSITIVE_INFINITY : page.at(-1)!.size);
  };
  let at = 0;
  while (v.wantsRecords && at < records.length) {
    while (!headsDone && v.headsThrough < v.position + pageSize) nextHeads();
    const wanted = v.nextSeqWanted;
    if (wanted !== undefined) {
      const skipTo = records.findIndex((r) => r.seq >= wanted);
      at = skipTo < 0 ? records.length : Math.max(at, skipTo);
    }
    v.addRecords(records.slice(at, at + pageSize));
    at += pageSize;
  }
  while (!headsDone && v.wantsHeads) nextHeads();
  if (!headsDone) v.addHeads([], Number.POSITIVE_INFINITY);
  return v.finish();
}

const pagings: Paging[] = [1, 2, 3, 5, 8, 16, 17, 25, 64].flatMap((pageSize) =>
  [1, 2, 7].map((headPageSize) => ({ pageSize, headPageSize })),
);

function expectSameAsOnePass(
  records: StoredAuditRecord[],
  heads: SignedTreeHead[],
  opts: { ordered?: boolean } = {},
): VerifyLogResult {
  const whole = verifyLog(
    records,
    [...heads].sort((a, b) => a.size - b.size),
    keys.publicKey,
  );
  for (const p of pagings) {
    expect(paged(records, heads, p), `page ${p.pageSize}, heads ${p.headPageSize}`).toEqual(whole);
    if (opts.ordered) {
      expect(paged(records, heads, { ...p, ordered: true }), `ordered, page ${p.pageSize}`).toEqual(whole);
    }
  }
  return whole;
}

const N = 40;
const log = makeLog(N);
const heads = [headAt(log, 0), headAt(log, 1), headAt(log, 16), headAt(log, 25), headAt(log, N)];
const dense = Array.from({ length: N + 1 }, (_, size) => headAt(log, size));

const altered = (i: number, withLeaf = false): StoredAuditRecord[] => {
  const t = structuredClone(log);
  t[i]!.fields.outcome = 'denied';
  if (withLeaf) t[i]!.leafHash = recordLeaf(t[i]!.fields).toString('hex');
  return t;
};

const tradedSeqs = (a: number, b: number): StoredAuditRecord[] => {
  const t = structuredClone(log);
  const [x, y] = [t[a]!, t[b]!];
  [x.fields, y.fields] = [y.fields, x.fields];
  [x.leafHash, y.leafHash] = [y.leafHash, x.leafHash];
  return t;
};

describe('LogVerifier, page by page', () => {
  it('accepts an intact log with any page size, heads at page boundaries or not', () => {
    expect(expectSameAsOnePass(log, heads, { ordered: true })).toMatchObject({ ok: true, size: N });
    expect(expectSameAsOnePass(log, dense, { ordered: true })).toMatchObject({ ok: true, size: N });
    expect(expectSameAsOnePass(log, [], { ordered: true })).toMatchObject({ ok: true, size: N });
    expect(expectSameAsOnePass([], [headAt([], 0)], { ordered: true })).toMatchObject({ ok: true, size: 0 });
  });

  it('names a record altered on the first, the last or the middle record of a page', () => {
    // with pages of 8: seq 16 opens a page, 23 closes one, 20 is inside; 0 and 39 are the log's ends
    for (const i of [0, 16, 20, 23, 39]) {
      expect(expectSameAsOnePass(altered(i), heads, { ordered: true }).failure).toMatchObject({
        code: 'AUDIT.RECORD_ALTERED',
        entry: `seq ${i}`,
      });
    }
  });

  it('names records altered with their leaf hash at the next head, on a page boundary or not', () => {
    expect(expectSameAsOnePass(altered(20, true), heads, { ordered: true }).failure).toMatchObject({
      code: 'AUDIT.HEAD_MISMATCH',
      entry: 'seq 16..24',
      headSize: 25,
    });
    for (const i of [0, 15, 16, 31, 32, 39]) {
      expect(expectSameAsOnePass(altered(i, true), dense, { ordered: true }).failure).toMatchObject({
        code: 'AUDIT.HEAD_MISMATCH',
        entry: `seq ${i}`,
        headSize: i + 1,
        eventId: `evt-${i}`,
      });
    }
  });

  it('names deleted records, at a page boundary, in the middle and at the end', () => {
    for (const gone of [[0], [15], [16], [12, 13, 14], [31, 32]]) {
      const res = expectSameAsOnePass(
        log.filter((r) => !gone.includes(r.seq)),
        heads,
        { ordered: true },
      );
      expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', seq: gone[0] });
    }
    expect(expectSameAsOnePass(log.slice(0, 32), heads, { ordered: true }).failure).toMatchObject({
      code: 'AUDIT.HEAD_BEYOND_LOG',
      entry: 'seq 32..39',
    });
  });

  it('names two records that traded seqs, near or far apart, across pages', () => {
    for (const [a, b] of [
      [7, 8],
      [15, 16],
      [3, 30],
      [0, 39],
    ] as const) {
      expect(expectSameAsOnePass(tradedSeqs(a, b), heads, { ordered: true }).failure).toMatchObject({
        code: 'AUDIT.SEQUENCE_GAP',
        entry: `seq ${a}/${b}`,
      });
    }
    // one record hashed under another's seq, whose record is intact: an alteration, not a pair
    const one = structuredClone(log);
    one[5]!.fields.seq = 30;
    one[5]!.leafHash = recordLeaf(one[5]!.fields).toString('hex');
    expect(expectSameAsOnePass(one, heads, { ordered: true }).failure).toMatchObject({
      code: 'AUDIT.RECORD_ALTERED',
      entry: 'seq 5',
    });
    // …and hashed under a seq the log does not reach
    const beyond = structuredClone(log);
    beyond[5]!.fields.seq = 99;
    expect(expectSameAsOnePass(beyond, heads, { ordered: true }).failure).toMatchObject({
      code: 'AUDIT.RECORD_ALTERED',
      entry: 'seq 5',
    });
  });

  it('names records reordered or duplicated in the input, across pages (unordered input)', () => {
    for (const [a, b] of [
      [8, 9],
      [15, 16],
      [2, 33],
    ] as const) {
      const swapped = [...log];
      [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
      expect(expectSameAsOnePass(swapped, heads).failure).toMatchObject({ entry: `seq ${a}/${b}` });
    }
    for (const i of [5, 15, 16]) {
      const dup = [...log.slice(0, i + 1), log[i]!, ...log.slice(i + 1)];
      expect(expectSameAsOnePass(dup, heads).failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: `seq ${i}` });
    }
  });

  it('lets a forged head decide the verdict even when it comes after a failing record', () => {
    const forged = { ...heads[4]!, rootHash: heads[3]!.rootHash };
    const res = expectSameAsOnePass(altered(3), [...heads.slice(0, 4), forged], { ordered: true });
    expect(res).toMatchObject({ ok: false, size: 0, failure: { code: 'AUDIT.HEAD_SIGNATURE_INVALID' } });
    expect(res.failure?.entry).toBe(`head size ${N}`);
  });

  it('checks each head with the key its headKey gives (a rotated key), and fails a head no key fits', () => {
    const rotated = [headAt(log, 16, older.privateKey, 'sh-2024'), headAt(log, 32), headAt(log, N)];
    const byKid = new Map<string, KeyObject>([
      ['sh-2024', older.publicKey],
      ['sh-2025', keys.publicKey],
    ]);
    const p = { pageSize: 5, headPageSize: 1, ordered: true };
    expect(paged(log, rotated, p, (h) => byKid.get(h.keyId))).toMatchObject({ ok: true, size: N });
    expect(paged(log, rotated, p, (h) => (h.keyId === 'sh-2025' ? keys.publicKey : undefined)).failure).toMatchObject({
      code: 'AUDIT.HEAD_SIGNATURE_INVALID',
      entry: 'head size 16',
    });
    expect(paged(log, rotated, p, (h) => byKid.get(h.keyId), 'ZJ').failure).toMatchObject({
      code: 'AUDIT.HEAD_MISMATCH',
      entry: 'head size 16',
    });
  });

  it('refuses records before the heads that cover them are in', () => {
    const v = new LogVerifier(() => keys.publicKey);
    v.addHeads([heads[2]!], 16);
    v.addRecords(log.slice(0, 16));
    expect(() => v.addRecords(log.slice(16, 17))).toThrow(RangeError);
    const w = new LogVerifier(() => keys.publicKey);
    w.addHeads([], 30);
    w.addRecords(log.slice(0, 20));
    expect(() => w.addHeads([heads[2]!], 40)).toThrow(/head size 16 added after the log passed it/);
    expect(() => w.finish()).toThrow(RangeError);
  });

  it('verifies 5,000 records with a head every 64 in pages of 500 as in one pass', () => {
    const big = makeLog(5_000);
    const bigHeads = Array.from({ length: 5_000 / 64 + 1 }, (_, k) => headAt(big, Math.min(5_000, k * 64)));
    const res = paged(big, bigHeads, { pageSize: 500, headPageSize: 16, ordered: true });
    expect(res).toEqual(verifyLog(big, bigHeads, keys.publicKey));
    expect(res.ok).toBe(true);
  }, 30_000);
});
