// Witnessing (见证): each province checks every other province's signed tree heads against the heads
// it saw before, and co-signs those that only add to the log. A province that rewrites its history —
// even re-signing every head with its own key — cannot show a later head consistent with one a
// witness already holds, so the witness catches it. Pure functions: keys, heads and proofs come in.
//
// Each province co-signs in its own suite (Ed25519 or SM2, from its key) and checks a head's consistency
// proof with the hash of the head's log (SHA-256 or SM3), so provinces of both suites witness each other.
import type { KeyObject } from 'node:crypto';
import { type SuiteId, suite, suiteOfKey } from '@yrd/crypto-suite';
import { verifyConsistency } from './merkle.js';
import {
  auditOrigin,
  type CheckpointFields,
  checkpointText,
  cosignedMessage,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  noteKeyId,
  signatureLine,
  timestampedSignature,
  witnessName,
} from './note.js';
import { headSuite, headTreeHasher, type SignedTreeHead, verifyTreeHead } from './tree-head.js';

/** What a witness keeps of a province: the largest head it verified. */
export interface WitnessedHead {
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
}

export type Judgement =
  | { ok: true; cosign: boolean; keep: WitnessedHead }
  | { ok: false; code: WitnessAlarmCode; message: string };

export type WitnessAlarmCode = 'AUDIT.HEAD_SIGNATURE_INVALID' | 'AUDIT.FORK' | 'AUDIT.INCONSISTENT';

/** The consistency proof a witness needs for a new head: between the smaller and the larger of the two. */
export function proofNeeded(
  prev: WitnessedHead | undefined,
  head: SignedTreeHead,
): { from: number; to: number } | undefined {
  if (!prev || prev.size === head.size) return undefined;
  return prev.size < head.size ? { from: prev.size, to: head.size } : { from: head.size, to: prev.size };
}

/**
 * Judges a province's head against what the witness holds; `publicKey` is the trust list's key for the
 * key id and time the head names (undefined: none, an alarm). The first head of a province is taken on
 * trust (there is nothing to compare yet). A head of the size already held must carry the same root;
 * otherwise the consistency proof (see `proofNeeded`) must show the smaller log is a prefix of the larger.
 */
export function judgeHead(
  prev: WitnessedHead | undefined,
  head: SignedTreeHead,
  publicKey: KeyObject | undefined,
  proof: readonly Uint8Array[] = [],
): Judgement {
  if (!publicKey) {
    return alarm(
      'AUDIT.HEAD_SIGNATURE_INVALID',
      `${head.province} 树头 size ${head.size} 的签名密钥 ${String(head.keyId)} 不在信任列表中（或不在有效期内） head signed with key ${String(head.keyId)}, which the trust list does not hold for that time`,
    );
  }
  if (!verifyTreeHead(head, publicKey)) {
    return alarm(
      'AUDIT.HEAD_SIGNATURE_INVALID',
      `${head.province} 树头签名无效 head size ${head.size}: signature invalid`,
    );
  }
  const keep = { province: head.province, size: head.size, rootHash: head.rootHash, timestamp: head.timestamp };
  if (!prev) return { ok: true, cosign: true, keep };
  if (prev.size === head.size) {
    if (prev.rootHash === head.rootHash) return { ok: true, cosign: true, keep: prev };
    return alarm(
      'AUDIT.FORK',
      `${head.province} 同一大小 ${head.size} 出现两个不同的根（日志分叉） two different roots for size ${head.size}: the log forked`,
    );
  }
  const [older, newer] = prev.size < head.size ? [prev, head] : [head, prev];
  const consistent = verifyConsistency(
    older.size,
    newer.size,
    Buffer.from(older.rootHash, 'hex'),
    Buffer.from(newer.rootHash, 'hex'),
    proof,
    headTreeHasher(head),
  );
  if (!consistent) {
    return alarm(
      'AUDIT.INCONSISTENT',
      `${head.province} 的日志与此前见证的树头（大小 ${prev.size}）不一致：历史被改写 the log of size ${head.size} does not extend the head of size ${prev.size} witnessed before: its history was rewritten`,
    );
  }
  // an older head arriving late is consistent but moves nothing forward
  return { ok: true, cosign: true, keep: newer === head ? keep : prev };
}

function alarm(code: WitnessAlarmCode, message: string): Judgement {
  return { ok: false, code, message };
}

/**
 * A witness's co-signature over one exact head of a province: a C2SP cosignature/v1 (note.ts) over the
 * head's checkpoint text, which holds the province, size, root, time and the key id the head was signed
 * with. It vouches for that head and no other: a head of the same size with another root or key does
 * not carry it.
 */
export interface Cosignature {
  format: 'cosignature/v1';
  /** the co-signing province */
  witness: string;
  /** the witness's key id in the trust list (e.g. `zj-1`) */
  keyId: string;
  /** the head co-signed: province, size, rootHash, timestamp and headKeyId, as in its checkpoint */
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  headKeyId: string;
  /** the suite of the head's log, when not ed25519-sha256 (its checkpoint text names it) */
  suite?: SuiteId;
  /** when the witness co-signed, POSIX seconds (signed) */
  time: number;
  /**
   * over cosignedMessage(time, checkpoint), base64url: Ed25519 or SM2, the witness's key's suite (the
   * trust list's key for `keyId` says which)
   */
  signature: string;
}

/** The checkpoint fields of the head a co-signature is over. */
const cosignedHead = (c: Cosignature): CheckpointFields => ({
  province: c.province,
  size: c.size,
  rootHash: c.rootHash,
  timestamp: c.timestamp,
  keyId: c.headKeyId,
  ...(c.suite !== undefined ? { suite: c.suite } : {}),
});

export function cosign(
  witness: string,
  head: SignedTreeHead,
  privateKey: KeyObject,
  keyId: string,
  now: Date,
): Cosignature {
  const time = Math.floor(now.getTime() / 1000);
  const c: Cosignature = {
    format: 'cosignature/v1',
    witness,
    keyId,
    province: head.province,
    size: head.size,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    headKeyId: head.keyId,
    // only when not the default, so a co-signature of a SHA-256 log is what it always was
    ...(headSuite(head) !== 'ed25519-sha256' ? { suite: headSuite(head) } : {}),
    time,
    signature: '',
  };
  const s = suite(suiteOfKey(privateKey));
  c.signature = s.sign(cosignedMessage(time, checkpointText(cosignedHead(c))), privateKey).toString('base64url');
  return c;
}

/** False (never throws) unless `c` is a well-formed cosignature/v1 that `witnessKey` made (in its suite). */
export function verifyCosignature(c: Cosignature, witnessKey: KeyObject): boolean {
  try {
    if (c.format !== 'cosignature/v1' || typeof c.signature !== 'string') return false;
    const sig = Buffer.from(c.signature, 'base64url');
    if (sig.length !== 64 || sig.toString('base64url') !== c.signature) return false;
    if (witnessKey.type !== 'public') return false;
    return suite(suiteOfKey(witnessKey)).verify(
      cosignedMessage(c.time, checkpointText(cosignedHead(c))),
      witnessKey,
      sig,
    );
  } catch {
    return false;
  }
}

/** Whether `c` is over exactly `head`: the same province, size, root, time, signing key and log suite. */
export function cosignatureCovers(c: Cosignature, head: SignedTreeHead): boolean {
  return (
    c.province === head.province &&
    c.size === head.size &&
    c.rootHash === head.rootHash &&
    c.timestamp === head.timestamp &&
    c.headKeyId === head.keyId &&
    headSuite(c) === headSuite(head)
  );
}

/**
 * The head as a C2SP signed note: its checkpoint text, a blank line, the province's signature line and
 * one cosignature/v1 line per co-signature. Any signed-note tool given the verifier keys (note.ts
 * verifierKey, published with the trust list) checks it. Co-signatures over another head are left out.
 */
export function headNote(
  head: SignedTreeHead,
  headKey: KeyObject,
  cosignatures: readonly { c: Cosignature; witnessKey: KeyObject }[] = [],
): string | undefined {
  if (head.format !== 'checkpoint') return undefined;
  let note = `${checkpointText(head)}\n`;
  note += signatureLine(
    auditOrigin(head.province),
    noteKeyId(auditOrigin(head.province), NOTE_ED25519, headKey),
    Buffer.from(head.signature, 'base64url'),
  );
  for (const { c, witnessKey } of cosignatures) {
    if (!cosignatureCovers(c, head)) continue;
    const name = witnessName(c.witness);
    note += signatureLine(
      name,
      noteKeyId(name, NOTE_COSIGNATURE_V1, witnessKey),
      timestampedSignature(c.time, Buffer.from(c.signature, 'base64url')),
    );
  }
  return note;
}
