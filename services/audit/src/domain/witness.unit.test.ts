import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aHead, aLog, aStoredRecord } from './test-builders.js';
import { cosign, cosignatureCovers, judgeHead, proofNeeded, verifyCosignature, type WitnessedHead } from './witness.js';

const sh = generateKeyPairSync('ed25519');
const zj = generateKeyPairSync('ed25519');
const { tree } = aLog(20, sh.privateKey);
const held = (size: number): WitnessedHead => {
  const h = aHead(tree, size, sh.privateKey);
  return { province: 'sh', size, rootHash: h.rootHash, timestamp: h.timestamp };
};
/** the same province's log with record 5 changed: a rewritten history */
const rewritten = aLog(20, sh.privateKey, {
  records: (seq) => (seq === 5 ? aStoredRecord(seq, { kind: 'exchange.query.rewritten' }) : aStoredRecord(seq)),
}).tree;

describe('witnessing a province’s heads', () => {
  it('takes the first head on trust and co-signs it', () => {
    const j = judgeHead(undefined, aHead(tree, 8, sh.privateKey), sh.publicKey);
    expect(j).toMatchObject({ ok: true, cosign: true, keep: { size: 8 } });
  });

  it.each([
    ['a larger head that extends the one held', 8, 15],
    ['a late, smaller head that the one held extends', 15, 8],
  ])('accepts %s, with its consistency proof', (_what, heldSize, newSize) => {
    const head = aHead(tree, newSize, sh.privateKey);
    const need = proofNeeded(held(heldSize), head);
    expect(need).toEqual({ from: Math.min(heldSize, newSize), to: Math.max(heldSize, newSize) });
    const proof = tree.consistencyProof(need?.from ?? 0, need?.to ?? 0);
    const j = judgeHead(held(heldSize), head, sh.publicKey, proof);
    expect(j).toMatchObject({ ok: true, keep: { size: Math.max(heldSize, newSize) } });
  });

  it('catches a rewritten history even when every head is signed with the province’s own key', () => {
    const head = aHead(rewritten, 15, sh.privateKey);
    const proof = rewritten.consistencyProof(8, 15);
    const j = judgeHead(held(8), head, sh.publicKey, proof);
    expect(j).toMatchObject({ ok: false, code: 'AUDIT.INCONSISTENT' });
    if (!j.ok) expect(j.message).toContain('rewritten');
  });

  it.each([
    ['no proof at all', []],
    ['the proof of an honest log (it does not fit the rewritten head)', tree.consistencyProof(8, 15)],
  ])('catches it with %s', (_what, proof) => {
    expect(judgeHead(held(8), aHead(rewritten, 15, sh.privateKey), sh.publicKey, proof)).toMatchObject({
      ok: false,
      code: 'AUDIT.INCONSISTENT',
    });
  });

  it('catches two roots for one size (a fork)', () => {
    expect(judgeHead(held(10), aHead(rewritten, 10, sh.privateKey), sh.publicKey)).toMatchObject({
      ok: false,
      code: 'AUDIT.FORK',
    });
  });

  it('refuses a head not signed by the province', () => {
    expect(
      judgeHead(held(8), aHead(tree, 15, zj.privateKey), sh.publicKey, tree.consistencyProof(8, 15)),
    ).toMatchObject({ ok: false, code: 'AUDIT.HEAD_SIGNATURE_INVALID' });
  });

  it('co-signs as the witness, and a co-signature verifies only with the witness’s key', () => {
    const c = cosign('zj', aHead(tree, 15, sh.privateKey), zj.privateKey, 'zj-1', new Date('2026-12-04T10:00:00Z'));
    expect(c).toMatchObject({ format: 'cosignature/v1', witness: 'zj', province: 'sh', size: 15, time: 1796378400 });
    expect(verifyCosignature(c, zj.publicKey)).toBe(true);
    expect(verifyCosignature(c, sh.publicKey)).toBe(false);
    expect(verifyCosignature({ ...c, size: 16 }, zj.publicKey)).toBe(false);
  });

  it('binds a co-signature to the exact head: root, time and the key id the head was signed with', () => {
    const head = aHead(tree, 15, sh.privateKey);
    const c = cosign('zj', head, zj.privateKey, 'zj-1', new Date('2026-12-04T10:00:00Z'));
    expect(cosignatureCovers(c, head)).toBe(true);
    // the same size re-signed over a rewritten history: the old co-signature is not over it
    const rewrittenHead = aHead(rewritten, 15, sh.privateKey);
    expect(rewrittenHead.rootHash).not.toBe(head.rootHash);
    expect(cosignatureCovers(c, rewrittenHead)).toBe(false);
    expect(cosignatureCovers(c, { ...head, keyId: 'sh-2' })).toBe(false);
    expect(cosignatureCovers(c, { ...head, timestamp: '2026-12-04T10:00:01.000Z' })).toBe(false);
    // and each of those is signed: changing one in the co-signature breaks it
    for (const change of [{ rootHash: rewrittenHead.rootHash }, { headKeyId: 'sh-2' }, { time: c.time + 1 }]) {
      expect(verifyCosignature({ ...c, ...change }, zj.publicKey)).toBe(false);
    }
  });

  it('raises an alarm for a head signed with a key the trust list does not hold', () => {
    expect(judgeHead(undefined, aHead(tree, 8, sh.privateKey), undefined)).toMatchObject({
      ok: false,
      code: 'AUDIT.HEAD_SIGNATURE_INVALID',
    });
  });
});
