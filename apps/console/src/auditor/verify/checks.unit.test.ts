/**
 * The browser's check against vectors made by the audit service's own code (services/audit/src/domain:
 * the record encoding, the Merkle tree, signed heads and co-signatures, with fresh Ed25519 keys), run
 * here over Node's WebCrypto as the browser runs it; and one tampered record, proof, head and
 * co-signature each, which must fail at the step they break.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Cosignature, checkRecordProof, type SignedHead, type TracedRecord, type TrustList } from './index';
import { recordCanonicalJson } from './record';

/** The parts of the audit service's domain the vectors are made with (loaded at run time, see below). */
interface ServerDomain {
  MerkleTree: new () => {
    append(leaf: Uint8Array): number;
    root(size?: number): Buffer;
    inclusionProof(index: number, size?: number): Buffer[];
  };
  recordLeaf(fields: object): Buffer;
  recordCanonicalJson(fields: object): string;
  signTreeHead(
    h: { province: string; size: number; rootHash: string; timestamp: string },
    key: KeyObject,
    kid: string,
  ): SignedHead;
  cosign(witness: string, head: SignedHead, key: KeyObject, kid: string, now: Date): Cosignature;
  /** the bytes an earlier version's head (no `format`) is signed over */
  treeHeadBytes(h: { province: string; size: number; rootHash: string; timestamp: string }): Buffer;
}

// a path the console's compiler does not follow: the service is not part of the console's project
const serverDomain = '../../../../../services/audit/src/domain/index.ts';

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
    const { format: _checkpoint, ...fields } = head;
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

  it('does not pass or fail what a browser cannot compute: an SM3 log, an SM2 head or co-signature (国密)', async () => {
    const record = records[2] as TracedRecord;
    // an sm2-sm3 log: SM3 leaves and nodes, an SM2 head — every step shown as not checked here
    const sm3 = await checkRecordProof({
      record,
      head: { ...head, suite: 'sm2-sm3', alg: 'SM2' },
      cosignatures,
      trust,
    });
    for (const step of [sm3.leaf, sm3.inclusion, sm3.headSignature, sm3.witnesses])
      expect(step).toMatchObject({ status: 'skipped', reason: 'suiteUnsupported' });
    expect(sm3.verdict).toBe('incomplete');

    // an SHA-256 log co-signed by a province whose key is SM2: that co-signature is not counted, not failed
    const sm2Trust: TrustList = {
      ...trust,
      provinces: {
        ...trust.provinces,
        js: { keys: [{ kid: 'js-1', jwk: { crv: 'SM2', x: 'AA' }, validFrom: '2026-01-01T00:00:00.000Z' }] },
      },
    };
    const bySm2 = server.cosign('js', head, keys.js.privateKey, 'js-1', new Date('2026-12-04T09:00:03Z'));
    const mixed = await checkRecordProof({ record, head, cosignatures: [...cosignatures, bySm2], trust: sm2Trust });
    expect(mixed.witnesses.findings).toContainEqual(
      expect.objectContaining({ witness: 'js', reason: 'suiteUnsupported' }),
    );
    expect(mixed.witnesses).toMatchObject({ status: 'passed', witnesses: ['ah', 'zj'] });
    expect(mixed.verdict).toBe('passed');
  });
});
