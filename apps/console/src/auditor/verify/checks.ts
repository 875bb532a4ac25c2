/**
 * The proof of one audit record, checked step by step in the browser (叶子哈希, 包含证明, 树头签名,
 * 见证签名): what each step computed, and why it failed when it did. The server's answer is only
 * input here: the record's fields, the path, the signed head and its co-signatures, and the regional
 * trust list that every province serves alike. Each hash is the one of the log's suite (SHA-256 or
 * SM3), each signature checked in its key's suite (Ed25519 or SM2): suites.ts.
 */
import { fromHex, toHex, utf8 } from './bytes';
import { leafHash, rootFromInclusionProof } from './merkle';
import { type AuditRecordFields, recordCanonicalJson } from './record';
import {
  type Cosignature,
  cosignatureCovers,
  cosignedMessage,
  headSignedBytes,
  type SignedHead,
  type TrustList,
  trustedKey,
} from './signatures';
import { type HashName, hashNames, hashOf, headAlgs, keySuite, logSuite, type SuiteId, verifyIn } from './suites';

/** `incomplete`: nothing is wrong, but not enough is there yet (a fresh head waits for its witnesses). */
export type StepStatus = 'passed' | 'failed' | 'incomplete' | 'skipped';

export interface LeafStep {
  status: StepStatus;
  /** the hash of the log's suite the leaf is computed with; absent for a suite not known here */
  hash?: HashName;
  /** H(0x00 || canonical JSON of the fields), hex; absent when the fields are malformed */
  computed?: string;
  /** the leaf hash the answer states */
  stated: string;
  reason?: 'malformed' | 'mismatch' | 'suiteUnsupported';
}

export interface InclusionStep {
  status: StepStatus;
  seq: number;
  treeSize: number;
  pathLength: number;
  /** the root the path leads to from the computed leaf */
  computedRoot?: string;
  /** the root the signed head commits to */
  headRoot: string;
  reason?: 'noLeaf' | 'sizeMismatch' | 'pathInvalid' | 'rootMismatch' | 'suiteUnsupported';
}

export interface HeadSignatureStep {
  status: StepStatus;
  province: string;
  keyId: string;
  size: number;
  timestamp: string;
  reason?: 'provinceMismatch' | 'keyUnknown' | 'malformed' | 'signatureInvalid' | 'suiteUnsupported';
}

export interface CosignatureFinding {
  witness: string;
  keyId: string;
  /** POSIX seconds, as signed */
  time: number;
  valid: boolean;
  reason?: 'notThisHead' | 'ownProvince' | 'keyUnknown' | 'signatureInvalid' | 'suiteUnsupported';
}

export interface WitnessStep {
  status: StepStatus;
  /** set when the step is not checked here (skipped): a log of a suite this console does not know */
  reason?: 'suiteUnsupported';
  /** the other provinces whose co-signatures over exactly this head hold, sorted */
  witnesses: string[];
  quorum: number;
  findings: CosignatureFinding[];
}

export interface ProofCheck {
  verdict: 'passed' | 'failed' | 'incomplete';
  leaf: LeafStep;
  inclusion: InclusionStep;
  headSignature: HeadSignatureStep;
  witnesses: WitnessStep;
}

/** A record as a trace answers it: the fields, the stated leaf, the inclusion proof. */
export interface TracedRecord extends AuditRecordFields {
  leafHash: string;
  proof: { treeSize: number; rootHash: string; path: string[] };
}

/** The leaf computed from the record's fields with the hash of its log's suite, against the stated one. */
export async function checkLeaf(
  record: TracedRecord,
  suite: SuiteId = 'ed25519-sha256',
): Promise<{ step: LeafStep; leaf?: Uint8Array }> {
  const hash = hashNames[suite];
  let text: string;
  try {
    text = recordCanonicalJson(record);
  } catch {
    return { step: { status: 'failed', hash, stated: record.leafHash, reason: 'malformed' } };
  }
  const leaf = await leafHash(utf8(text), hashOf(suite));
  const computed = toHex(leaf);
  const ok = computed === record.leafHash;
  return {
    step: {
      status: ok ? 'passed' : 'failed',
      hash,
      computed,
      stated: record.leafHash,
      ...(ok ? {} : { reason: 'mismatch' }),
    },
    leaf,
  };
}

/**
 * The path leads from the leaf (the one computed from the fields) at `seq` to the signed head's root,
 * each node hashed with the hash of the head's log.
 */
export async function checkInclusion(
  record: TracedRecord,
  leaf: Uint8Array | undefined,
  head: SignedHead,
): Promise<InclusionStep> {
  const base = {
    seq: record.seq,
    treeSize: record.proof.treeSize,
    pathLength: record.proof.path.length,
    headRoot: head.rootHash,
  };
  const suite = logSuite(head);
  if (!suite) return { ...base, status: 'skipped', reason: 'suiteUnsupported' };
  if (!leaf) return { ...base, status: 'failed', reason: 'noLeaf' };
  if (record.proof.treeSize !== head.size) return { ...base, status: 'failed', reason: 'sizeMismatch' };
  const path = record.proof.path.map(fromHex);
  if (path.some((p) => p === undefined)) return { ...base, status: 'failed', reason: 'pathInvalid' };
  const root = await rootFromInclusionProof(leaf, record.seq, head.size, path as Uint8Array[], hashOf(suite));
  if (!root) return { ...base, status: 'failed', reason: 'pathInvalid' };
  const computedRoot = toHex(root);
  const ok = computedRoot === head.rootHash;
  return { ...base, computedRoot, status: ok ? 'passed' : 'failed', ...(ok ? {} : { reason: 'rootMismatch' }) };
}

/**
 * The head's signature with the trust list's key its key id names, valid at its time, in that key's
 * suite. As the service's verifyTreeHead: the key decides the algorithm, and the head's `alg` must name
 * it; a head of the earlier version (yrd-sth-v1) was always Ed25519.
 */
export async function checkHeadSignature(
  head: SignedHead,
  trust: TrustList,
  province: string = head.province,
): Promise<HeadSignatureStep> {
  const base = { province: head.province, keyId: head.keyId, size: head.size, timestamp: head.timestamp };
  if (head.province !== province) return { ...base, status: 'failed', reason: 'provinceMismatch' };
  const key = trustedKey(trust, head.province, head.keyId, head.timestamp);
  if (!key) return { ...base, status: 'failed', reason: 'keyUnknown' };
  const signer = keySuite(key.jwk);
  if (!signer || !logSuite(head)) return { ...base, status: 'skipped', reason: 'suiteUnsupported' };
  const bytes = headSignedBytes(head);
  if (!bytes) return { ...base, status: 'failed', reason: 'malformed' };
  if (head.alg !== headAlgs[signer] || (head.format === undefined && signer !== 'ed25519-sha256'))
    return { ...base, status: 'failed', reason: 'signatureInvalid' };
  const ok = await verifyIn(signer, key.jwk, bytes, head.signature);
  return { ...base, status: ok ? 'passed' : 'failed', ...(ok ? {} : { reason: 'signatureInvalid' }) };
}

/**
 * Each co-signature: over exactly this head (its checkpoint, with the `suite` line of an SM3 log), by
 * another province, with that witness's key valid at the co-signing time, in that key's suite (a
 * witness co-signs in its own suite, whatever the suite of the head's log). Passed with the trust
 * list's quorum of distinct witnesses; incomplete below it (a fresh head, or one no witness will vouch
 * for); failed when any co-signature does not hold.
 */
export async function checkCosignatures(
  head: SignedHead,
  cosignatures: readonly Cosignature[] | undefined,
  trust: TrustList,
): Promise<WitnessStep> {
  const quorum = trust.cosignatureQuorum;
  if (cosignatures === undefined) return { status: 'skipped', witnesses: [], quorum, findings: [] };
  // the co-signed checkpoint names the log's suite: one not known here cannot be written
  if (!logSuite(head)) return { status: 'skipped', reason: 'suiteUnsupported', witnesses: [], quorum, findings: [] };
  const findings: CosignatureFinding[] = [];
  for (const c of cosignatures) {
    const base = { witness: c.witness, keyId: c.keyId, time: c.time };
    const key = Number.isSafeInteger(c.time)
      ? trustedKey(trust, c.witness, c.keyId, new Date(c.time * 1000).toISOString())
      : undefined;
    const message = cosignedMessage(c);
    const signer = key && keySuite(key.jwk);
    if (!cosignatureCovers(c, head) || c.format !== 'cosignature/v1' || !message) {
      findings.push({ ...base, valid: false, reason: 'notThisHead' });
    } else if (!key) {
      findings.push({ ...base, valid: false, reason: 'keyUnknown' });
    } else if (!signer) {
      findings.push({ ...base, valid: false, reason: 'suiteUnsupported' });
    } else if (!(await verifyIn(signer, key.jwk, message, c.signature))) {
      findings.push({ ...base, valid: false, reason: 'signatureInvalid' });
    } else if (c.witness === head.province) {
      findings.push({ ...base, valid: false, reason: 'ownProvince' });
    } else {
      findings.push({ ...base, valid: true });
    }
  }
  const witnesses = [...new Set(findings.filter((f) => f.valid).map((f) => f.witness))].sort();
  const broken = findings.some((f) => !f.valid && f.reason !== 'ownProvince' && f.reason !== 'suiteUnsupported');
  const status: StepStatus = broken ? 'failed' : witnesses.length >= quorum ? 'passed' : 'incomplete';
  return { status, witnesses, quorum, findings };
}

/**
 * The whole proof of a record: its leaf, its inclusion in the signed head, the head's signature and
 * the witnesses' co-signatures over it (`cosignatures` undefined: not at hand, the step is skipped).
 */
export async function checkRecordProof(input: {
  record: TracedRecord;
  head: SignedHead;
  cosignatures?: readonly Cosignature[] | undefined;
  trust: TrustList;
}): Promise<ProofCheck> {
  const { record, head, trust } = input;
  // the record is in its province's log, the head's: the head's suite says the log's hash
  const suite = logSuite(head);
  const { step: leaf, leaf: leafBytes } = suite
    ? await checkLeaf(record, suite)
    : { step: { status: 'skipped', stated: record.leafHash, reason: 'suiteUnsupported' } as LeafStep, leaf: undefined };
  const inclusion = await checkInclusion(record, leafBytes, head);
  const headSignature = await checkHeadSignature(head, trust, record.province);
  const witnesses = await checkCosignatures(head, input.cosignatures, trust);
  const steps = [leaf, inclusion, headSignature, witnesses];
  const verdict = steps.some((s) => s.status === 'failed')
    ? 'failed'
    : steps.every((s) => s.status === 'passed')
      ? 'passed'
      : 'incomplete';
  return { verdict, leaf, inclusion, headSignature, witnesses };
}
