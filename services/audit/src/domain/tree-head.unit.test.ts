import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type SignedTreeHead,
  signTreeHead,
  TREE_HEAD_DOMAIN,
  type TreeHead,
  treeHeadBytes,
  verifyTreeHead,
} from './tree-head.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

const head: TreeHead = {
  province: 'SH',
  size: 42,
  rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  timestamp: '2025-03-01T08:00:00.000Z',
};

describe('treeHeadBytes', () => {
  it('is the domain tag followed by canonical JSON of the four head fields', () => {
    expect(treeHeadBytes(head).toString('utf8')).toBe(
      `${TREE_HEAD_DOMAIN}{"province":"SH","rootHash":"${head.rootHash}","size":42,"timestamp":"2025-03-01T08:00:00.000Z"}`,
    );
    const sth = signTreeHead(head, keys.privateKey, 'sh-2025');
    expect(treeHeadBytes(sth)).toEqual(treeHeadBytes(head));
  });

  it('rejects malformed heads', () => {
    const bad: Partial<TreeHead>[] = [
      { province: '' },
      { size: -1 },
      { size: 1.5 },
      { rootHash: head.rootHash.toUpperCase() },
      { rootHash: 'abcd' },
      { timestamp: 'yesterday' },
      { timestamp: '2025-13-45T99:00:00Z' },
    ];
    for (const b of bad) expect(() => treeHeadBytes({ ...head, ...b })).toThrow(TypeError);
  });
});

describe('signTreeHead / verifyTreeHead', () => {
  const sth = signTreeHead(head, keys.privateKey, 'sh-2025');

  it('signs with Ed25519 and verifies with the public key', () => {
    expect(sth).toMatchObject({ ...head, alg: 'Ed25519', keyId: 'sh-2025' });
    expect(sth.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyTreeHead(sth, keys.publicKey)).toBe(true);
    // Survives a JSON round trip (how heads are stored and exchanged).
    expect(verifyTreeHead(JSON.parse(JSON.stringify(sth)), keys.publicKey)).toBe(true);
  });

  it('fails for any changed field, another key, or a mangled signature', () => {
    const forged: SignedTreeHead[] = [
      { ...sth, size: 43 },
      { ...sth, province: 'ZJ' },
      { ...sth, rootHash: `${head.rootHash.slice(0, 63)}4` },
      { ...sth, timestamp: '2025-03-01T08:00:01.000Z' },
      { ...sth, signature: flipFirstByte(sth.signature) },
      { ...sth, signature: `${sth.signature}==` },
      { ...sth, signature: '' },
      { ...sth, signature: signTreeHead({ ...head, size: 43 }, keys.privateKey, 'sh-2025').signature },
      { ...sth, alg: 'SM2' },
      { ...sth, alg: 'none' as SignedTreeHead['alg'] },
      { ...sth, size: 'x' as unknown as number },
    ];
    for (const f of forged) expect(verifyTreeHead(f, keys.publicKey), JSON.stringify(f)).toBe(false);
    expect(verifyTreeHead(sth, other.publicKey)).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(verifyTreeHead(sth, rsa.publicKey)).toBe(false);
  });

  it('a head forged with another key does not verify', () => {
    const forged = signTreeHead({ ...head, size: 1 }, other.privateKey, 'sh-2025');
    expect(verifyTreeHead(forged, keys.publicKey)).toBe(false);
  });

  it('refuses to sign with a non-Ed25519 or public key, or without a keyId', () => {
    expect(() => signTreeHead(head, keys.publicKey, 'k')).toThrow(TypeError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signTreeHead(head, ec.privateKey, 'k')).toThrow(TypeError);
    expect(() => signTreeHead(head, keys.privateKey, '')).toThrow(TypeError);
    expect(() => signTreeHead({ ...head, size: -1 }, keys.privateKey, 'k')).toThrow(TypeError);
  });
});

/** A signature with one bit changed (editing base64url text may leave the decoded bytes equal). */
function flipFirstByte(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}
