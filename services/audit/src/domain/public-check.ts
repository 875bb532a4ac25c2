// Checking what the public routes answer, offline: a signed head with its co-signatures (JSON, or the
// C2SP checkpoint note), a record's inclusion proof, two heads' consistency proof. With these and the
// trust list, an auditor who was never given an export — a court, a provincial 网信办, the public —
// checks any province's head, its witnesses, any record's inclusion and any two heads' consistency.
// Pure: the parsed answers and the trust list come in, a verdict naming every failure comes out;
// reading files, printing and exit codes are the CLI's (cli/public-commands.ts).
import type { TrustAnchors } from '@yrd/auth';
import { isSuiteId, suite, suiteOfKey } from '@yrd/crypto-suite';
import { z } from 'zod';
import { cosignatureFault, type ExportFailureCode } from './export-check.js';
import type { Keyring } from './keyring.js';
import { keyringFrom } from './keyring.js';
import { type TreeHasher, treeHasherOf, verifyConsistency, verifyInclusion } from './merkle.js';
import {
  auditOrigin,
  type CheckpointFields,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  noteKeyId,
  parseCheckpoint,
  parseNote,
  witnessName,
} from './note.js';
import { type AuditRecordFields, recordFields, recordLeaf } from './record.js';
import {
  assertTreeHead,
  headAlgs,
  headSuite,
  type SignedTreeHead,
  type TreeHeadAlg,
  verifyTreeHead,
} from './tree-head.js';
import { headEntry } from './verify.js';
import type { Cosignature } from './witness.js';

/** What a check of a public answer can find; INPUT_MALFORMED: the file is not what the route answers. */
export type PublicCheckCode = ExportFailureCode | 'AUDIT.INPUT_MALFORMED';

export interface PublicFailure {
  code: PublicCheckCode;
  /** as the export check names entries: `head size 5`, `seq 3`, `heads 2→5`, or the file concerned */
  entry: string;
  reason: string;
  /** the co-signing province concerned, when there is one */
  witness?: string;
  headSize?: number;
  seq?: number;
}

/** What the auditor trusts: the regional trust list's keys, and how many other provinces must co-sign. */
export interface PublicTrust {
  keys: Keyring;
  quorum: number;
}

/** Throws TypeError when a key of the list is not a usable Ed25519 or SM2 public key. */
export function publicTrust(anchors: TrustAnchors): PublicTrust {
  return { keys: keyringFrom(anchors), quorum: anchors.cosignatureQuorum };
}

export interface HeadCheck {
  ok: boolean;
  /** what the head says (absent when the input is not a head at all) */
  head?: {
    province: string;
    size: number;
    rootHash: string;
    timestamp: string;
    keyId: string;
    /** the log's suite when the head names one (absent: ed25519-sha256): the hash its proofs are in */
    suite?: SignedTreeHead['suite'];
  };
  /** the province's signature holds, with the key its key id names, valid at its time */
  signatureValid: boolean;
  /** the other provinces whose co-signatures over exactly this head hold, one each, sorted */
  witnesses: string[];
  quorum: number;
  /** read from a note: signature lines of keys the trust list does not hold (C2SP: ignored) */
  ignored: string[];
  failures: PublicFailure[];
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '须为 64 位小写十六进制 64 lowercase hex');
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const cosignatureSchema = z.object({
  format: z.string(),
  witness: z.string(),
  keyId: z.string(),
  province: z.string(),
  size: count,
  rootHash: z.string(),
  timestamp: z.string(),
  headKeyId: z.string(),
  suite: z.string().optional(),
  time: count,
  signature: z.string(),
});
const headSchema = z.object({
  province: z.string().min(1),
  size: count,
  rootHash: hex64,
  timestamp: z.string(),
  alg: z.string(),
  keyId: z.string(),
  signature: z.string(),
  format: z.literal('checkpoint').optional(),
  // the log's suite (absent: ed25519-sha256); an unknown one fails the signature check
  suite: z.string().optional(),
  cosignatures: z.array(cosignatureSchema).max(64).optional(),
});
const inclusionSchema = z.object({
  seq: count,
  leafHash: hex64,
  treeSize: count,
  path: z.array(hex64).max(64),
  head: z.unknown(),
});
const consistencySchema = z.object({
  from: z.unknown().optional(),
  to: z.unknown(),
  proof: z.array(hex64).max(128),
});

const malformed = (entry: string, why: string): PublicFailure => ({
  code: 'AUDIT.INPUT_MALFORMED',
  entry,
  reason: `格式错误 not what the public route answers: ${why}`,
});

function zodWhy(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.map(String).join('.') || '(top)'}: ${i.message}` : 'invalid';
}

/** No head was read (the answer around it is malformed, already reported). */
const noHead = (trust: PublicTrust): HeadCheck => ({
  ok: false,
  signatureValid: false,
  witnesses: [],
  quorum: trust.quorum,
  ignored: [],
  failures: [],
});

/** A head and its co-signatures as read from an answer, before anything is verified. */
interface ReadHead {
  head?: SignedTreeHead;
  cosignatures: Cosignature[];
  ignored: string[];
  failures: PublicFailure[];
}

/** Reads a head: the JSON of `heads/latest`/`heads/{size}` (or `head` of a proof), or the checkpoint note. */
function readHead(input: unknown, trust: PublicTrust, entry: string): ReadHead {
  if (typeof input === 'string') return readNote(input, trust, entry);
  const parsed = headSchema.safeParse(input);
  if (!parsed.success) return { cosignatures: [], ignored: [], failures: [malformed(entry, zodWhy(parsed.error))] };
  const { cosignatures = [], ...h } = parsed.data;
  const head = { ...h, alg: h.alg as TreeHeadAlg } as SignedTreeHead;
  return { head, cosignatures: cosignatures as Cosignature[], ignored: [], failures: [] };
}

/**
 * A checkpoint as a C2SP signed note: signature lines are matched to trust-list keys by name and key id.
 * A line of a key the list does not hold is ignored, as the signed-note spec says; a line of a known key
 * that does not verify fails. The head's own signature is the line of the key its `key` line names.
 */
function readNote(text: string, trust: PublicTrust, entry: string): ReadHead {
  const none = (why: string): ReadHead => ({ cosignatures: [], ignored: [], failures: [malformed(entry, why)] });
  const note = parseNote(text);
  if (!note) return none('不是签名注记 not a C2SP signed note');
  const cp: CheckpointFields | undefined = parseCheckpoint(note.text);
  if (!cp) return none('不是本区域的检查点 not a checkpoint of this region (origin yrd.example/audit/<province>)');
  const origin = auditOrigin(cp.province);
  const failures: PublicFailure[] = [];
  const ignored: string[] = [];
  const cosignatures: Cosignature[] = [];
  let signature: string | undefined;
  let alg: TreeHeadAlg = 'Ed25519';
  const provinces = trust.keys.provinces;
  for (const line of note.signatures) {
    const id = `${line.name}+${line.keyId.toString('hex')}`;
    if (line.name === origin) {
      const own = trust.keys
        .of(cp.province)
        .find((k) => noteKeyId(origin, NOTE_ED25519, k.publicKey).equals(line.keyId));
      if (!own) {
        ignored.push(id);
      } else if (own.kid === cp.keyId) {
        if (signature === undefined) {
          signature = line.signature.toString('base64url');
          // the key says how the head is signed (Ed25519 or SM2)
          alg = headAlgs[suiteOfKey(own.publicKey)];
        }
      } else if (
        !suite(suiteOfKey(own.publicKey)).verify(Buffer.from(note.text, 'utf8'), own.publicKey, line.signature)
      ) {
        // another key of the province, which the list holds: it says nothing more, but must not lie
        failures.push({
          code: 'AUDIT.HEAD_SIGNATURE_INVALID',
          entry: headEntry(cp.size),
          headSize: cp.size,
          reason: `密钥 ${own.kid} 的签名行无效 the signature line of key ${own.kid} does not verify`,
        });
      }
      continue;
    }
    const w = provinces.find((p) => witnessName(p) === line.name);
    const wk = w
      ? trust.keys.of(w).find((k) => noteKeyId(line.name, NOTE_COSIGNATURE_V1, k.publicKey).equals(line.keyId))
      : undefined;
    if (!w || !wk) {
      ignored.push(id);
      continue;
    }
    const time = line.signature.length === 72 ? line.signature.readBigUInt64BE(0) : undefined;
    if (time === undefined || time > BigInt(Number.MAX_SAFE_INTEGER)) {
      failures.push({
        code: 'AUDIT.COSIGNATURE_INVALID',
        entry: headEntry(cp.size),
        headSize: cp.size,
        witness: w,
        reason: `${w} 的见证签名行格式错误 co-signature line of ${w} is not a cosignature/v1 (time and 64-byte signature)`,
      });
      continue;
    }
    cosignatures.push({
      format: 'cosignature/v1',
      witness: w,
      keyId: wk.kid,
      province: cp.province,
      size: cp.size,
      rootHash: cp.rootHash,
      timestamp: cp.timestamp,
      headKeyId: cp.keyId,
      ...(cp.suite !== undefined ? { suite: cp.suite } : {}),
      time: Number(time),
      signature: line.signature.subarray(8).toString('base64url'),
    });
  }
  if (signature === undefined) {
    failures.push({
      code: 'AUDIT.HEAD_SIGNATURE_INVALID',
      entry: headEntry(cp.size),
      headSize: cp.size,
      reason: `注记中没有密钥 ${cp.keyId} 的签名行（或该密钥不在信任列表中） the note carries no signature line of key ${cp.keyId} that the trust list holds`,
    });
  }
  const head: SignedTreeHead = { ...cp, alg, signature: signature ?? '', format: 'checkpoint' };
  return { head, cosignatures, ignored, failures };
}

/**
 * Checks a head as `heads/latest`, `heads/{size}` (JSON) or `checkpoint` (the signed note) answer it:
 *  - its signature, with the key its key id names in the trust list, valid at the head's time
 *    (HEAD_SIGNATURE_INVALID: forged, an unknown key, or a retired key used after its validUntil);
 *  - every co-signature: a cosignature/v1 over exactly this head, by a key of the witness province in
 *    the trust list valid at the co-signing time (COSIGNATURE_INVALID, naming the witness);
 *  - at least the trust list's quorum of distinct other provinces co-signed it (COSIGNATURES_MISSING).
 * Co-signatures are not looked at when the head's own signature fails: they would vouch for nothing.
 */
export function checkHead(input: unknown, trust: PublicTrust, entry = 'head'): HeadCheck {
  const read = readHead(input, trust, entry);
  const failures = [...read.failures];
  const h = read.head;
  const out = (signatureValid: boolean, witnesses: string[]): HeadCheck => ({
    ok: failures.length === 0,
    ...(h
      ? {
          head: {
            province: h.province,
            size: h.size,
            rootHash: h.rootHash,
            timestamp: h.timestamp,
            keyId: h.keyId,
            ...(h.suite !== undefined ? { suite: h.suite } : {}),
          },
        }
      : {}),
    signatureValid,
    witnesses,
    quorum: trust.quorum,
    ignored: read.ignored,
    failures,
  });
  if (!h) return out(false, []);
  try {
    assertTreeHead(h);
  } catch (e) {
    failures.push(malformed(headEntry(h.size), (e as Error).message));
    return out(false, []);
  }
  const key = trust.keys.forHead(h);
  const signatureValid = key !== undefined && verifyTreeHead(h, key);
  if (!signatureValid) {
    // the note's reader already said when it found no signature line of the named key
    if (!failures.some((f) => f.code === 'AUDIT.HEAD_SIGNATURE_INVALID')) {
      failures.push({
        code: 'AUDIT.HEAD_SIGNATURE_INVALID',
        entry: headEntry(h.size),
        headSize: h.size,
        reason: key
          ? `签名无效（树头被伪造） signature invalid (forged), key ${h.keyId}`
          : `签名密钥 ${h.keyId} 不在信任列表中（或不在有效期内） signed with key ${h.keyId}, which the trust list does not hold for the head's time ${h.timestamp}`,
      });
    }
    return out(false, []);
  }
  const by = new Set<string>();
  for (const c of read.cosignatures) {
    const fault = cosignatureFault(c, h, trust.keys);
    if (fault) {
      failures.push({
        code: 'AUDIT.COSIGNATURE_INVALID',
        entry: headEntry(h.size),
        headSize: h.size,
        witness: String(c.witness),
        reason: `${String(c.witness)} 的见证签名无效 co-signature of ${String(c.witness)}: ${fault}`,
      });
    } else if (c.witness !== h.province) {
      by.add(c.witness);
    }
  }
  const witnesses = [...by].sort();
  if (witnesses.length < trust.quorum) {
    const n = witnesses.length;
    failures.push({
      code: 'AUDIT.COSIGNATURES_MISSING',
      entry: headEntry(h.size),
      headSize: h.size,
      reason: `见证签名不足：${n}/${trust.quorum}（无人见证的树头可能是改写后重新签名的历史） co-signed by ${n} other ${n === 1 ? 'province' : 'provinces'}${n > 0 ? ` (${witnesses.join(', ')})` : ''}, ${trust.quorum} needed: a head no quorum of witnesses vouches for may be a rewritten and re-signed history`,
    });
  }
  return out(true, witnesses);
}

export interface InclusionCheck {
  ok: boolean;
  seq?: number;
  leafHash?: string;
  head: HeadCheck;
  /** the path leads from the leaf at `seq` to the head's root */
  included: boolean;
  /** with a record: whether its fields hash to the proof's leaf */
  record?: { matches: boolean };
  failures: PublicFailure[];
}

/**
 * Checks what `proofs/inclusion` answers: the head (as checkHead), then that the path leads from the
 * leaf at `seq` to the head's root (RFC 9162 §2.1.3.2; INCLUSION_INVALID). With `record` — the fields
 * of a record as a trace or an export shows it, or an object with `fields` — its leaf is recomputed
 * and must be the proof's leaf (RECORD_ALTERED): how a court checks a record a party handed it.
 */
export function checkInclusion(doc: unknown, trust: PublicTrust, record?: unknown): InclusionCheck {
  const parsed = inclusionSchema.safeParse(doc);
  if (!parsed.success) {
    const failures = [malformed('inclusion', zodWhy(parsed.error))];
    return { ok: false, head: noHead(trust), included: false, failures };
  }
  const p = parsed.data;
  const head = checkHead(p.head, trust, 'head');
  const failures = [...head.failures];
  let included = false;
  // the proof and the record are hashed as the head's log is (SHA-256, or SM3 for an sm2-sm3 log)
  const th = treeHasherOfHead(head.head);
  if (head.head) {
    const h = head.head;
    if (p.treeSize !== h.size) {
      failures.push(malformed('inclusion', `treeSize ${p.treeSize} is not the head's size ${h.size}`));
    } else {
      included = verifyInclusion(
        Buffer.from(p.leafHash, 'hex'),
        p.seq,
        h.size,
        p.path.map((x) => Buffer.from(x, 'hex')),
        Buffer.from(h.rootHash, 'hex'),
        th,
      );
      if (!included) {
        failures.push({
          code: 'AUDIT.INCLUSION_INVALID',
          entry: `seq ${p.seq}`,
          seq: p.seq,
          headSize: h.size,
          reason: `包含证明推不出树头 size ${h.size} 的根 the path does not lead from leaf ${p.leafHash} at seq ${p.seq} to the root of head size ${h.size}`,
        });
      }
    }
  }
  let recordCheck: InclusionCheck['record'];
  if (record !== undefined) {
    const leaf = leafOf(record, th);
    if (typeof leaf !== 'string') {
      failures.push(malformed('record', leaf.why));
    } else {
      recordCheck = { matches: leaf === p.leafHash };
      if (!recordCheck.matches) {
        failures.push({
          code: 'AUDIT.RECORD_ALTERED',
          entry: `seq ${p.seq}`,
          seq: p.seq,
          reason: `记录的叶哈希 ${leaf} 不是证明中的叶（记录被改，或不是这一条） the record hashes to leaf ${leaf}, not the proof's ${p.leafHash}: it was altered, or it is another record`,
        });
      }
    }
  }
  return {
    ok: failures.length === 0,
    seq: p.seq,
    leafHash: p.leafHash,
    head,
    included,
    ...(recordCheck ? { record: recordCheck } : {}),
    failures,
  };
}

/** The tree hash of a checked head's log; SHA-256 when there is none (nothing is proven then). */
function treeHasherOfHead(h: { suite?: SignedTreeHead['suite'] } | undefined): TreeHasher {
  // an unknown suite fails the head's signature (already reported): nothing to hash it with
  const id = headSuite(h ?? {});
  return treeHasherOf(isSuiteId(id) ? id : 'ed25519-sha256');
}

/** The leaf of a record given as its fields, or as an object with `fields` (an export's record). */
function leafOf(record: unknown, th: TreeHasher): string | { why: string } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { why: 'a record is an object' };
  const inner: unknown = 'fields' in record ? record.fields : record;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return { why: '`fields` is an object' };
  try {
    return recordLeaf(recordFields(inner as AuditRecordFields), th).toString('hex');
  } catch (e) {
    return { why: (e as Error).message };
  }
}

export interface ConsistencyCheck {
  ok: boolean;
  fromSize?: number;
  toSize?: number;
  /** absent when the answer had no `from` head (size 0) */
  from?: HeadCheck;
  to: HeadCheck;
  /** the proof shows the `to` tree extends the `from` tree */
  consistent: boolean;
  /** with the head the auditor kept: whether it is the `from` head (size and root) */
  kept?: { same: boolean; size: number };
  failures: PublicFailure[];
}

/**
 * Checks what `consistency?from=&to=` answers: both heads (as checkHead; `from` is absent for size 0,
 * the empty tree), that they are of one province (HEAD_MISMATCH), and the RFC 9162 §2.1.4.2 proof
 * between them (CONSISTENCY_INVALID). `kept`: a head the auditor kept earlier (JSON or note); it must
 * be the `from` head — the same size and root (HEAD_MISMATCH: the log was rewritten since).
 */
export function checkConsistency(doc: unknown, trust: PublicTrust, kept?: unknown): ConsistencyCheck {
  const parsed = consistencySchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      to: noHead(trust),
      consistent: false,
      failures: [malformed('consistency', zodWhy(parsed.error))],
    };
  }
  const c = parsed.data;
  const from = c.from === undefined ? undefined : checkHead(c.from, trust, 'from');
  const to = checkHead(c.to, trust, 'to');
  const failures = [...(from?.failures ?? []), ...to.failures];
  const b = to.head;
  const th = treeHasherOfHead(b);
  const a =
    from?.head ??
    (from ? undefined : { size: 0, rootHash: th.emptyRoot.toString('hex'), province: undefined, suite: b?.suite });
  let consistent = false;
  if (a && b) {
    const entry = `heads ${a.size}→${b.size}`;
    if (a.province !== undefined && a.province !== b.province) {
      failures.push({
        code: 'AUDIT.HEAD_MISMATCH',
        entry,
        headSize: b.size,
        reason: `两个树头属于不同省 the heads are of two provinces (${a.province}, ${b.province})`,
      });
    } else if (headSuite(a) !== headSuite(b)) {
      failures.push({
        code: 'AUDIT.HEAD_MISMATCH',
        entry,
        headSize: b.size,
        reason: `两个树头的密码套件不同（日志保持创建时的哈希） the heads name two suites (${headSuite(a)}, ${headSuite(b)}): a log keeps the hash it was created with`,
      });
    } else {
      consistent = verifyConsistency(
        a.size,
        b.size,
        Buffer.from(a.rootHash, 'hex'),
        Buffer.from(b.rootHash, 'hex'),
        c.proof.map((x) => Buffer.from(x, 'hex')),
        th,
      );
      if (!consistent) {
        failures.push({
          code: 'AUDIT.CONSISTENCY_INVALID',
          entry,
          headSize: b.size,
          reason:
            a.size > b.size
              ? `from 大于 to from size ${a.size} is larger than to size ${b.size}`
              : '一致性证明不成立（两个树头之间日志被改写） consistency proof fails (the log was rewritten between these heads)',
        });
      }
    }
  }
  let keptCheck: ConsistencyCheck['kept'];
  if (kept !== undefined) {
    const k = readHead(kept, trust, 'kept head');
    if (!k.head) {
      failures.push(...k.failures);
    } else if (a) {
      keptCheck = { same: k.head.size === a.size && k.head.rootHash === a.rootHash, size: k.head.size };
      if (!keptCheck.same) {
        failures.push({
          code: 'AUDIT.HEAD_MISMATCH',
          entry: headEntry(k.head.size),
          headSize: k.head.size,
          reason:
            k.head.size === a.size
              ? `你保存的树头与 from 根不同（日志被改写或分叉） the head you kept has another root than the answer's from head of that size: the log was rewritten, or forked`
              : `你保存的树头大小 ${k.head.size} 不是 from ${a.size} the head you kept is of size ${k.head.size}, the answer's from head of size ${a.size}: ask for consistency?from=${k.head.size}`,
        });
      }
    }
  }
  return {
    ok: failures.length === 0,
    ...(a ? { fromSize: a.size } : {}),
    ...(b ? { toSize: b.size } : {}),
    ...(from ? { from } : {}),
    to,
    consistent,
    ...(keptCheck ? { kept: keptCheck } : {}),
    failures,
  };
}

// ---- the reports, as a person reads them: Chinese and English, one finding per line ----

function headLines(label: string, h: HeadCheck): string[] {
  const lines: string[] = [];
  if (!h.head) return lines;
  const { province, size, rootHash, keyId, timestamp } = h.head;
  lines.push(`${label}: province ${province}, size ${size}, root ${rootHash}, key ${keyId}, time ${timestamp}`);
  if (h.signatureValid) lines.push(`✓ head size ${size}: 树头签名有效 signature valid (key ${keyId}, trust list)`);
  if (h.signatureValid && h.witnesses.length >= h.quorum) {
    lines.push(
      `✓ head size ${size}: 由 ${h.witnesses.length} 个其他省见证（须 ${h.quorum} 个） co-signed by ${h.witnesses.length} other provinces (${h.witnesses.join(', ') || 'none'}), ${h.quorum} needed`,
    );
  }
  if (h.ignored.length > 0) {
    lines.push(
      `注意 note: 忽略 ${h.ignored.length} 个信任列表之外的签名行 ignored signature lines of keys the trust list does not hold: ${h.ignored.join(', ')}`,
    );
  }
  return lines;
}

function closing(ok: boolean, failures: readonly PublicFailure[], okLine: string): string[] {
  const lines = failures.map((f) => `✗ ${f.entry}: ${f.reason} [${f.code}]`);
  if (ok) lines.push(`通过 OK: ${okLine}`);
  else lines.push(`未通过 FAILED: ${failures.length} 处问题 problem(s); first: ${failures[0]?.entry ?? '?'}`);
  return lines;
}

export function headReport(h: HeadCheck): { pass: boolean; lines: string[] } {
  const lines = ['树头校验 head check', ...headLines('树头 head', h)];
  const okLine = h.head ? `head size ${h.head.size}, root ${h.head.rootHash}` : '';
  return { pass: h.ok, lines: [...lines, ...closing(h.ok, h.failures, okLine)] };
}

export function inclusionReport(c: InclusionCheck): { pass: boolean; lines: string[] } {
  const lines = [
    `包含证明校验 inclusion proof check: seq ${c.seq ?? '?'}, leaf ${c.leafHash ?? '?'}`,
    ...headLines('树头 head', c.head),
  ];
  if (c.included && c.head.head) {
    lines.push(
      `✓ seq ${c.seq}: 包含证明成立 the path leads from the leaf to the root of head size ${c.head.head.size}`,
    );
  }
  if (c.record?.matches) lines.push(`✓ seq ${c.seq}: 记录的叶哈希即证明中的叶 the record hashes to the proof's leaf`);
  const okLine = `seq ${c.seq} is in head size ${c.head.head?.size}, root ${c.head.head?.rootHash}`;
  return { pass: c.ok, lines: [...lines, ...closing(c.ok, c.failures, okLine)] };
}

export function consistencyReport(c: ConsistencyCheck): { pass: boolean; lines: string[] } {
  const lines = [`一致性证明校验 consistency check: heads ${c.fromSize ?? '?'}→${c.toSize ?? '?'}`];
  if (c.from) lines.push(...headLines('from', c.from));
  else if (c.fromSize === 0) lines.push('from: 空树 the empty tree (size 0), a prefix of every tree');
  lines.push(...headLines('to', c.to));
  if (c.consistent) {
    lines.push(
      `✓ heads ${c.fromSize}→${c.toSize}: 一致性证明成立 consistency proof holds: head size ${c.toSize} extends head size ${c.fromSize}`,
    );
  }
  if (c.kept?.same) lines.push(`✓ 你保存的树头即 from 树头 the head you kept (size ${c.kept.size}) is the from head`);
  const okLine = `head size ${c.toSize}, root ${c.to.head?.rootHash} extends head size ${c.fromSize}`;
  return { pass: c.ok, lines: [...lines, ...closing(c.ok, c.failures, okLine)] };
}
