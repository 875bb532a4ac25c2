// Witnessing (见证): each province checks every other province's signed tree heads against the heads
// it saw before, and co-signs those that only add to the log. A province that rewrites its history —
// even re-signing every head with its own key — cannot show a later head consistent with one a
// witness already holds, so the witness catches it. Pure functions: keys, heads and proofs come in.
import { type KeyObject, sign, verify } from 'node:crypto';
import { verifyConsistency } from './merkle.js';
import { canonicalJson } from './record.js';
import { type SignedTreeHead, verifyTreeHead } from './tree-head.js';

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
 * Judges a province's head against what the witness holds. The first head of a province is taken on
 * trust (there is nothing to compare yet). A head of the size already held must carry the same root;
 * otherwise the consistency proof (see `proofNeeded`) must show the smaller log is a prefix of the larger.
 */
export function judgeHead(
  prev: WitnessedHead | undefined,
  head: SignedTreeHead,
  publicKey: KeyObject,
  proof: readonly Uint8Array[] = [],
): Judgement {
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

/** A witness's co-signature over a province's head. */
export interface Cosignature {
  witness: string;
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  /** Ed25519 over cosignatureBytes, base64url */
  signature: string;
}

export const COSIGNATURE_DOMAIN = 'yrd-cosign-v1\n';

export function cosignatureBytes(witness: string, h: WitnessedHead): Buffer {
  return Buffer.from(
    COSIGNATURE_DOMAIN +
      canonicalJson({ witness, province: h.province, size: h.size, rootHash: h.rootHash, timestamp: h.timestamp }),
    'utf8',
  );
}

export function cosign(witness: string, h: WitnessedHead, privateKey: KeyObject, keyId: string): Cosignature {
  return {
    witness,
    province: h.province,
    size: h.size,
    rootHash: h.rootHash,
    timestamp: h.timestamp,
    keyId,
    signature: sign(null, cosignatureBytes(witness, h), privateKey).toString('base64url'),
  };
}

export function verifyCosignature(c: Cosignature, witnessKey: KeyObject): boolean {
  try {
    return verify(null, cosignatureBytes(c.witness, c), witnessKey, Buffer.from(c.signature, 'base64url'));
  } catch {
    return false;
  }
}
