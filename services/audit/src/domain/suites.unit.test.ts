// A region of two suites (issue 16): 上海 on sm2-sm3 — an SM3 Merkle log, heads signed with SM2 — and
// the other provinces on ed25519-sha256. Each witnesses the others in its own suite, and every check
// (the whole log, an export, the public answers) works on both, without being told which.
import { generateKeyPairSync } from 'node:crypto';
import { suite } from '@yrd/crypto-suite';
import { describe, expect, it } from 'vitest';
import { checkExport, chooseTrust } from './export-check.js';
import { anExportOf, aProvinceLog, aRegion, cosigned } from './export-test-builders.js';
import { keyringFrom } from './keyring.js';
import {
  consistencyProof,
  inclusionProof,
  MerkleLog,
  MerkleTree,
  rootOf,
  SHA256_TREE,
  SM3_TREE,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { checkpointText, NOTE_ED25519, noteKeyId, parseCheckpoint, parseNote, verifierKey } from './note.js';
import { checkConsistency, checkHead, checkInclusion, publicTrust } from './public-check.js';
import { recordLeaf } from './record.js';
import { aLog, aRecordFields } from './test-builders.js';
import { headSuite, type SignedTreeHead, signTreeHead, verifyTreeHead } from './tree-head.js';
import { verifyLog } from './verify.js';
import { cosign, cosignatureCovers, headNote, judgeHead, verifyCosignature } from './witness.js';

const region = aRegion(2, { sh: 'sm2-sm3' });
const sh = region.keys.sh;
const zj = region.keys.zj;
const N = 12;
const log = aProvinceLog(region, N, { headEvery: 4 });
const codes = (c: { failures: { code: string }[] }) => c.failures.map((f) => f.code);

describe('an SM3 Merkle log (RFC 6962 structure, SM3 hash)', () => {
  const leaves = Array.from({ length: 21 }, (_, i) => SM3_TREE.leafHash(Buffer.from(`entry ${i}`)));

  it('has SM3 roots: the empty root is SM3(""), and a log differs from its SHA-256 twin', () => {
    expect(SM3_TREE.emptyRoot.toString('hex')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
    expect(new MerkleLog(SM3_TREE).root().equals(SM3_TREE.emptyRoot)).toBe(true);
    const sha = Array.from({ length: 21 }, (_, i) => SHA256_TREE.leafHash(Buffer.from(`entry ${i}`)));
    expect(rootOf(leaves, SM3_TREE).equals(rootOf(sha))).toBe(false);
  });

  it('gives the same roots and proofs from the frontier, the tree and the leaves, for every size', () => {
    const frontier = new MerkleLog(SM3_TREE);
    const tree = new MerkleTree(SM3_TREE);
    for (const [i, l] of leaves.entries()) {
      frontier.append(l);
      tree.append(l);
      const root = rootOf(leaves.slice(0, i + 1), SM3_TREE);
      expect(frontier.root().equals(root) && tree.root().equals(root)).toBe(true);
      for (let m = 0; m <= i; m++) {
        const path = inclusionProof(leaves.slice(0, i + 1), m, SM3_TREE);
        expect(tree.inclusionProof(m)).toEqual(path);
        expect(verifyInclusion(leaves[m]!, m, i + 1, path, root, SM3_TREE)).toBe(true);
      }
    }
    // a frontier says it is SM3, and comes back as SM3
    expect(frontier.frontier().treeHash).toBe('sm3');
    expect(MerkleLog.fromFrontier(frontier.frontier()).root().equals(frontier.root())).toBe(true);
    expect(() => MerkleLog.fromFrontier(frontier.frontier(), SHA256_TREE)).toThrow(TypeError);
  });

  it('proves consistency in SM3, and an SM3 proof does not verify as SHA-256', () => {
    const root = (n: number) => rootOf(leaves.slice(0, n), SM3_TREE);
    for (const [a, b] of [
      [0, 5],
      [3, 7],
      [4, 21],
      [13, 21],
    ] as const) {
      const p = consistencyProof(leaves, a, b, SM3_TREE);
      expect(verifyConsistency(a, b, root(a), root(b), p, SM3_TREE)).toBe(true);
      if (a > 0) expect(verifyConsistency(a, b, root(a), root(b), p)).toBe(false);
    }
    const path = inclusionProof(leaves, 6, SM3_TREE);
    expect(verifyInclusion(leaves[6]!, 6, 21, path, root(21))).toBe(false);
  });

  it('hashes a record’s leaf in the log’s hash', () => {
    const fields = aRecordFields(3);
    expect(recordLeaf(fields, SM3_TREE).equals(recordLeaf(fields))).toBe(false);
    expect(recordLeaf(fields, SM3_TREE).equals(SM3_TREE.leafHash(Buffer.from(JSON.stringify(fields))))).toBe(false);
  });
});

describe('a head of an sm2-sm3 log', () => {
  const head = log.heads.at(-1)!;

  it('is signed with SM2 and names its suite, in the checkpoint text too', () => {
    expect(head).toMatchObject({ alg: 'SM2', suite: 'sm2-sm3', format: 'checkpoint', keyId: 'sh-1' });
    const text = checkpointText(head);
    expect(text.endsWith(`key sh-1\nsuite sm2-sm3\n`)).toBe(true);
    expect(parseCheckpoint(text)).toMatchObject({ province: 'sh', size: N, suite: 'sm2-sm3' });
    expect(verifyTreeHead(head, sh.publicKey)).toBe(true);
  });

  it('is refused with another key, another alg, another suite, or a changed root', () => {
    expect(verifyTreeHead(head, zj.publicKey)).toBe(false);
    expect(verifyTreeHead(head, suite('sm2-sm3').generateKeyPair().publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, alg: 'Ed25519' }, sh.publicKey)).toBe(false);
    const { suite: _s, ...unnamed } = head;
    expect(verifyTreeHead(unnamed, sh.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, suite: 'ed25519-sha256' }, sh.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, rootHash: '0'.repeat(64) }, sh.publicKey)).toBe(false);
    // a legacy (yrd-sth-v1) head is Ed25519 over SHA-256 only
    const { format: _f, ...legacy } = head;
    expect(verifyTreeHead(legacy as SignedTreeHead, sh.publicKey)).toBe(false);
  });

  it('an Ed25519 head says ed25519-sha256 and its text is what it always was; a head from before suites verifies', () => {
    const ed = generateKeyPairSync('ed25519');
    const e = aLog(3, ed.privateKey).heads.at(-1)!;
    expect(e).toMatchObject({ alg: 'Ed25519', suite: 'ed25519-sha256' });
    expect(checkpointText(e).endsWith('key sh-1\n')).toBe(true);
    const { suite: _s, ...before } = e;
    expect(headSuite(before as SignedTreeHead)).toBe('ed25519-sha256');
    expect(verifyTreeHead(before, ed.publicKey)).toBe(true);
  });

  it('a log keeps its hash: an SM2 key signs a SHA-256 log’s head as SM2 over suite ed25519-sha256', () => {
    const ed = generateKeyPairSync('ed25519');
    const old = aLog(5, ed.privateKey);
    const h = signTreeHead(
      { province: 'sh', size: 5, rootHash: old.tree.root().toString('hex'), timestamp: '2026-01-01T00:00:00.000Z' },
      sh.privateKey,
      'sh-2',
      'ed25519-sha256',
    );
    expect(h).toMatchObject({ alg: 'SM2', suite: 'ed25519-sha256' });
    expect(verifyTreeHead(h, sh.publicKey)).toBe(true);
  });
});

describe('witnessing across suites', () => {
  const [h4, h8] = [log.heads.find((h) => h.size === 4)!, log.heads.find((h) => h.size === 8)!];
  const zjHeads = aLog(8, zj.privateKey, { headEvery: 4 }).heads.map((h) =>
    signTreeHead({ ...h, province: 'zj' }, zj.privateKey, 'zj-1'),
  );

  it('an ed25519 province judges an sm2 province’s heads with SM3 proofs and co-signs them with Ed25519', () => {
    const first = judgeHead(undefined, h4, sh.publicKey);
    expect(first.ok).toBe(true);
    const proof = log.tree.consistencyProof(4, 8);
    const next = judgeHead(
      { province: 'sh', size: 4, rootHash: h4.rootHash, timestamp: h4.timestamp },
      h8,
      sh.publicKey,
      proof,
    );
    expect(next).toMatchObject({ ok: true, cosign: true });
    const c = cosign('zj', h8, zj.privateKey, 'zj-1', new Date('2026-01-01T00:00:00Z'));
    expect(c.suite).toBe('sm2-sm3');
    expect(verifyCosignature(c, zj.publicKey)).toBe(true);
    expect(verifyCosignature(c, sh.publicKey)).toBe(false);
    expect(cosignatureCovers(c, h8)).toBe(true);
    // the same root under another suite is another head
    expect(cosignatureCovers(c, { ...h8, suite: 'ed25519-sha256' })).toBe(false);
    expect(verifyCosignature({ ...c, suite: undefined } as unknown as typeof c, zj.publicKey)).toBe(false);
  });

  it('a rewritten SM3 history is caught, and a proof in the wrong hash does not pass', () => {
    const prev = { province: 'sh', size: 4, rootHash: h4.rootHash, timestamp: h4.timestamp };
    const leaves = Array.from({ length: 8 }, (_, i) => log.tree.leaf(i));
    const asSha = consistencyProof(leaves, 4, 8); // the right leaves, hashed as SHA-256
    expect(judgeHead(prev, h8, sh.publicKey, asSha)).toMatchObject({ ok: false, code: 'AUDIT.INCONSISTENT' });
  });

  it('the sm2 province co-signs an ed25519 province’s head with SM2', () => {
    const h = zjHeads.at(-1)!;
    expect(h.suite).toBe('ed25519-sha256');
    expect(judgeHead(undefined, h, zj.publicKey).ok).toBe(true);
    const c = cosign('sh', h, sh.privateKey, 'sh-1', new Date('2026-01-01T00:00:00Z'));
    expect(c).not.toHaveProperty('suite');
    expect(verifyCosignature(c, sh.publicKey)).toBe(true);
    expect(verifyCosignature(c, zj.publicKey)).toBe(false);
  });

  it('writes both suites’ lines in one signed note, with key ids an auditor matches to the trust list', () => {
    const [withCs] = cosigned(region, [h8]);
    const note = headNote(
      withCs!,
      sh.publicKey,
      withCs!.cosignatures.map((c) => ({ c, witnessKey: region.keys[c.witness as 'zj'].publicKey })),
    )!;
    const parsed = parseNote(note)!;
    expect(parsed.signatures.map((s) => s.name)).toEqual([
      'yrd.example/audit/sh',
      'yrd.example/witness/js',
      'yrd.example/witness/zj',
      'yrd.example/witness/ah',
    ]);
    expect(parsed.signatures[0]!.keyId.equals(noteKeyId('yrd.example/audit/sh', NOTE_ED25519, sh.publicKey))).toBe(
      true,
    );
    // an SM2 verifier key is 0xff ‖ yrd-sm2 ‖ the 65-byte point; an Ed25519 one what it always was
    const material = Buffer.from(
      verifierKey('yrd.example/audit/sh', NOTE_ED25519, sh.publicKey).split('+').slice(2).join('+'),
      'base64',
    );
    expect(material[0]).toBe(0xff);
    expect(material.subarray(1, 8).toString('ascii')).toBe('yrd-sm2');
    expect(material.length).toBe(1 + 7 + 65);
    expect(
      Buffer.from(verifierKey('x', NOTE_ED25519, zj.publicKey).split('+').slice(2).join('+'), 'base64').length,
    ).toBe(33);
    const trust = publicTrust(region.anchors);
    const checked = checkHead(note, trust);
    expect(checked).toMatchObject({ ok: true, signatureValid: true, witnesses: ['ah', 'js', 'zj'] });
    expect(checked.head?.suite).toBe('sm2-sm3');
  });
});

describe('checking an sm2-sm3 log', () => {
  it('verifies the whole log, and names an altered record', () => {
    expect(verifyLog(log.records, log.heads, sh.publicKey, { province: 'sh' })).toMatchObject({ ok: true, size: N });
    const altered = log.records.map((r) => (r.seq === 5 ? { ...r, fields: { ...r.fields, outcome: 'deny' } } : r));
    const r = verifyLog(altered, log.heads, sh.publicKey);
    expect(r.failure).toMatchObject({ code: 'AUDIT.RECORD_ALTERED', seq: 5 });
  });

  it('refuses a head naming another suite than its log’s', () => {
    const ed = generateKeyPairSync('ed25519');
    const shaHead = signTreeHead(
      { province: 'sh', size: 4, rootHash: log.tree.root(4).toString('hex'), timestamp: '2025-03-02T00:00:04.000Z' },
      ed.privateKey,
      'sh-1',
    );
    const r = verifyLog(log.records, [...log.heads.filter((h) => h.size !== 4), shaHead], sh.publicKey, {
      suite: 'sm2-sm3',
    });
    expect(r.ok).toBe(false);
  });

  it('checks an export offline with the trust list: SM3 proofs, SM2 and Ed25519 co-signatures', () => {
    const doc = JSON.parse(JSON.stringify(anExportOf(region, log))) as unknown;
    const chosen = chooseTrust(doc, { anchors: region.anchors });
    if (!chosen.ok) throw new Error(chosen.reason);
    const c = checkExport(doc, chosen.trust);
    expect(c).toMatchObject({ ok: true, records: N, witnessed: { witnesses: ['ah', 'js', 'zj'], quorum: 2 } });
    expect(c.failures).toEqual([]);
  });

  it('names a tampered record and a tampered co-signature in an SM3 export', () => {
    const doc = JSON.parse(JSON.stringify(anExportOf(region, log))) as {
      records: { fields: { outcome: string } }[];
      heads: { cosignatures: { signature: string }[] }[];
    };
    doc.records[3]!.fields.outcome = 'deny';
    const last = doc.heads.at(-1)!;
    const sig = Buffer.from(last.cosignatures[1]!.signature, 'base64url');
    sig[0]! ^= 1;
    last.cosignatures[1]!.signature = sig.toString('base64url');
    const chosen = chooseTrust(doc, { anchors: region.anchors });
    if (!chosen.ok) throw new Error(chosen.reason);
    expect(codes(checkExport(doc, chosen.trust))).toEqual(['AUDIT.COSIGNATURE_INVALID', 'AUDIT.RECORD_ALTERED']);
  });

  it('checks public inclusion and consistency answers in SM3, and a record against its SM3 leaf', () => {
    const trust = publicTrust(region.anchors);
    const heads = cosigned(region, log.heads);
    const head = heads.at(-1)!;
    const answer = {
      seq: 6,
      leafHash: log.tree.leaf(6).toString('hex'),
      treeSize: N,
      path: log.tree.inclusionProof(6, N).map((b) => b.toString('hex')),
      head,
    };
    const inc = checkInclusion(answer, trust, log.records[6]);
    expect(inc).toMatchObject({ ok: true, included: true, record: { matches: true } });
    expect(codes(checkInclusion(answer, trust, log.records[7]))).toEqual(['AUDIT.RECORD_ALTERED']);
    const cons = checkConsistency(
      {
        from: heads.find((h) => h.size === 4),
        to: head,
        proof: log.tree.consistencyProof(4, N).map((b) => b.toString('hex')),
      },
      trust,
    );
    expect(cons).toMatchObject({ ok: true, consistent: true });
    // from the empty tree: the SM3 empty root
    expect(checkConsistency({ to: head, proof: [] }, trust)).toMatchObject({ ok: true, consistent: true });
  });

  it('reads a trust list holding SM2 and Ed25519 keys', () => {
    const ring = keyringFrom(region.anchors);
    expect(ring.find('sh', 'sh-1')?.equals(sh.publicKey)).toBe(true);
    expect(ring.find('zj', 'zj-1')?.asymmetricKeyType).toBe('ed25519');
  });
});
