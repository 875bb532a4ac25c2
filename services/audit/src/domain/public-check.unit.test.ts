import { generateKeyPairSync, sign } from 'node:crypto';
import type { TrustAnchors } from '@yrd/auth';
import { describe, expect, it } from 'vitest';
import { aProvinceLog, aRegion, cosigned, type Region } from './export-test-builders.js';
import { NOTE_ED25519, noteKeyId, signatureLine } from './note.js';
import {
  checkConsistency,
  checkHead,
  checkInclusion,
  consistencyReport,
  headReport,
  inclusionReport,
  type PublicTrust,
  publicTrust,
} from './public-check.js';
import { aHead, aStoredRecord } from './test-builders.js';
import type { SignedTreeHead } from './tree-head.js';
import { type Cosignature, cosign, headNote } from './witness.js';

const N = 12;
const region = aRegion();
const trust = publicTrust(region.anchors);
const log = aProvinceLog(region, N, { headEvery: 4 });
const heads = cosigned(region, log.heads);
const latest = heads.at(-1)!;
const codes = (c: { failures: { code: string }[] }) => c.failures.map((f) => f.code);

/** The head as the checkpoint route serves it: the note with the province's and the witnesses' lines. */
const noteOf = (h: SignedTreeHead & { cosignatures: Cosignature[] }, r: Region = region): string =>
  headNote(
    h,
    r.keys.sh.publicKey,
    h.cosignatures.map((c) => ({ c, witnessKey: r.keys[c.witness as 'js'].publicKey })),
  )!;

/** What proofs/inclusion answers for `seq` against the head of `size`. */
const inclusionAnswer = (seq: number, size = N) => {
  const head = heads.find((h) => h.size === size)!;
  return {
    seq,
    leafHash: log.tree.leaf(seq).toString('hex'),
    treeSize: size,
    path: log.tree.inclusionProof(seq, size).map((b) => b.toString('hex')),
    head,
  };
};

/** What consistency?from=&to= answers. */
const consistencyAnswer = (from: number, to = N) => ({
  ...(from > 0 ? { from: heads.find((h) => h.size === from)! } : {}),
  to: heads.find((h) => h.size === to)!,
  proof: log.tree.consistencyProof(from, to).map((b) => b.toString('hex')),
});

/** A trust list like region's, with sh-1 retired at `until`. */
function withRetiredShKey(until: string): PublicTrust {
  const anchors: TrustAnchors = structuredClone(region.anchors);
  anchors.provinces.sh.keys = anchors.provinces.sh.keys.map((k) => ({ ...k, validUntil: until }));
  return publicTrust(anchors);
}

describe('checkHead: a head as heads/latest and heads/{size} answer it (JSON)', () => {
  it('passes a head signed with the key its key id names, co-signed by the other three', () => {
    const c = checkHead(JSON.parse(JSON.stringify(latest)), trust);
    expect(c).toMatchObject({ ok: true, signatureValid: true, witnesses: ['ah', 'js', 'zj'], quorum: 2 });
    expect(c.failures).toEqual([]);
    const r = headReport(c);
    expect(r.pass).toBe(true);
    expect(r.lines).toContain(`✓ head size ${N}: 树头签名有效 signature valid (key sh-1, trust list)`);
    expect(r.lines.at(-1)).toBe(`通过 OK: head size ${N}, root ${latest.rootHash}`);
  });

  it('fails a head signed with another key than the one its key id names', () => {
    const forged = { ...aHead(log.tree, N, region.keys.js.privateKey), cosignatures: latest.cosignatures };
    const c = checkHead(forged, trust);
    expect(c.ok).toBe(false);
    expect(codes(c)).toEqual(['AUDIT.HEAD_SIGNATURE_INVALID']);
    expect(c.failures[0]).toMatchObject({ entry: `head size ${N}` });
    expect(c.failures[0]?.reason).toContain('signature invalid (forged), key sh-1');
  });

  it('fails a head naming a key id the trust list does not hold', () => {
    const c = checkHead(aHead(log.tree, N, region.keys.sh.privateKey, { keyId: 'sh-9' }), trust);
    expect(codes(c)).toEqual(['AUDIT.HEAD_SIGNATURE_INVALID']);
    expect(c.failures[0]?.reason).toContain('signed with key sh-9, which the trust list does not hold');
  });

  it('fails a head dated after its key was retired (validUntil), and passes one dated before', () => {
    // the heads of the log are dated 2025-03-02T00:00:04Z (size 4) … :12Z (size 12)
    const retired = withRetiredShKey('2025-03-02T00:00:08.000Z');
    const after = checkHead(latest, retired);
    expect(codes(after)).toEqual(['AUDIT.HEAD_SIGNATURE_INVALID']);
    expect(after.failures[0]?.reason).toContain("which the trust list does not hold for the head's time");
    expect(checkHead(heads[0], retired).ok).toBe(true);
  });

  it('fails a co-signature over another root of the same size, naming the witness, and the quorum', () => {
    const other = aProvinceLog(region, N, { records: (s) => aStoredRecord(s, s === 3 ? { outcome: 'deny' } : {}) });
    const otherHead = other.heads.at(-1)!;
    const overOther = cosign('js', otherHead, region.keys.js.privateKey, 'js-1', new Date('2025-03-03T00:00:00Z'));
    const c = checkHead({ ...latest, cosignatures: [overOther, latest.cosignatures[1]!] }, trust);
    expect(c.ok).toBe(false);
    expect(c.failures[0]).toMatchObject({ code: 'AUDIT.COSIGNATURE_INVALID', witness: 'js' });
    expect(c.failures[0]?.reason).toContain('not over this head');
    expect(c.failures[1]).toMatchObject({ code: 'AUDIT.COSIGNATURES_MISSING', entry: `head size ${N}` });
    expect(c.failures[1]?.reason).toContain('co-signed by 1 other province (zj), 2 needed');
  });

  it('fails a head with too few witnesses; the province co-signing itself does not count', () => {
    const self = cosign('sh', latest, region.keys.sh.privateKey, 'sh-1', new Date('2025-03-03T00:00:00Z'));
    const c = checkHead({ ...latest, cosignatures: [latest.cosignatures[0]!, self] }, trust);
    expect(codes(c)).toEqual(['AUDIT.COSIGNATURES_MISSING']);
    expect(c.witnesses).toEqual(['js']);
    expect(c.failures[0]?.reason).toContain('见证签名不足：1/2');
    // a trust list asking for none passes it
    expect(checkHead({ ...latest, cosignatures: [] }, { ...trust, quorum: 0 }).ok).toBe(true);
  });

  it('fails a forged co-signature and one made with a witness key outside its validity', () => {
    const c0 = latest.cosignatures[0]!;
    const forgedSig = sign(null, Buffer.from('something else'), region.keys.js.privateKey).toString('base64url');
    const forged = checkHead({ ...latest, cosignatures: [{ ...c0, signature: forgedSig }] }, trust);
    expect(forged.failures[0]).toMatchObject({ code: 'AUDIT.COSIGNATURE_INVALID', witness: 'js' });
    expect(forged.failures[0]?.reason).toContain('签名无效 signature invalid');
    // js-1 is valid from 2025-01-01: a co-signature dated before it is no co-signature of it
    const early = cosign('js', latest, region.keys.js.privateKey, 'js-1', new Date('2024-12-31T00:00:00Z'));
    const tooEarly = checkHead({ ...latest, cosignatures: [early] }, trust);
    expect(tooEarly.failures[0]?.reason).toContain('is not in the trust list for the co-signing time');
  });

  it('does not look at co-signatures of a head whose own signature fails', () => {
    const c = checkHead({ ...latest, rootHash: 'f'.repeat(64) }, trust);
    expect(codes(c)).toEqual(['AUDIT.HEAD_SIGNATURE_INVALID']);
  });

  it('names what is malformed', () => {
    for (const bad of [undefined, [], { size: -1 }, { ...latest, rootHash: 'XYZ' }, { ...latest, timestamp: 'now' }]) {
      const c = checkHead(bad, trust);
      expect(codes(c)).toEqual(['AUDIT.INPUT_MALFORMED']);
      expect(headReport(c).pass).toBe(false);
    }
  });
});

describe('checkHead: the head as the checkpoint route serves it (C2SP signed note)', () => {
  it('passes the note, matching signature lines to trust-list keys by name and key id', () => {
    const c = checkHead(noteOf(latest), trust);
    expect(c).toMatchObject({ ok: true, witnesses: ['ah', 'js', 'zj'], ignored: [] });
    expect(c.head).toEqual({
      province: 'sh',
      size: N,
      rootHash: latest.rootHash,
      timestamp: latest.timestamp,
      keyId: 'sh-1',
    });
  });

  it('ignores signature lines of keys the trust list does not hold (C2SP), naming them', () => {
    const stranger = generateKeyPairSync('ed25519');
    const text = noteOf(latest).split('\n\n')[0]!;
    const line = signatureLine(
      'witness.example/w1',
      noteKeyId('witness.example/w1', NOTE_ED25519, stranger.publicKey),
      sign(null, Buffer.from(`${text}\n`), stranger.privateKey),
    );
    const c = checkHead(noteOf(latest) + line, trust);
    expect(c.ok).toBe(true);
    expect(c.ignored).toEqual([expect.stringMatching(/^witness\.example\/w1\+[0-9a-f]{8}$/)]);
    expect(headReport(c).lines.join('\n')).toContain('ignored signature lines of keys the trust list does not hold');
  });

  it('fails a known witness line whose signature does not verify', () => {
    const lines = noteOf(latest).split('\n');
    const i = lines.findIndex((l) => l.startsWith('— yrd.example/witness/js '));
    const raw = Buffer.from(lines[i]!.split(' ')[2]!, 'base64');
    raw[raw.length - 1]! ^= 0x01;
    lines[i] = `— yrd.example/witness/js ${raw.toString('base64')}`;
    const c = checkHead(lines.join('\n'), trust);
    expect(c.failures).toEqual([expect.objectContaining({ code: 'AUDIT.COSIGNATURE_INVALID', witness: 'js' })]);
    expect(c.witnesses).toEqual(['ah', 'zj']);
  });

  it('fails a note with no signature line of the key its checkpoint names', () => {
    const onlyWitnesses = noteOf(latest)
      .split('\n')
      .filter((l) => !l.startsWith('— yrd.example/audit/sh '))
      .join('\n');
    const c = checkHead(onlyWitnesses, trust);
    expect(codes(c)).toEqual(['AUDIT.HEAD_SIGNATURE_INVALID']);
    expect(c.failures[0]?.reason).toContain('the note carries no signature line of key sh-1');
  });

  it('fails a note whose checkpoint was edited after signing', () => {
    const edited = noteOf(latest).replace(`\n${N}\n`, `\n${N + 1}\n`);
    const c = checkHead(edited, trust);
    expect(codes(c)).toContain('AUDIT.HEAD_SIGNATURE_INVALID');
    expect(c.ok).toBe(false);
  });

  it('names a text that is not a signed note or not a checkpoint of this region', () => {
    expect(checkHead('hello\n', trust).failures[0]?.reason).toContain('not a C2SP signed note');
    const foreign = noteOf(latest).replace('yrd.example/audit/sh\n', 'example.com/log\n');
    expect(checkHead(foreign, trust).failures[0]?.reason).toContain('not a checkpoint of this region');
  });
});

describe('checkInclusion: what proofs/inclusion answers, and a record handed over', () => {
  it('passes a path that leads from the leaf to the head’s root, and the record that hashes to the leaf', () => {
    const record = log.records[5]!;
    for (const given of [record, record.fields, { ...record.fields, leafHash: record.leafHash, proof: {} }]) {
      const c = checkInclusion(inclusionAnswer(5), trust, given);
      expect(c).toMatchObject({ ok: true, included: true, record: { matches: true } });
    }
    const r = inclusionReport(checkInclusion(inclusionAnswer(5, 8), trust, record));
    expect(r.pass).toBe(true);
    expect(r.lines).toContain('✓ seq 5: 包含证明成立 the path leads from the leaf to the root of head size 8');
    expect(r.lines).toContain("✓ seq 5: 记录的叶哈希即证明中的叶 the record hashes to the proof's leaf");
  });

  it('fails a broken path, naming the seq', () => {
    const answer = inclusionAnswer(5);
    answer.path[1] = 'a'.repeat(64);
    const c = checkInclusion(answer, trust);
    expect(c.included).toBe(false);
    expect(c.failures).toEqual([expect.objectContaining({ code: 'AUDIT.INCLUSION_INVALID', entry: 'seq 5' })]);
    const shorter = { ...inclusionAnswer(5), path: inclusionAnswer(5).path.slice(1) };
    expect(codes(checkInclusion(shorter, trust))).toEqual(['AUDIT.INCLUSION_INVALID']);
    const otherSeq = { ...inclusionAnswer(5), seq: 4 };
    expect(codes(checkInclusion(otherSeq, trust))).toEqual(['AUDIT.INCLUSION_INVALID']);
  });

  it('fails a record that does not hash to the proof’s leaf', () => {
    const altered = { ...log.records[5]!.fields, outcome: 'deny' };
    const c = checkInclusion(inclusionAnswer(5), trust, altered);
    expect(c).toMatchObject({ ok: false, included: true, record: { matches: false } });
    expect(c.failures).toEqual([expect.objectContaining({ code: 'AUDIT.RECORD_ALTERED', entry: 'seq 5' })]);
    // another record of the log, true in itself, is not the one the proof is of
    expect(codes(checkInclusion(inclusionAnswer(5), trust, log.records[6]))).toEqual(['AUDIT.RECORD_ALTERED']);
    expect(codes(checkInclusion(inclusionAnswer(5), trust, { fields: { seq: 5 } }))).toEqual(['AUDIT.INPUT_MALFORMED']);
  });

  it('checks the head too: a proof against a head without its witnesses fails', () => {
    const answer = { ...inclusionAnswer(5), head: { ...latest, cosignatures: [] } };
    const c = checkInclusion(answer, trust);
    expect(c.included).toBe(true);
    expect(codes(c)).toEqual(['AUDIT.COSIGNATURES_MISSING']);
  });

  it('names a malformed answer, and a treeSize that is not the head’s', () => {
    expect(codes(checkInclusion({ seq: 1 }, trust))).toEqual(['AUDIT.INPUT_MALFORMED']);
    const c = checkInclusion({ ...inclusionAnswer(5), treeSize: 8 }, trust);
    expect(c.failures[0]?.reason).toContain("treeSize 8 is not the head's size 12");
  });
});

describe('checkConsistency: what consistency?from=&to= answers', () => {
  it('passes two heads of one log, and the empty tree (no from head)', () => {
    for (const from of [0, 4, 8, N]) {
      const c = checkConsistency(consistencyAnswer(from), trust);
      expect(c, `from ${from}`).toMatchObject({ ok: true, consistent: true, fromSize: from, toSize: N });
    }
    const r = consistencyReport(checkConsistency(consistencyAnswer(4), trust, heads[0]));
    expect(r.pass).toBe(true);
    expect(r.lines).toContain(
      `✓ heads 4→${N}: 一致性证明成立 consistency proof holds: head size ${N} extends head size 4`,
    );
    expect(r.lines).toContain('✓ 你保存的树头即 from 树头 the head you kept (size 4) is the from head');
  });

  it('fails inconsistent heads: a rewritten log re-signed and re-witnessed', () => {
    // 上海 changed record 2 after head 4: its new head 12, even co-signed, does not extend the old head 4
    const rewritten = aProvinceLog(region, N, {
      headEvery: 4,
      records: (s) => aStoredRecord(s, s === 2 ? { outcome: 'deny' } : {}),
    });
    const newTo = cosigned(region, [rewritten.heads.at(-1)!])[0]!;
    const answer = {
      from: heads[0],
      to: newTo,
      proof: rewritten.tree.consistencyProof(4, N).map((b) => b.toString('hex')),
    };
    const c = checkConsistency(answer, trust);
    expect(c.consistent).toBe(false);
    expect(c.failures).toEqual([expect.objectContaining({ code: 'AUDIT.CONSISTENCY_INVALID', entry: `heads 4→${N}` })]);
    // and the proof the province gives about itself says nothing about the head an auditor kept
    const own = { ...answer, from: cosigned(region, [rewritten.heads[0]!])[0] };
    const kept = checkConsistency(own, trust, heads[0]);
    expect(kept.consistent).toBe(true);
    expect(kept.failures).toEqual([expect.objectContaining({ code: 'AUDIT.HEAD_MISMATCH', entry: 'head size 4' })]);
    expect(kept.failures[0]?.reason).toContain('has another root');
  });

  it('fails a tampered proof and a kept head of another size', () => {
    const answer = consistencyAnswer(4);
    answer.proof[0] = 'b'.repeat(64);
    expect(codes(checkConsistency(answer, trust))).toEqual(['AUDIT.CONSISTENCY_INVALID']);
    const other = checkConsistency(consistencyAnswer(8), trust, heads[0]);
    expect(other.failures[0]?.reason).toContain('ask for consistency?from=4');
  });

  it('checks both heads: a from head without witnesses fails, and heads of two provinces', () => {
    const bare = { ...consistencyAnswer(4), from: { ...heads[0]!, cosignatures: [] } };
    expect(codes(checkConsistency(bare, trust))).toEqual(['AUDIT.COSIGNATURES_MISSING']);
    const jsHead = aHead(log.tree, 4, region.keys.js.privateKey, { province: 'js', keyId: 'js-1' });
    const mixed = { ...consistencyAnswer(4), from: cosigned(region, [jsHead], ['sh', 'zj'])[0] };
    expect(codes(checkConsistency(mixed, trust))).toEqual(['AUDIT.HEAD_MISMATCH']);
  });

  it('names a malformed answer', () => {
    const c = checkConsistency({ to: latest }, trust);
    expect(codes(c)).toEqual(['AUDIT.INPUT_MALFORMED']);
    expect(consistencyReport(c).pass).toBe(false);
    expect(codes(checkConsistency({ ...consistencyAnswer(4), proof: ['xyz'] }, trust))).toEqual([
      'AUDIT.INPUT_MALFORMED',
    ]);
  });
});
