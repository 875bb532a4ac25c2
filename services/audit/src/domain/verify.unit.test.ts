import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, rootOf } from './merkle.js';
import { recordLeaf } from './record.js';
import { aStoredRecord } from './test-builders.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';
import { describeFailure, type StoredAuditRecord, verifyLog } from './verify.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function makeLog(n: number): StoredAuditRecord[] {
  return Array.from({ length: n }, (_, seq) => aStoredRecord(seq));
}

function headAt(records: StoredAuditRecord[], size: number, key = keys.privateKey): SignedTreeHead {
  const root = rootOf(records.slice(0, size).map((r) => Buffer.from(r.leafHash, 'hex')));
  return signTreeHead(
    {
      province: 'SH',
      size,
      rootHash: root.toString('hex'),
      timestamp: `2025-03-02T00:00:${String(size % 60).padStart(2, '0')}Z`,
    },
    key,
    'sh-2025',
  );
}

const N = 40;
const log = makeLog(N);
const heads = [headAt(log, 0), headAt(log, 1), headAt(log, 16), headAt(log, 25), headAt(log, N)];

describe('verifyLog', () => {
  it('accepts an intact log and returns the root over all records', () => {
    const res = verifyLog(log, heads, keys.publicKey);
    expect(res).toEqual({ ok: true, size: N, root: heads[4]!.rootHash });
    // Heads may come in any order, and a log may be checked with no heads at all.
    expect(verifyLog(log, [...heads].reverse(), keys.publicKey).ok).toBe(true);
    expect(verifyLog(log, [], keys.publicKey)).toEqual({ ok: true, size: N, root: heads[4]!.rootHash });
  });

  it('accepts an empty log', () => {
    expect(verifyLog([], [headAt([], 0)], keys.publicKey)).toEqual({
      ok: true,
      size: 0,
      root: EMPTY_ROOT.toString('hex'),
    });
  });

  it('names the first record whose field was changed', () => {
    const tampered = structuredClone(log);
    tampered[17]!.fields.outcome = 'denied';
    tampered[30]!.fields.actorUser = 'someone-else';
    const res = verifyLog(tampered, heads, keys.publicKey);
    expect(res.ok).toBe(false);
    expect(res.failure).toMatchObject({ code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17', seq: 17, eventId: 'evt-17' });
    expect(describeFailure(res.failure!)).toContain('seq 17: ');
    expect(res.failure?.reason).toContain('leaf hash does not match its fields (record altered)');
    expect(res.size).toBe(17);
  });

  it('catches a changed item list and a changed hashed seq', () => {
    const a = structuredClone(log);
    a[3]!.fields.items.push('address');
    expect(verifyLog(a, heads, keys.publicKey).failure).toMatchObject({ code: 'AUDIT.RECORD_ALTERED', seq: 3 });
    const b = structuredClone(log);
    b[5]!.fields.seq = 6;
    expect(verifyLog(b, heads, keys.publicKey).failure).toMatchObject({
      code: 'AUDIT.RECORD_ALTERED',
      seq: 5,
      eventId: 'evt-5',
    });
  });

  it('catches a field changed together with its stored leaf hash, at the next signed head', () => {
    const tampered = structuredClone(log);
    tampered[20]!.fields.outcome = 'denied';
    tampered[20]!.leafHash = recordLeaf(tampered[20]!.fields).toString('hex');
    const res = verifyLog(tampered, heads, keys.publicKey);
    // heads of size 16 and 25: the records between them are all the evidence can narrow it to
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', entry: 'seq 16..24', seq: 16, headSize: 25 });
    expect(res.failure?.reason).toContain('head size 25');
  });

  it('names the exact record altered together with its leaf hash when every append has a head', () => {
    const dense = Array.from({ length: N + 1 }, (_, size) => headAt(log, size));
    const tampered = structuredClone(log);
    tampered[20]!.fields.outcome = 'denied';
    tampered[20]!.leafHash = recordLeaf(tampered[20]!.fields).toString('hex');
    expect(verifyLog(tampered, dense, keys.publicKey).failure).toMatchObject({
      code: 'AUDIT.HEAD_MISMATCH',
      entry: 'seq 20',
      seq: 20,
      headSize: 21,
      eventId: 'evt-20',
    });
  });

  it('names a record deleted from the middle', () => {
    const deleted = log.filter((r) => r.seq !== 12);
    const res = verifyLog(deleted, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 12', seq: 12 });
    expect(res.failure?.reason).toMatch(/missing.*deleted/);
    expect(res.size).toBe(12);
    const many = log.filter((r) => r.seq < 12 || r.seq > 14);
    expect(verifyLog(many, heads, keys.publicKey).failure).toMatchObject({ entry: 'seq 12..14', seq: 12 });
  });

  it('reports records deleted from the end as beyond the signed head', () => {
    const truncated = log.slice(0, 33);
    const res = verifyLog(truncated, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_BEYOND_LOG', entry: 'seq 33..39', seq: 33, headSize: 40 });
    expect(res.failure?.reason).toContain('records deleted');
    expect(res.size).toBe(33);
  });

  it('names a reordered pair', () => {
    const swapped = [...log];
    [swapped[8], swapped[9]] = [swapped[9]!, swapped[8]!];
    const res = verifyLog(swapped, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 8/9', seq: 8, eventId: 'evt-8' });
    expect(res.failure?.reason).toContain('out of order (records reordered)');
  });

  it('names two records that traded seqs where they are stored (each hashed under the other seq)', () => {
    // what `update audit.records set seq = …` swapping two rows looks like once read back in seq order
    const swapped = structuredClone(log);
    const [a, b] = [swapped[20]!, swapped[21]!];
    [a.fields, b.fields] = [b.fields, a.fields];
    [a.leafHash, b.leafHash] = [b.leafHash, a.leafHash];
    const res = verifyLog(swapped, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 20/21', seq: 20 });
    expect(res.size).toBe(20);
  });

  it('names a duplicated record', () => {
    const dup = [...log.slice(0, 6), log[5]!, ...log.slice(6)];
    expect(verifyLog(dup, heads, keys.publicKey).failure).toMatchObject({
      code: 'AUDIT.SEQUENCE_GAP',
      entry: 'seq 5',
      seq: 5,
      eventId: 'evt-5',
    });
  });

  it('rejects a forged head', () => {
    const edited = { ...heads[2]!, rootHash: heads[3]!.rootHash };
    const res = verifyLog(log, [heads[0]!, edited], keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 16', headSize: 16 });
    expect(describeFailure(res.failure!)).toMatch(/^head size 16: .*signature invalid \(forged\)/);
    const otherKey = headAt(log, 16, other.privateKey);
    expect(verifyLog(log, [otherKey], keys.publicKey).failure?.code).toBe('AUDIT.HEAD_SIGNATURE_INVALID');
  });

  it('rejects a correctly signed head whose root does not match the records', () => {
    const wrong = signTreeHead({ ...heads[2]!, rootHash: heads[3]!.rootHash }, keys.privateKey, 'sh-2025');
    const res = verifyLog(log, [wrong], keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', entry: 'seq 0..15', seq: 0, headSize: 16 });
    const emptyWrong = signTreeHead({ ...heads[0]!, rootHash: heads[1]!.rootHash }, keys.privateKey, 'sh-2025');
    expect(verifyLog(log, [emptyWrong], keys.publicKey).failure?.code).toBe('AUDIT.HEAD_MISMATCH');
  });

  it('checks the head province when asked', () => {
    expect(verifyLog(log, heads, keys.publicKey, { province: 'SH' }).ok).toBe(true);
    expect(verifyLog(log, heads, keys.publicKey, { province: 'ZJ' }).failure).toMatchObject({
      code: 'AUDIT.HEAD_MISMATCH',
      entry: 'head size 0',
    });
  });

  it('reports malformed records as altered instead of throwing', () => {
    const broken = structuredClone(log);
    (broken[2]!.fields as unknown as Record<string, unknown>).items = 'x';
    expect(verifyLog(broken, heads, keys.publicKey).failure).toMatchObject({
      code: 'AUDIT.RECORD_ALTERED',
      seq: 2,
      eventId: 'evt-2',
    });
  });

  it('verifies 100,000 records in one pass', () => {
    const big = makeLog(100_000);
    const res = verifyLog(big, [headAt(big, 100_000)], keys.publicKey);
    expect(res.ok).toBe(true);
    expect(res.size).toBe(100_000);
  }, 60_000);
});

describe('a record changed together with its stored leaf hash', () => {
  const altered = (records: StoredAuditRecord[], withTree: boolean) =>
    records.map((r) => {
      const treeLeaf = withTree ? { treeLeaf: r.leafHash } : {};
      if (r.seq !== 17) return { ...r, ...treeLeaf };
      const fields = { ...r.fields, outcome: 'deny' };
      return { ...r, fields, leafHash: recordLeaf(fields).toString('hex'), ...treeLeaf };
    });

  it('without the tree’s leaves: named as the run since the last matching head (sparse heads)', () => {
    const res = verifyLog(altered(log, false), heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', entry: 'seq 16..24' });
  });

  it('with the tree’s leaves: that record alone', () => {
    const res = verifyLog(altered(log, true), heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17', seq: 17 });
  });
});
