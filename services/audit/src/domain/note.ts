// Heads and co-signatures in the formats the transparency-log world already checks: C2SP signed notes
// (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures
// (c2sp.org/tlog-cosignature, cosignature/v1) — what Go's sumdb, Sigsum and the transparency-dev
// witnesses use. A province's head is a checkpoint signed with its Ed25519 key; a witness's
// co-signature is a cosignature/v1 line over the same checkpoint. docs/audit-format.md gives the bytes.
// Pure: keys come in, text and bytes come out.
//
// A province on the sm2-sm3 suite signs the same texts with SM2 (SM3, default identifier; r ‖ s). The
// signed-note spec assigns no type to SM2, so its key ids use the spec's 0xff type followed by a
// name of ours (`yrd-sm2` for a head, `yrd-sm2-cosignature` for a co-signature), and the key is the
// 65-byte uncompressed point: Go's note package does not verify these lines, this platform's tools do.
// The key decides: noteKeyId and verifierKey take the Ed25519 type and use the SM2 one for an SM2 key.
import { createHash, type KeyObject } from 'node:crypto';
import { exportPublicJwk, isSuiteId, type SuiteId, suiteOfKey } from '@yrd/crypto-suite';

/** Signature type bytes of the signed-note spec: a plain Ed25519 note signature, and a cosignature/v1. */
export const NOTE_ED25519 = 0x01;
export const NOTE_COSIGNATURE_V1 = 0x04;
export type NoteSignatureType = typeof NOTE_ED25519 | typeof NOTE_COSIGNATURE_V1;

/**
 * The log's origin line, also the key name of its signature: one per province. `yrd.example` is the
 * reserved example domain (RFC 2606), as in the problem types; names only need to be unique.
 */
export const auditOrigin = (province: string): string => `yrd.example/audit/${province}`;
/** The key name a province signs its co-signatures of the other provinces' heads under. */
export const witnessName = (province: string): string => `yrd.example/witness/${province}`;

/** The 32 raw bytes of an Ed25519 public key. */
export function ed25519PublicBytes(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('an Ed25519 public key is required');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TypeError('an Ed25519 public key is required');
  return Buffer.from(x, 'base64url');
}

/** The signed-note type for signature types without an assigned identifier: 0xff, then a name. */
export const NOTE_UNASSIGNED = 0xff;
const SM2_NOTE_TYPES: Record<NoteSignatureType, Buffer> = {
  [NOTE_ED25519]: Buffer.concat([Buffer.from([NOTE_UNASSIGNED]), Buffer.from('yrd-sm2', 'ascii')]),
  [NOTE_COSIGNATURE_V1]: Buffer.concat([Buffer.from([NOTE_UNASSIGNED]), Buffer.from('yrd-sm2-cosignature', 'ascii')]),
};

/**
 * The type bytes and public key bytes a key id and a verifier key are made of: `type` and the 32
 * raw bytes for an Ed25519 key; for an SM2 key, 0xff ‖ `yrd-sm2` (a head) or 0xff ‖
 * `yrd-sm2-cosignature` (a co-signature) and the point 04 ‖ x ‖ y.
 */
function noteKeyMaterial(type: NoteSignatureType, publicKey: KeyObject): { type: Buffer; key: Buffer } {
  if (suiteOfKey(publicKey) === 'ed25519-sha256')
    return { type: Buffer.from([type]), key: ed25519PublicBytes(publicKey) };
  const jwk = exportPublicJwk(publicKey);
  if (jwk.kty !== 'EC') throw new TypeError('an SM2 public key is required');
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return { type: SM2_NOTE_TYPES[type], key: point };
}

/**
 * key ID = SHA-256(key name || 0x0A || signature type || public key)[:4] (signed-note); for an SM2
 * key the type is 0xff and our name for it, the key its uncompressed point (see above).
 */
export function noteKeyId(name: string, type: NoteSignatureType, publicKey: KeyObject): Buffer {
  const m = noteKeyMaterial(type, publicKey);
  return createHash('sha256').update(`${name}\n`, 'utf8').update(m.type).update(m.key).digest().subarray(0, 4);
}

/**
 * A verifier key as Go's golang.org/x/mod/sumdb/note reads it: `<name>+<key id, 8 hex>+<base64(type ||
 * public key)>`. Tooling given it checks the head's (or co-signature's) note signature line.
 */
export function verifierKey(name: string, type: NoteSignatureType, publicKey: KeyObject): string {
  const m = noteKeyMaterial(type, publicKey);
  const material = Buffer.concat([m.type, m.key]);
  return `${name}+${noteKeyId(name, type, publicKey).toString('hex')}+${material.toString('base64')}`;
}

/** One signature line: `— <name> base64(key id || signature bytes)`, newline-terminated. */
export function signatureLine(name: string, keyId: Buffer, signature: Uint8Array): string {
  return `\u2014 ${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/** A character below U+0020 other than newline (the spec forbids them in a note). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** the bytes after the key id */
  signature: Buffer;
}

/**
 * Splits a signed note into its text (with its final newline) and signature lines. Undefined when it is
 * not a signed note: no blank line before the signatures, a malformed line, a control character.
 */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } | undefined {
  if (hasControlCharacter(note) || !note.endsWith('\n')) return undefined;
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return undefined;
  const text = note.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m?.[1] || !m[2] || m[1].includes('+')) return undefined;
    const raw = Buffer.from(m[2], 'base64');
    if (raw.length < 5 || raw.toString('base64') !== m[2]) return undefined;
    signatures.push({ name: m[1], keyId: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  return signatures.length > 0 ? { text, signatures } : undefined;
}

/** What a checkpoint says: the log, its size, its root; and, as extension lines, its time and key. */
export interface CheckpointFields {
  province: string;
  size: number;
  /** hex, as everywhere else in the API; the checkpoint carries it in base64 */
  rootHash: string;
  /** ISO 8601, the head's signed time */
  timestamp: string;
  /** the key id (e.g. `sh-1`) the province signs this head with: signed, so it cannot be swapped */
  keyId: string;
  /** the log's suite, which fixes its Merkle hash; absent or ed25519-sha256: SHA-256, no line in the text */
  suite?: SuiteId | undefined;
}

/**
 * The checkpoint's note text: origin, size, base64 root, then two extension lines, `time <ISO 8601>` and
 * `key <key id>`. The spec discourages extension lines because monitors cannot audit them; these two
 * bind what a head here always carried (its time) and what the issue of rotated keys needs (which key
 * signed it) into the bytes that both the province and its witnesses sign. A log of another suite than
 * ed25519-sha256 adds a third, `suite <id>` (e.g. `suite sm2-sm3`: its root is an SM3 root), so the hash
 * its root is in is signed too; a SHA-256 log's text is what it always was.
 */
export function checkpointText(c: CheckpointFields): string {
  if (!/^[0-9a-f]{64}$/.test(c.rootHash)) throw new TypeError('checkpoint: rootHash must be 64 lowercase hex');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new TypeError('checkpoint: size must be an integer ≥ 0');
  for (const [what, v] of [
    ['province', c.province],
    ['timestamp', c.timestamp],
    ['keyId', c.keyId],
  ] as const) {
    if (typeof v !== 'string' || v === '' || /\s/.test(v)) throw new TypeError(`checkpoint: ${what} must be one word`);
  }
  if (c.suite !== undefined && !isSuiteId(c.suite)) throw new TypeError('checkpoint: unknown suite');
  const root = Buffer.from(c.rootHash, 'hex').toString('base64');
  const suiteLine = c.suite === undefined || c.suite === 'ed25519-sha256' ? '' : `suite ${c.suite}\n`;
  return `${auditOrigin(c.province)}\n${c.size}\n${root}\ntime ${c.timestamp}\nkey ${c.keyId}\n${suiteLine}`;
}

/** Reads a checkpoint's text back into its fields (undefined when it is not one of this platform's). */
export function parseCheckpoint(text: string): CheckpointFields | undefined {
  const m =
    /^yrd\.example\/audit\/(\S+)\n(0|[1-9]\d*)\n([A-Za-z0-9+/]{43}=)\ntime (\S+)\nkey (\S+)\n(?:suite (\S+)\n)?$/.exec(
      text,
    );
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5]) return undefined;
  const size = Number(m[2]);
  if (!Number.isSafeInteger(size)) return undefined;
  // the line is written only for another suite than the default: a text that names the default is not ours
  if (m[6] !== undefined && (!isSuiteId(m[6]) || m[6] === 'ed25519-sha256')) return undefined;
  return {
    province: m[1],
    size,
    rootHash: Buffer.from(m[3], 'base64').toString('hex'),
    timestamp: m[4],
    keyId: m[5],
    ...(m[6] !== undefined ? { suite: m[6] as SuiteId } : {}),
  };
}

/** The message a cosignature/v1 signs: `cosignature/v1\ntime <POSIX seconds>\n` + the checkpoint text. */
export function cosignedMessage(time: number, checkpoint: string): Buffer {
  if (!Number.isSafeInteger(time) || time < 0) throw new TypeError('cosignature: time must be POSIX seconds');
  return Buffer.from(`cosignature/v1\ntime ${time}\n${checkpoint}`, 'utf8');
}

/** The signature bytes of a cosignature/v1 line: u64 big-endian time || 64-byte Ed25519 signature. */
export function timestampedSignature(time: number, signature: Uint8Array): Buffer {
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(time));
  return Buffer.concat([t, signature]);
}
