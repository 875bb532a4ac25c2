import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditOrigin,
  checkpointText,
  cosignedMessage,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  noteKeyId,
  parseCheckpoint,
  parseNote,
  verifierKey,
} from './note.js';
import { signTreeHead, verifyTreeHead } from './tree-head.js';
import { cosign, headNote, verifyCosignature } from './witness.js';

// The reference vector of golang.org/x/mod/sumdb/note (note_test.go): another implementation's bytes.
const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterText =
  'If you think cryptography is the answer to your problem,\n' + "then you don't know what your problem is.\n";
const peterNote = `${peterText}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const peterPublic = createPublicKey({
  key: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: Buffer.from(peterKey.split('+')[2]!, 'base64').subarray(1).toString('base64url'),
  },
  format: 'jwk',
});

describe('signed notes (c2sp.org/signed-note)', () => {
  it('derive the key id and verifier key as Go’s sumdb/note does', () => {
    expect(noteKeyId('PeterNeumann', NOTE_ED25519, peterPublic).toString('hex')).toBe('c74f20a3');
    expect(verifierKey('PeterNeumann', NOTE_ED25519, peterPublic)).toBe(peterKey);
  });

  it('read the reference note: its text, and a signature line that verifies over it', () => {
    const n = parseNote(peterNote);
    expect(n?.text).toBe(peterText);
    expect(n?.signatures).toHaveLength(1);
    const s = n!.signatures[0]!;
    expect(s.name).toBe('PeterNeumann');
    expect(s.keyId.toString('hex')).toBe('c74f20a3');
    expect(verify(null, Buffer.from(n!.text), peterPublic, s.signature)).toBe(true);
  });

  it.each([
    ['no blank line before the signatures', peterNote.replace('\n\n', '\n')],
    ['no final newline', peterNote.slice(0, -1)],
    ['a control character', peterNote.replace('If', 'I\u0007f')],
    ['a key name with a plus', peterNote.replace('PeterNeumann x08', 'Peter+Neumann x08')],
    ['a signature that is not base64', peterNote.replace('x08go', 'x08g!')],
  ])('refuse a note with %s', (_what, note) => {
    expect(parseNote(note)).toBeUndefined();
  });
});

describe('heads as checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const sh = generateKeyPairSync('ed25519');
  const zj = generateKeyPairSync('ed25519');
  const root = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const head = signTreeHead(
    { province: 'sh', size: 42, rootHash: root, timestamp: '2026-12-04T08:00:00.000Z' },
    sh.privateKey,
    'sh-1',
  );

  it('sign the checkpoint text: origin, size, base64 root, then the time and key id', () => {
    expect(head.format).toBe('checkpoint');
    expect(checkpointText(head)).toBe(
      'yrd.example/audit/sh\n42\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ntime 2026-12-04T08:00:00.000Z\nkey sh-1\n',
    );
    expect(parseCheckpoint(checkpointText(head))).toEqual({
      province: 'sh',
      size: 42,
      rootHash: root,
      timestamp: head.timestamp,
      keyId: 'sh-1',
    });
    expect(verifyTreeHead(head, sh.publicKey)).toBe(true);
    // the key id is signed: a head that names another key does not verify
    expect(verifyTreeHead({ ...head, keyId: 'sh-2' }, sh.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, format: 'other' as 'checkpoint' }, sh.publicKey)).toBe(false);
  });

  it('render head and co-signatures as one signed note whose every line verifies', () => {
    const c = cosign('zj', head, zj.privateKey, 'zj-1', new Date('2026-12-04T08:00:05Z'));
    const note = headNote(head, sh.publicKey, [{ c, witnessKey: zj.publicKey }])!;
    const n = parseNote(note)!;
    expect(n.text).toBe(checkpointText(head));
    const [log, witness] = n.signatures;
    expect(log?.name).toBe(auditOrigin('sh'));
    expect(log?.keyId).toEqual(noteKeyId(auditOrigin('sh'), NOTE_ED25519, sh.publicKey));
    expect(verify(null, Buffer.from(n.text), sh.publicKey, log!.signature)).toBe(true);
    expect(witness?.name).toBe('yrd.example/witness/zj');
    expect(witness?.keyId).toEqual(noteKeyId('yrd.example/witness/zj', NOTE_COSIGNATURE_V1, zj.publicKey));
    // cosignature/v1: u64 big-endian time, then the signature over "cosignature/v1\ntime T\n" + checkpoint
    const time = Number(witness!.signature.readBigUInt64BE(0));
    expect(time).toBe(c.time);
    expect(verify(null, cosignedMessage(time, n.text), zj.publicKey, witness!.signature.subarray(8))).toBe(true);
    expect(verifyCosignature(c, zj.publicKey)).toBe(true);
  });

  it('leave out of the note a co-signature over another head', () => {
    const other = signTreeHead({ ...head, rootHash: 'ab'.repeat(32) }, sh.privateKey, 'sh-1');
    const c = cosign('zj', other, zj.privateKey, 'zj-1', new Date('2026-12-04T08:00:05Z'));
    expect(parseNote(headNote(head, sh.publicKey, [{ c, witnessKey: zj.publicKey }])!)?.signatures).toHaveLength(1);
  });
});
