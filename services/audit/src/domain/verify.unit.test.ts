import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, rootOf } from './merkle.js';
import { type AuditRecordFields, payloadHash, recordLeaf } from './record.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';
import { type StoredAuditRecord, verifyLog } from './verify.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function fields(seq: number): AuditRecordFields {
  return {
    seq,
    eventId: `evt-${seq}`,
    province: 'SH',
    kind: seq % 2 ? 'exchange.request' : 'consent.granted',
    requestId: `req-${Math.floor(seq / 2)}`,
    resourceId: 'res-zj-001',
    actorUser: 'u-sh-42',
    actorAgency: 'ag-sh-rsj',
    requesterProvince: 'SH',
    providerProvince: 'ZJ',
    outcome: 'allowed',
    code: 'OK',
    payloadHash: payloadHash({ seq }),
    subjectRef: 'subj-hmac-abc',
    grantId: 'grant-1',
    consentId: 'consent-1',
    occurredAt: new Date(Date.UTC(2025, 2, 1) + seq * 1000).toISOString(),
    items: ['name', 'idNumber'],
  };
}

function makeLog(n: number): StoredAuditRecord[] {
  return Array.from({ length: n }, (_, seq) => {
    const f = fields(seq);
    return { seq, leafHash: recordLeaf(f).toString('hex'), fields: f };
  });
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
    expect(res.failure).toMatchObject({ code: 'AUDIT.RECORD_ALTERED', seq: 17, eventId: 'evt-17' });
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
    expect(res.failure?.code).toBe('AUDIT.HEAD_MISMATCH');
    expect(res.failure?.seq).toBe(24); // the head of size 25 is the first covering seq 20
    expect(res.failure?.reason).toContain('size 25');
  });

  it('names a record deleted from the middle', () => {
    const deleted = log.filter((r) => r.seq !== 12);
    const res = verifyLog(deleted, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', seq: 12 });
    expect(res.failure?.reason).toMatch(/seq 12 is missing.*deleted/);
    expect(res.size).toBe(12);
    const many = log.filter((r) => r.seq < 12 || r.seq > 14);
    expect(verifyLog(many, heads, keys.publicKey).failure?.reason).toMatch(/12\.\.14 are missing/);
  });

  it('reports records deleted from the end as beyond the signed head', () => {
    const truncated = log.slice(0, 33);
    const res = verifyLog(truncated, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_BEYOND_LOG', seq: 33 });
    expect(res.failure?.reason).toContain('33..39');
    expect(res.size).toBe(33);
  });

  it('names a reordered pair', () => {
    const swapped = [...log];
    [swapped[8], swapped[9]] = [swapped[9]!, swapped[8]!];
    const res = verifyLog(swapped, heads, keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.SEQUENCE_GAP', seq: 8, eventId: 'evt-8' });
    expect(res.failure?.reason).toContain('reordered');
  });

  it('names a duplicated record', () => {
    const dup = [...log.slice(0, 6), log[5]!, ...log.slice(6)];
    expect(verifyLog(dup, heads, keys.publicKey).failure).toMatchObject({
      code: 'AUDIT.SEQUENCE_GAP',
      seq: 5,
      eventId: 'evt-5',
    });
  });

  it('rejects a forged head', () => {
    const edited = { ...heads[2]!, rootHash: heads[3]!.rootHash };
    expect(verifyLog(log, [heads[0]!, edited], keys.publicKey).failure?.code).toBe('AUDIT.HEAD_SIGNATURE_INVALID');
    const otherKey = headAt(log, 16, other.privateKey);
    expect(verifyLog(log, [otherKey], keys.publicKey).failure?.code).toBe('AUDIT.HEAD_SIGNATURE_INVALID');
  });

  it('rejects a correctly signed head whose root does not match the records', () => {
    const wrong = signTreeHead({ ...heads[2]!, rootHash: heads[3]!.rootHash }, keys.privateKey, 'sh-2025');
    const res = verifyLog(log, [wrong], keys.publicKey);
    expect(res.failure).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', seq: 15, eventId: 'evt-15' });
    const emptyWrong = signTreeHead({ ...heads[0]!, rootHash: heads[1]!.rootHash }, keys.privateKey, 'sh-2025');
    expect(verifyLog(log, [emptyWrong], keys.publicKey).failure?.code).toBe('AUDIT.HEAD_MISMATCH');
  });

  it('checks the head province when asked', () => {
    expect(verifyLog(log, heads, keys.publicKey, { province: 'SH' }).ok).toBe(true);
    expect(verifyLog(log, heads, keys.publicKey, { province: 'ZJ' }).failure?.code).toBe('AUDIT.HEAD_MISMATCH');
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
