/**
 * The browser's check against vectors made by the audit service's own code (services/audit/src/domain:
 * the record encoding, the Merkle tree, signed heads and co-signatures, with fresh Ed25519 and SM2
 * keys from @yrd/crypto-suite), run here over Node's WebCrypto and sm-crypto as the browser runs them;
 * for a SHA-256 log and for an SM3 one (国密 sm2-sm3), and one tampered record, proof, head and
 * co-signature each, which must fail at the step they break.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Cosignature,
  checkRecordProof,
  type SignedHead,
  type TracedRecord,
  type TrustKey,
  type TrustList,
} from './index';
import { recordCanonicalJson } from './record';
import { sm3 } from './suites';

/** The parts of the audit service's domain the vectors are made with (loaded at run time, see below). */
interface ServerDomain {
  /** the tree hash of an sm2-sm3 log */
  SM3_TREE: TreeHasher;
  MerkleTree: new (
    th?: TreeHasher,
  ) => {
    append(leaf: Uint8Array): number;
    root(size?: number): Buffer;
    inclusionProof(index: number, size?: number): Buffer[];
  };
  recordLeaf(fields: object, th?: TreeHasher): Buffer;
  recordCanonicalJson(fields: object): string;
  signTreeHead(
    h: { province: string; size: number; rootHash: string; timestamp: string },
    key: KeyObject,
    kid: string,
    logSuite?: 'ed25519-sha256' | 'sm2-sm3',
  ): SignedHead;
  verifyTreeHead(head: SignedHead, key: KeyObject): boolean;
  cosign(witness: string, head: SignedHead, key: KeyObject, kid: string, now: Date): Cosignature;
  verifyCosignature(c: Cosignature, key: KeyObject): boolean;
  /** the bytes an earlier version's head (no `format`) is signed over */
  treeHeadBytes(h: { province: string; size: number; rootHash: string; timestamp: string }): Buffer;
}
/** Opaque here: the service's Merkle hash of a suite, passed back to it. */
type TreeHasher = { readonly name: string };

/** The parts of @yrd/crypto-suite the SM2 keys are made with. */
interface CryptoSuite {
  suite(id: 'sm2-sm3'): {
    generateKeyPair(): { publicKey: KeyObject; privateKey: KeyObject };
    sign(data: Uint8Array, privateKey: KeyObject): Buffer;
  };
  exportPublicJwk(key: KeyObject): TrustKey['jwk'];
}

// paths the console's compiler does not follow: the service and the crypto suite are not part of the
// console's project (it checks what they make, with its own code)
const serverDomain = '../../../../../services/audit/src/domain/index.ts';
const cryptoSuite = '../../../../../packages/crypto-suite/src/index.ts';

/** The trust list with `province`'s key `<province>-1` replaced by one with this JWK. */
const withKey = (trust: TrustList, province: string, jwk: TrustKey['jwk']): TrustList => ({
  ...trust,
  provinces: {
    ...trust.provinces,
    [province]: { keys: [{ kid: `${province}-1`, jwk, validFrom: '2026-01-01T00:00:00.000Z' }] },
  },
});

/** The base64url signature with one character changed (still canonical base64url of 64 bytes). */
const flip = (sig: string, at = 10): string => `${sig.slice(0, at)}${sig[at] === 'A' ? 'B' : 'A'}${sig.slice(at + 1)}`;

const provinces = ['sh', 'js', 'zj', 'ah'] as const;
type Province = (typeof provinces)[number];

const fieldsOf = (seq: number, over: Partial<TracedRecord> = {}) => ({
  seq,
  eventId: `evt-${seq}`,
  province: 'sh',
  kind: seq % 2 ? 'exchange.query.requested' : 'consent.granted',
  requestId: `req-${seq}`,
  resourceId: 'zj.330000-DSJ-00001',
  actorUser: 'sh-dsj-requester',
  actorAgency: '11310000MB2F36655X',
  requesterProvince: 'sh',
  providerProvince: 'zj',
  outcome: 'allow',
  code: '',
  payloadHash: 'ab'.repeat(32),
  subjectRef: seq % 3 ? 'cd'.repeat(32) : '',
  grantId: `grant-${seq}`,
  consentId: '',
  occurredAt: new Date(Date.UTC(2026, 11, 4, 8) + seq * 1000).toISOString(),
  items: ['booking_no', '场馆 "venue"', 'visit\\date'],
  ...(seq === 5 ? { subjectRefKeyId: 'subj-2' } : {}),
  ...over,
});

describe('the proof of a record, checked as the browser checks it', () => {
  let server: ServerDomain;
  const keys = {} as Record<Province, { privateKey: KeyObject; publicKey: KeyObject }>;
  let trust: TrustList;
  let records: TracedRecord[];
  let head: SignedHead;
  let cosignatures: Cosignature[];
  const size = 11;

  beforeAll(async () => {
    server = (await import(/* @vite-ignore */ serverDomain)) as ServerDomain;
    for (const p of provinces) keys[p] = generateKeyPairSync('ed25519');
    trust = {
      cosignatureQuorum: 2,
      provinces: Object.fromEntries(
        provinces.map((p) => [
          p,
          {
            keys: [
              {
                kid: `${p}-1`,
                jwk: { x: String(keys[p].publicKey.export({ format: 'jwk' }).x) },
                validFrom: '2026-01-01T00:00:00.000Z',
              },
            ],
          },
        ]),
      ),
    };
    const tree = new server.MerkleTree();
    const all = Array.from({ length: size }, (_, seq) => fieldsOf(seq));
    for (const f of all) tree.append(server.recordLeaf(f));
    head = server.signTreeHead(
      { province: 'sh', size, rootHash: tree.root().toString('hex'), timestamp: '2026-12-04T09:00:00.000Z' },
      keys.sh.privateKey,
      'sh-1',
    );
    const at = new Date('2026-12-04T09:00:02.000Z');
    cosignatures = (['zj', 'ah'] as const).map((w) => server.cosign(w, head, keys[w].privateKey, `${w}-1`, at));
    records = all.map((f) => ({
      ...f,
      leafHash: server.recordLeaf(f).toString('hex'),
      proof: {
        treeSize: size,
        rootHash: head.rootHash,
        path: tree.inclusionProof(f.seq).map((p) => p.toString('hex')),
      },
    }));
  });

  it('encodes every record exactly as the service does', () => {
    for (const r of records) expect(recordCanonicalJson(r)).toBe(server.recordCanonicalJson(r));
  });

  it('passes every step for every record of the log', async () => {
    for (const record of records) {
      const c = await checkRecordProof({ record, head, cosignatures, trust });
      expect(c.verdict, `seq ${record.seq}`).toBe('passed');
      expect(c.leaf.computed).toBe(record.leafHash);
      expect(c.inclusion.computedRoot).toBe(head.rootHash);
      expect(c.witnesses.witnesses).toEqual(['ah', 'zj']);
    }
  });

  it('fails the leaf (and so the inclusion) when one byte of the record is changed', async () => {
    const record = records[3] as TracedRecord;
    const altered = { ...record, outcome: 'allov' };
    const c = await checkRecordProof({ record: altered, head, cosignatures, trust });
    expect(c.verdict).toBe('failed');
    expect(c.leaf).toMatchObject({ status: 'failed', reason: 'mismatch' });
    expect(c.inclusion).toMatchObject({ status: 'failed', reason: 'rootMismatch' });
    expect(c.headSignature.status).toBe('passed');

    // the record changed together with its stated leaf: the leaf holds, the path no longer leads to the root
    const relabelled = { ...altered, leafHash: String(server.recordLeaf(altered).toString('hex')) };
    const d = await checkRecordProof({ record: relabelled, head, cosignatures, trust });
    expect(d.leaf.status).toBe('passed');
    expect(d.inclusion).toMatchObject({ status: 'failed', reason: 'rootMismatch' });
  });

  it('fails the inclusion when the proof is altered, or put at another seq', async () => {
    const record = records[6] as TracedRecord;
    const path = [...record.proof.path];
    path[1] = `${path[1]?.slice(0, 63)}${path[1]?.endsWith('0') ? '1' : '0'}`;
    const c = await checkRecordProof({
      record: { ...record, proof: { ...record.proof, path } },
      head,
      cosignatures,
      trust,
    });
    expect(c.inclusion).toMatchObject({ status: 'failed', reason: 'rootMismatch' });
    const short = { ...record.proof, path: record.proof.path.slice(1) };
    expect(
      (await checkRecordProof({ record: { ...record, proof: short }, head, cosignatures, trust })).inclusion.status,
    ).toBe('failed');
    const elsewhere = { ...record, seq: 7 };
    expect((await checkRecordProof({ record: elsewhere, head, cosignatures, trust })).verdict).toBe('failed');
  });

  it('fails the head signature when the head is altered, forged or signed with a key the list lacks', async () => {
    const record = records[2] as TracedRecord;
    const bumped = { ...head, timestamp: '2026-12-04T09:00:01.000Z' };
    expect((await checkRecordProof({ record, head: bumped, trust })).headSignature).toMatchObject({
      status: 'failed',
      reason: 'signatureInvalid',
    });
    const forged = server.signTreeHead(head, keys.zj.privateKey, 'sh-1');
    expect((await checkRecordProof({ record, head: forged, trust })).headSignature.reason).toBe('signatureInvalid');
    const unknown = server.signTreeHead(head, keys.sh.privateKey, 'sh-2');
    expect((await checkRecordProof({ record, head: unknown, trust })).headSignature.reason).toBe('keyUnknown');
    const early = { ...head, timestamp: '2025-12-04T09:00:00.000Z' };
    expect((await checkRecordProof({ record, head: early, trust })).headSignature.reason).toBe('keyUnknown');
    const sig = head.signature;
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect(
      (await checkRecordProof({ record, head: { ...head, signature: flipped }, trust })).headSignature.reason,
    ).toBe('signatureInvalid');
  });

  it('checks a head of an earlier version (yrd-sth-v1 bytes), as the service still does', async () => {
    const record = records[1] as TracedRecord;
    const { format: _checkpoint, suite: _suite, ...fields } = head;
    const legacy: SignedHead = {
      ...fields,
      signature: sign(null, server.treeHeadBytes(head), keys.sh.privateKey).toString('base64url'),
    };
    expect((await checkRecordProof({ record, head: legacy, trust })).headSignature.status).toBe('passed');
    const moved = { ...legacy, size: legacy.size + 1 };
    expect((await checkRecordProof({ record, head: moved, trust })).headSignature.status).toBe('failed');
  });

  it('fails the witnesses when a co-signature is altered or over another head; waits below the quorum', async () => {
    const record = records[4] as TracedRecord;
    const [zj, ah] = cosignatures as [Cosignature, Cosignature];
    const altered = { ...zj, time: zj.time + 1 };
    const c = await checkRecordProof({ record, head, cosignatures: [altered, ah], trust });
    expect(c.witnesses.status).toBe('failed');
    expect(c.witnesses.findings).toContainEqual(expect.objectContaining({ witness: 'zj', reason: 'signatureInvalid' }));

    const otherHead = server.signTreeHead({ ...head, size: 10, rootHash: 'ef'.repeat(32) }, keys.sh.privateKey, 'sh-1');
    const elsewhere = server.cosign('js', otherHead, keys.js.privateKey, 'js-1', new Date('2026-12-04T09:00:03Z'));
    const d = await checkRecordProof({ record, head, cosignatures: [zj, ah, elsewhere], trust });
    expect(d.witnesses.findings).toContainEqual(expect.objectContaining({ witness: 'js', reason: 'notThisHead' }));

    const byImpostor = { ...server.cosign('js', head, keys.zj.privateKey, 'js-1', new Date('2026-12-04T09:00:03Z')) };
    expect((await checkRecordProof({ record, head, cosignatures: [byImpostor], trust })).witnesses.status).toBe(
      'failed',
    );

    const own = server.cosign('sh', head, keys.sh.privateKey, 'sh-1', new Date('2026-12-04T09:00:03Z'));
    const e = await checkRecordProof({ record, head, cosignatures: [zj, own], trust });
    expect(e.witnesses).toMatchObject({ status: 'incomplete', witnesses: ['zj'] });
    expect(e.verdict).toBe('incomplete');

    const none = await checkRecordProof({ record, head, trust });
    expect(none.witnesses.status).toBe('skipped');
  });

  it('checks a SHA-256 log co-signed with SM2 (国密) as any other; leaves unchecked only a suite or curve it does not know', async () => {
    const record = records[2] as TracedRecord;
    const gm = (await import(/* @vite-ignore */ cryptoSuite)) as CryptoSuite;
    const at = new Date('2026-12-04T09:00:03Z');
    // 上海 on sm2-sm3 co-signs the heads of the other provinces with SM2, over the same checkpoint
    const sm2 = gm.suite('sm2-sm3').generateKeyPair();
    const sm2Trust = withKey(trust, 'js', gm.exportPublicJwk(sm2.publicKey));
    const bySm2 = server.cosign('js', head, sm2.privateKey, 'js-1', at);
    const mixed = await checkRecordProof({ record, head, cosignatures: [...cosignatures, bySm2], trust: sm2Trust });
    expect(mixed.witnesses).toMatchObject({ status: 'passed', witnesses: ['ah', 'js', 'zj'] });
    expect(mixed.verdict).toBe('passed');
    // an Ed25519 co-signature where the list holds an SM2 key for it, and the SM2 one altered: both fail
    const byEd = server.cosign('js', head, keys.js.privateKey, 'js-1', at);
    const altered = { ...bySm2, signature: flip(bySm2.signature) };
    for (const c of [byEd, altered]) {
      const d = await checkRecordProof({ record, head, cosignatures: [...cosignatures, c], trust: sm2Trust });
      expect(d.witnesses.status).toBe('failed');
      expect(d.witnesses.findings).toContainEqual(
        expect.objectContaining({ witness: 'js', reason: 'signatureInvalid' }),
      );
    }

    // a suite this console does not know: shown as not checked, neither passed nor failed
    const unknown = await checkRecordProof({ record, head: { ...head, suite: 'rsa-md5' }, cosignatures, trust });
    for (const step of [unknown.leaf, unknown.inclusion, unknown.headSignature, unknown.witnesses])
      expect(step).toMatchObject({ status: 'skipped', reason: 'suiteUnsupported' });
    expect(unknown.verdict).toBe('incomplete');
    // a witness key on a curve it does not know: that co-signature is not counted, not failed
    const p256 = withKey(trust, 'js', { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' });
    const other = await checkRecordProof({ record, head, cosignatures: [...cosignatures, byEd], trust: p256 });
    expect(other.witnesses.findings).toContainEqual(
      expect.objectContaining({ witness: 'js', reason: 'suiteUnsupported' }),
    );
    expect(other.witnesses).toMatchObject({ status: 'passed', witnesses: ['ah', 'zj'] });
  });
});

describe('the proof of a record in an sm2-sm3 log (国密), checked as the browser checks it', () => {
  let server: ServerDomain;
  let gm: CryptoSuite;
  /** sh on sm2-sm3 (its log and head), js co-signing with SM2, zj and ah with Ed25519 */
  const keys = {} as Record<Province, { privateKey: KeyObject; publicKey: KeyObject }>;
  let trust: TrustList;
  let records: TracedRecord[];
  let head: SignedHead;
  let cosignatures: Cosignature[];
  const size = 13;
  const at = new Date('2026-12-04T09:00:02.000Z');

  beforeAll(async () => {
    server = (await import(/* @vite-ignore */ serverDomain)) as ServerDomain;
    gm = (await import(/* @vite-ignore */ cryptoSuite)) as CryptoSuite;
    keys.sh = gm.suite('sm2-sm3').generateKeyPair();
    keys.js = gm.suite('sm2-sm3').generateKeyPair();
    keys.zj = generateKeyPairSync('ed25519');
    keys.ah = generateKeyPairSync('ed25519');
    trust = {
      cosignatureQuorum: 2,
      provinces: Object.fromEntries(
        provinces.map((p) => [
          p,
          {
            keys: [
              { kid: `${p}-1`, jwk: gm.exportPublicJwk(keys[p].publicKey), validFrom: '2026-01-01T00:00:00.000Z' },
            ],
          },
        ]),
      ),
    };
    const tree = new server.MerkleTree(server.SM3_TREE);
    const all = Array.from({ length: size }, (_, seq) => fieldsOf(seq));
    for (const f of all) tree.append(server.recordLeaf(f, server.SM3_TREE));
    head = server.signTreeHead(
      { province: 'sh', size, rootHash: tree.root().toString('hex'), timestamp: '2026-12-04T09:00:00.000Z' },
      keys.sh.privateKey,
      'sh-1',
    );
    cosignatures = (['js', 'zj'] as const).map((w) => server.cosign(w, head, keys[w].privateKey, `${w}-1`, at));
    records = all.map((f) => ({
      ...f,
      leafHash: server.recordLeaf(f, server.SM3_TREE).toString('hex'),
      proof: {
        treeSize: size,
        rootHash: head.rootHash,
        path: tree.inclusionProof(f.seq).map((p) => p.toString('hex')),
      },
    }));
  });

  it('is built as the service builds it: an SM2 head over an SM3 root, co-signed in each witness suite', () => {
    expect(head).toMatchObject({ alg: 'SM2', suite: 'sm2-sm3', format: 'checkpoint' });
    expect(server.verifyTreeHead(head, keys.sh.publicKey)).toBe(true);
    expect(cosignatures.map((c) => c.suite)).toEqual(['sm2-sm3', 'sm2-sm3']);
    expect(server.verifyCosignature(cosignatures[0] as Cosignature, keys.js.publicKey)).toBe(true);
    expect(trust.provinces.sh?.keys[0]?.jwk).toMatchObject({ kty: 'EC', crv: 'SM2' });
  });

  it('computes SM3 as GB/T 32905 gives it', async () => {
    // the standard's example 1 ("abc") and the empty message, the root of an empty SM3 log
    const hex = async (s: string) => Buffer.from(await sm3(new Uint8Array(Buffer.from(s)))).toString('hex');
    expect(await hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(await hex('')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  });

  it('passes every step for every record of the log, with SM3 leaves and nodes and SM2 and Ed25519 signatures', async () => {
    for (const record of records) {
      const c = await checkRecordProof({ record, head, cosignatures, trust });
      expect(c.verdict, `seq ${record.seq}`).toBe('passed');
      expect(c.leaf).toMatchObject({ status: 'passed', hash: 'SM3', computed: record.leafHash });
      expect(c.inclusion.computedRoot).toBe(head.rootHash);
      expect(c.headSignature.status).toBe('passed');
      expect(c.witnesses).toMatchObject({ status: 'passed', witnesses: ['js', 'zj'] });
      expect(c.witnesses.findings.every((f) => f.valid)).toBe(true);
    }
  });

  it('fails the leaf (and so the inclusion) when one byte of the record is changed', async () => {
    const record = records[3] as TracedRecord;
    const altered = { ...record, outcome: 'allov' };
    const c = await checkRecordProof({ record: altered, head, cosignatures, trust });
    expect(c.verdict).toBe('failed');
    expect(c.leaf).toMatchObject({ status: 'failed', hash: 'SM3', reason: 'mismatch' });
    expect(c.inclusion).toMatchObject({ status: 'failed', reason: 'rootMismatch' });
    expect(c.headSignature.status).toBe('passed');
    // with the record's SHA-256 leaf stated: not this log's leaf
    const sha = { ...record, leafHash: server.recordLeaf(record).toString('hex') };
    expect((await checkRecordProof({ record: sha, head, cosignatures, trust })).leaf.reason).toBe('mismatch');
  });

  it('fails the inclusion when a node of the path is altered, or the path is put at another seq', async () => {
    const record = records[6] as TracedRecord;
    const path = [...record.proof.path];
    path[2] = `${path[2]?.slice(0, 63)}${path[2]?.endsWith('0') ? '1' : '0'}`;
    const c = await checkRecordProof({
      record: { ...record, proof: { ...record.proof, path } },
      head,
      cosignatures,
      trust,
    });
    expect(c.leaf.status).toBe('passed');
    expect(c.inclusion).toMatchObject({ status: 'failed', reason: 'rootMismatch' });
    expect(c.verdict).toBe('failed');
    const elsewhere = { ...record, seq: 7 };
    expect((await checkRecordProof({ record: elsewhere, head, cosignatures, trust })).verdict).toBe('failed');
  });

  it('fails the SM2 head signature when the head is altered, forged, or claims another suite or alg', async () => {
    const record = records[2] as TracedRecord;
    const reason = async (h: SignedHead) => (await checkRecordProof({ record, head: h, trust })).headSignature;
    expect(await reason({ ...head, timestamp: '2026-12-04T09:00:01.000Z' })).toMatchObject({
      status: 'failed',
      reason: 'signatureInvalid',
    });
    expect((await reason({ ...head, signature: flip(head.signature) })).reason).toBe('signatureInvalid');
    // r ‖ s out of range (s = 0) is refused, not computed with
    const zeroS = Buffer.concat([Buffer.from(head.signature, 'base64url').subarray(0, 32), Buffer.alloc(32)]);
    expect((await reason({ ...head, signature: zeroS.toString('base64url') })).reason).toBe('signatureInvalid');
    // signed by another SM2 key under 上海's key id
    expect((await reason(server.signTreeHead(head, keys.js.privateKey, 'sh-1', 'sm2-sm3'))).reason).toBe(
      'signatureInvalid',
    );
    // the suite line is signed: the same head read as a SHA-256 log's does not hold (and its leaves not either)
    const { suite: _suite, ...asSha } = head;
    const c = await checkRecordProof({ record, head: asSha, cosignatures, trust });
    expect(c.headSignature.reason).toBe('signatureInvalid');
    expect(c.leaf).toMatchObject({ status: 'failed', hash: 'SHA-256', reason: 'mismatch' });
    // the key decides the algorithm: an SM2 key's head must say SM2; and a yrd-sth-v1 head was never SM2
    expect((await reason({ ...head, alg: 'Ed25519' })).reason).toBe('signatureInvalid');
    const { format: _format, suite: _logSuite, ...legacy } = head;
    const legacySig = gm.suite('sm2-sm3').sign(server.treeHeadBytes(head), keys.sh.privateKey).toString('base64url');
    expect((await reason({ ...legacy, signature: legacySig })).reason).toBe('signatureInvalid');
    // an SM2 key's signature in the slot of an Ed25519 key (the list's key changed): invalid
    const asEd = withKey(trust, 'sh', gm.exportPublicJwk(keys.zj.publicKey));
    expect((await checkRecordProof({ record, head, trust: asEd })).headSignature.reason).toBe('signatureInvalid');
  });

  it('checks the head of a SHA-256 log signed with an SM2 key (a province that changed its key to sm2-sm3)', async () => {
    const shaTree = new server.MerkleTree();
    const all = Array.from({ length: 5 }, (_, seq) => fieldsOf(seq));
    for (const f of all) shaTree.append(server.recordLeaf(f));
    const h = server.signTreeHead(
      { province: 'sh', size: 5, rootHash: shaTree.root().toString('hex'), timestamp: '2026-12-04T10:00:00.000Z' },
      keys.sh.privateKey,
      'sh-1',
      'ed25519-sha256',
    );
    expect(h).toMatchObject({ alg: 'SM2', suite: 'ed25519-sha256' });
    const record: TracedRecord = {
      ...(all[4] as ReturnType<typeof fieldsOf>),
      leafHash: server.recordLeaf(all[4] as object).toString('hex'),
      proof: { treeSize: 5, rootHash: h.rootHash, path: shaTree.inclusionProof(4).map((p) => p.toString('hex')) },
    };
    const cs = (['js', 'ah'] as const).map((w) => server.cosign(w, h, keys[w].privateKey, `${w}-1`, at));
    const c = await checkRecordProof({ record, head: h, cosignatures: cs, trust });
    expect(c.verdict).toBe('passed');
    expect(c.leaf.hash).toBe('SHA-256');
  });

  it('fails the witnesses when an SM2 or Ed25519 co-signature is altered, or is not over the SM3 log', async () => {
    const record = records[4] as TracedRecord;
    const [js, zj] = cosignatures as [Cosignature, Cosignature];
    for (const [altered, witness] of [
      [{ ...js, time: js.time + 1 }, 'js'],
      [{ ...js, signature: flip(js.signature, 20) }, 'js'],
      [{ ...zj, time: zj.time + 1 }, 'zj'],
    ] as const) {
      const c = await checkRecordProof({ record, head, cosignatures: [js, zj, altered], trust });
      expect(c.witnesses.status).toBe('failed');
      expect(c.witnesses.findings).toContainEqual(expect.objectContaining({ witness, reason: 'signatureInvalid' }));
      expect(c.verdict).toBe('failed');
    }
    // a co-signature that leaves the suite out is over another checkpoint (a SHA-256 log's): not this head
    const { suite: _suite, ...noSuite } = zj;
    const d = await checkRecordProof({ record, head, cosignatures: [js, noSuite], trust });
    expect(d.witnesses.findings).toContainEqual(expect.objectContaining({ witness: 'zj', reason: 'notThisHead' }));
    // an SM2 co-signature made by another province's key, and 上海's own, which does not count
    const byImpostor = server.cosign('js', head, keys.sh.privateKey, 'js-1', at);
    expect((await checkRecordProof({ record, head, cosignatures: [byImpostor], trust })).witnesses.status).toBe(
      'failed',
    );
    const own = server.cosign('sh', head, keys.sh.privateKey, 'sh-1', at);
    const e = await checkRecordProof({ record, head, cosignatures: [js, own], trust });
    expect(e.witnesses).toMatchObject({ status: 'incomplete', witnesses: ['js'] });
  });
});
