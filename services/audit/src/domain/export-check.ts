// Checking an audit export offline. Pure: the parsed document and what the auditor trusts come in, a
// verdict that names every failing entry comes out; reading files, printing and exit codes are the CLI's.
import { KeyObject } from 'node:crypto';
import type { TrustAnchors } from '@yrd/auth';
import { auditExportSchema, EXPORT_FORMAT, EXPORT_FORMAT_V1 } from './export.js';
import { headKey, Keyring, keyringFrom, type RingKey } from './keyring.js';
import { treeHasherOf, verifyConsistency, verifyInclusion } from './merkle.js';
import type { AuditRecordFields } from './record.js';
import type { SignedTreeHead } from './tree-head.js';
import { headSuite, verifyTreeHead } from './tree-head.js';
import {
  type AuditFailure,
  type AuditFailureCode,
  checkRecord,
  describeFailure,
  headEntry,
  headForged,
  headOfOtherProvince,
  headOfOtherSuite,
  recordAltered,
  recordDuplicated,
  recordsMissing,
  recordsReordered,
  type StoredAuditRecord,
} from './verify.js';
import { type Cosignature, cosignatureCovers, verifyCosignature } from './witness.js';

/** What a check of an export can find: the log's failures and, with the trust list, the witnesses'. */
export type ExportFailureCode = AuditFailureCode | 'AUDIT.COSIGNATURE_INVALID' | 'AUDIT.COSIGNATURES_MISSING';

export interface ExportFailure extends Omit<AuditFailure, 'code'> {
  code: ExportFailureCode;
  /** the co-signing province concerned, when there is one */
  witness?: string;
}

/** What the auditor trusts, from the trust list (or less: see chooseTrust). */
export interface ExportTrust {
  /** the key a head is checked with: the one its key id names, valid at its time; undefined: none */
  headKey(h: SignedTreeHead): KeyObject | undefined;
  /**
   * From the regional trust list: every province's keys (a witness's co-signature is checked with its
   * key valid at the co-signing time) and how many other provinces must co-sign the largest head.
   * Absent: the co-signatures cannot be checked (a bare key, or the export's own keys).
   */
  witnesses?: { keys: Keyring; quorum: number } | undefined;
}

export interface ExportCheck {
  ok: boolean;
  format?: string;
  province?: string;
  range?: { fromSeq: number; toSeq: number };
  records: number;
  heads: number;
  consistencyProofs: number;
  /** the largest head whose signature holds: the one everything else is proven consistent with */
  latest?: { size: number; rootHash: string };
  /** with the trust list: who co-signed the largest head (valid, other provinces, one each) of how many needed */
  witnessed?: { headSize: number; witnesses: string[]; quorum: number };
  /** every failing entry: heads and their co-signatures first, then records by seq, then consistency */
  failures: ExportFailure[];
}

const unhex = (s: string): Buffer => Buffer.from(/^[0-9a-f]*$/.test(s) && s.length % 2 === 0 ? s : '', 'hex');
const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Checks an export against what the auditor trusts (a KeyObject: that one key, whatever key id a head
 * names; co-signatures are then not checked):
 *  - the document has the `yrd-audit-export/2` (or `/1`) shape (EXPORT_MALFORMED, naming the place);
 *  - every head is signed by the key its key id names, valid at its time, and is for the export's
 *    province (HEAD_SIGNATURE_INVALID, HEAD_MISMATCH; two signed heads of one size with different
 *    roots are a fork, HEAD_MISMATCH);
 *  - with the trust list: every co-signature present is a valid cosignature/v1 over exactly its head by
 *    the witness's key (COSIGNATURE_INVALID, naming head and witness), and the largest head has at
 *    least the trust list's quorum of them from other provinces, one per witness (COSIGNATURES_MISSING);
 *  - every seq of the range is there once and in order (SEQUENCE_GAP: missing, duplicated, reordered);
 *  - each record's leaf, recomputed from its fields with the log's canonical encoding, equals its
 *    stored leaf hash and the leaf the log's tree holds at its seq, and the fields carry its seq
 *    (RECORD_ALTERED, or a reordered pair);
 *  - each record's inclusion proof leads from the tree's leaf to the root of a signed head
 *    (INCLUSION_INVALID; HEAD_MISSING when no exported head is the one it is proven against);
 *  - each consecutive pair of heads is consistent: the later tree extends the earlier one
 *    (CONSISTENCY_INVALID).
 * Goes on after a failure so that the report lists them all; a record that already failed is not
 * checked further, and nothing is checked against a head whose signature failed (already reported).
 */
export function checkExport(doc: unknown, trusted: KeyObject | ExportTrust): ExportCheck {
  const trust: ExportTrust = trusted instanceof KeyObject ? { headKey: () => trusted } : trusted;
  const parsed = auditExportSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      records: 0,
      heads: 0,
      consistencyProofs: 0,
      failures: parsed.error.issues.slice(0, 5).map((i) => ({
        code: 'AUDIT.EXPORT_MALFORMED',
        entry: placeOf(i.path),
        reason: `导出文件格式错误 not a ${EXPORT_FORMAT} document: ${i.message}`,
      })),
    };
  }
  const x = parsed.data;
  const base = {
    format: x.format,
    province: x.province,
    range: x.range,
    records: x.records.length,
    heads: x.heads.length,
    consistencyProofs: x.proofs.consistency.length,
  };
  const malformed = (entry: string, why: string): ExportCheck => ({
    ...base,
    ok: false,
    failures: [{ code: 'AUDIT.EXPORT_MALFORMED', entry, reason: why }],
  });
  if (x.format !== EXPORT_FORMAT && x.format !== EXPORT_FORMAT_V1) {
    return malformed(
      'format',
      `不支持的格式 unknown format ${x.format}; this verifier reads ${EXPORT_FORMAT} and ${EXPORT_FORMAT_V1}`,
    );
  }
  if (x.range.fromSeq > x.range.toSeq) {
    return malformed('range', `范围无效 range ${x.range.fromSeq}..${x.range.toSeq} is empty`);
  }

  const failures: ExportFailure[] = [];
  const seen = new Set<string>();
  const report = (f: ExportFailure) => {
    const key = `${f.code} ${f.entry} ${f.witness ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      failures.push(f);
    }
  };

  // Heads: the trust anchors, so they are judged first.
  const heads = [...x.heads].sort((a, b) => a.size - b.size) as (SignedTreeHead & { cosignatures?: Cosignature[] })[];
  const valid = new Map<number, SignedTreeHead & { cosignatures?: Cosignature[] }>();
  const forged = new Set<number>();
  // the log's suite, which its records and proofs are hashed in: the one its first valid head names
  let logSuite: ReturnType<typeof headSuite> | undefined;
  for (const h of heads) {
    const key = trust.headKey(h);
    if (!key || !verifyTreeHead(h, key)) {
      report(key ? headForged(h) : headKeyUnknown(h));
      forged.add(h.size);
      continue;
    }
    if (h.province !== x.province) {
      report(headOfOtherProvince(h, x.province));
      forged.add(h.size);
      continue;
    }
    logSuite ??= headSuite(h);
    if (headSuite(h) !== logSuite) {
      report(headOfOtherSuite(h, logSuite));
      forged.add(h.size);
      continue;
    }
    const twin = valid.get(h.size);
    if (twin && twin.rootHash !== h.rootHash) {
      report({
        code: 'AUDIT.HEAD_MISMATCH',
        entry: headEntry(h.size),
        headSize: h.size,
        reason:
          '同一大小有两个根不同的签名树头（日志分叉） two signed heads of this size with different roots (the log forked)',
      });
      forged.add(h.size);
    }
    valid.set(h.size, h);
  }
  for (const s of forged) valid.delete(s);
  if (heads.length === 0) {
    report({
      code: 'AUDIT.HEAD_MISSING',
      entry: 'heads',
      reason: '导出中没有签名树头 the export holds no signed head',
    });
  }

  // Co-signatures: with the trust list, each one present must hold, and the largest head needs a quorum.
  const latest = [...valid.values()].at(-1);
  let witnessed: ExportCheck['witnessed'];
  if (trust.witnesses) {
    const { keys, quorum } = trust.witnesses;
    for (const h of valid.values()) {
      const by = new Set<string>();
      for (const c of h.cosignatures ?? []) {
        const wrong = cosignatureFault(c, h, keys);
        if (wrong) report(cosignatureInvalid(h, c, wrong));
        else if (c.witness !== h.province) by.add(c.witness);
      }
      if (h === latest) witnessed = { headSize: h.size, witnesses: [...by].sort(), quorum };
    }
    if (witnessed && witnessed.witnesses.length < quorum) report(cosignaturesMissing(witnessed));
  }

  // Records: each seq of the range once, in order, intact, and proven to be in a signed tree, in the
  // log's hash (SHA-256 for an ed25519-sha256 log and every export before suites, SM3 for sm2-sm3).
  const th = treeHasherOf(logSuite ?? 'ed25519-sha256');
  const bySeq = new Map<number, StoredAuditRecord>();
  const recordFailures: ExportFailure[] = [];
  let previous: StoredAuditRecord | undefined;
  for (const r of x.records as unknown as StoredAuditRecord[]) {
    if (bySeq.has(r.seq)) {
      recordFailures.push(recordDuplicated(r.seq, r.fields?.eventId));
      continue;
    }
    if (previous && r.seq < previous.seq) recordFailures.push(recordsReordered(previous.seq, r.seq, r.fields?.eventId));
    bySeq.set(r.seq, r);
    previous = r;
  }
  const { fromSeq, toSeq } = x.range;
  let gap: number | undefined;
  for (let s = fromSeq; s <= toSeq + 1; s++) {
    const here = s <= toSeq && bySeq.has(s);
    if (!here && s <= toSeq && gap === undefined) gap = s;
    if ((here || s > toSeq) && gap !== undefined) {
      recordFailures.push(
        recordsMissing(gap, s - 1, { zh: '不在导出中：被删除或被略去', en: 'not in the export: deleted or left out' }),
      );
      gap = undefined;
    }
  }
  const inclusion = new Map(x.proofs.inclusion.map((p) => [p.seq, p]));
  const storedAt = (s: number) => bySeq.get(s);
  for (const r of [...bySeq.values()].sort((a, b) => a.seq - b.seq)) {
    if (r.seq < fromSeq || r.seq > toSeq) {
      recordFailures.push({
        code: 'AUDIT.EXPORT_MALFORMED',
        entry: `seq ${r.seq}`,
        seq: r.seq,
        reason: `不在导出范围 ${fromSeq}..${toSeq} 内 outside the exported range ${fromSeq}..${toSeq}`,
      });
      continue;
    }
    const checked = checkRecord(r, storedAt, th);
    if (checked.failure) {
      recordFailures.push(checked.failure);
      continue;
    }
    const proof = inclusion.get(r.seq);
    const eventId = (r.fields as AuditRecordFields).eventId;
    if (!proof) {
      recordFailures.push({
        code: 'AUDIT.INCLUSION_INVALID',
        entry: `seq ${r.seq}`,
        seq: r.seq,
        eventId,
        reason: '导出中没有该记录的包含证明 no inclusion proof for it in the export',
      });
      continue;
    }
    if (forged.has(proof.treeSize)) continue;
    const head = valid.get(proof.treeSize);
    if (!head) {
      recordFailures.push({
        code: 'AUDIT.HEAD_MISSING',
        entry: `seq ${r.seq}`,
        seq: r.seq,
        eventId,
        reason: `包含证明所对应的树头 size ${proof.treeSize} 不在导出中 proven against size ${proof.treeSize}, which no head in the export has`,
      });
      continue;
    }
    // The proof is of the leaf the log's tree holds at this seq (an export of /1 names none: the
    // record's own). It is checked first, so that whatever the record says, the leaf is known to be
    // the one the signed head commits to; then the record must hash to it.
    const treeLeaf =
      proof.leafHash !== undefined && HEX_HASH.test(proof.leafHash) ? unhex(proof.leafHash) : checked.leaf;
    if (!verifyInclusion(treeLeaf, r.seq, head.size, proof.path.map(unhex), unhex(head.rootHash), th)) {
      recordFailures.push({
        code: 'AUDIT.INCLUSION_INVALID',
        entry: `seq ${r.seq}`,
        seq: r.seq,
        eventId,
        headSize: head.size,
        reason: `包含证明推不出树头 size ${head.size} 的根（记录连同叶哈希被改，或证明被改） inclusion proof does not lead to the root of head size ${head.size} (the record was altered together with its leaf hash, or the proof was)`,
      });
      continue;
    }
    if (!treeLeaf.equals(checked.leaf)) {
      recordFailures.push({
        ...recordAltered(
          r.seq,
          eventId,
          `记录连同其叶哈希被改：日志的默克尔树在此位置的叶为 ${proof.leafHash}（记录被篡改） altered together with its leaf hash: the log's Merkle tree holds leaf ${proof.leafHash} at this seq, which head size ${head.size} commits to (record altered)`,
        ),
        headSize: head.size,
      });
    }
  }
  for (const f of recordFailures.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) report(f);

  // Consistency: each exported head extends the one before it (skipping heads already reported).
  const proofs = new Map(x.proofs.consistency.map((p) => [`${p.fromSize}:${p.toSize}`, p]));
  const chain = [...new Map(heads.map((h) => [h.size, h])).values()];
  for (let i = 1; i < chain.length; i++) {
    const a = chain[i - 1]!;
    const b = chain[i]!;
    if (forged.has(a.size) || forged.has(b.size)) continue;
    const p = proofs.get(`${a.size}:${b.size}`);
    const holds =
      p !== undefined && verifyConsistency(a.size, b.size, unhex(a.rootHash), unhex(b.rootHash), p.path.map(unhex), th);
    if (!holds) {
      report({
        code: 'AUDIT.CONSISTENCY_INVALID',
        entry: `heads ${a.size}→${b.size}`,
        headSize: b.size,
        reason: p
          ? '一致性证明不成立（两个树头之间日志被改写） consistency proof fails (the log was rewritten between these heads)'
          : '导出中没有这两个树头之间的一致性证明 no consistency proof between these heads in the export',
      });
    }
  }

  return {
    ...base,
    ok: failures.length === 0,
    ...(latest ? { latest: { size: latest.size, rootHash: latest.rootHash } } : {}),
    ...(witnessed ? { witnessed } : {}),
    failures,
  };
}

function headKeyUnknown(h: SignedTreeHead): ExportFailure {
  return {
    ...headForged(h),
    reason: `签名密钥 ${String(h.keyId)} 不在信任列表中（或不在有效期内） signed with key ${String(h.keyId)}, which the trust list does not hold for the head's time ${String(h.timestamp)}`,
  };
}

/** Why a co-signature present on head `h` does not hold, or undefined when it does (also public-check.ts). */
export function cosignatureFault(c: Cosignature, h: SignedTreeHead, keys: Keyring): string | undefined {
  if (!cosignatureCovers(c, h)) {
    return '不是对该树头的见证签名（大小、根、时间或密钥不同） not over this head (another size, root, time or key id)';
  }
  const key = keys.find(c.witness, c.keyId, new Date(c.time * 1000).toISOString());
  if (!key) {
    return `见证密钥 ${c.keyId} 不在信任列表中（或不在有效期内） witness key ${c.keyId} is not in the trust list for the co-signing time`;
  }
  if (!verifyCosignature(c, key)) return '签名无效 signature invalid';
  return undefined;
}

function cosignatureInvalid(h: SignedTreeHead, c: Cosignature, why: string): ExportFailure {
  return {
    code: 'AUDIT.COSIGNATURE_INVALID',
    entry: headEntry(h.size),
    headSize: h.size,
    witness: String(c.witness),
    reason: `${String(c.witness)} 的见证签名无效 co-signature of ${String(c.witness)}: ${why}`,
  };
}

function cosignaturesMissing(w: NonNullable<ExportCheck['witnessed']>): ExportFailure {
  const who = w.witnesses.length > 0 ? ` (${w.witnesses.join(', ')})` : '';
  const n = w.witnesses.length;
  return {
    code: 'AUDIT.COSIGNATURES_MISSING',
    entry: headEntry(w.headSize),
    headSize: w.headSize,
    reason: `见证签名不足：${w.witnesses.length}/${w.quorum}（无人见证的树头可能是改写后重新签名的历史） co-signed by ${n} other ${n === 1 ? 'province' : 'provinces'}${who}, ${w.quorum} needed: a head no quorum of witnesses vouches for may be a rewritten and re-signed history`,
  };
}

function placeOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || 'export';
}

/** What the auditor gave the verifier (--trust): the regional trust list, or one public JWK. */
export type GivenTrust = { anchors: TrustAnchors } | { jwk: Record<string, unknown> };

/** What the check will trust, and where it came from. */
export type TrustChoice =
  | {
      ok: true;
      trust: ExportTrust;
      /** `trust-list`: keys and co-signatures checked; `key`: one key, no co-signatures; `export`: nothing trusted */
      source: 'trust-list' | 'key' | 'export';
      kid?: string;
      /** the trusted key of the export's province differs from the copy inside the export */
      differsFromExport: boolean;
    }
  | { ok: false; reason: string };

/**
 * Chooses what to check with. With the trust list, a head is checked with the key its key id names,
 * valid at its time, and the co-signatures with the witnesses' keys. A bare JWK checks heads with that
 * one key and cannot check co-signatures. With nothing, the export's own keys are used — which proves
 * only that the file is consistent with itself, since whoever forged the file could have put their own
 * keys in it. `noWitnesses`: the auditor asks for no co-signatures (those present are still checked).
 */
export function chooseTrust(doc: unknown, given?: GivenTrust, opts: { noWitnesses?: boolean } = {}): TrustChoice {
  const province = isObject(doc) && typeof doc.province === 'string' ? doc.province : undefined;
  const own = ownKeys(doc);
  try {
    if (given && 'anchors' in given) {
      const ring = keyringFrom(given.anchors);
      const mine = province !== undefined ? ring.of(province) : [];
      if (mine.length === 0) {
        return {
          ok: false,
          reason: `信任列表中没有 ${province ?? '?'} 的密钥 the trust list holds no key for province ${province ?? '?'}`,
        };
      }
      return {
        ok: true,
        trust: {
          headKey: (h) => ring.forHead(h),
          // --no-witnesses: the co-signatures present are still checked, none is required
          witnesses: { keys: ring, quorum: opts.noWitnesses ? 0 : given.anchors.cosignatureQuorum },
        },
        source: 'trust-list',
        differsFromExport: own.some((o) => !mine.some((m) => m.kid === o.kid && m.publicKey.equals(o.publicKey))),
      };
    }
    if (given) {
      const key = headKey(given.jwk);
      const kid = typeof given.jwk.kid === 'string' ? given.jwk.kid : undefined;
      return {
        ok: true,
        trust: { headKey: () => key },
        source: 'key',
        ...(kid ? { kid } : {}),
        differsFromExport: !own.some((o) => o.publicKey.equals(key)),
      };
    }
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (own.length === 0) {
    return { ok: false, reason: '导出中没有公钥，请用 --trust 指定 the export carries no public key; pass --trust' };
  }
  const ring = new Keyring(own);
  // a /1 export's single `publicKey` names no validity: it signs any head of the file
  const single = isObject(doc) && !Array.isArray(doc.keys) ? own[0]!.publicKey : undefined;
  return {
    ok: true,
    trust: { headKey: (h) => single ?? ring.forHead(h) },
    source: 'export',
    ...(own.length === 1 && own[0]!.kid ? { kid: own[0]!.kid } : {}),
    differsFromExport: false,
  };
}

/** The export's own copy of its province's keys (/2: `keys`; /1: `publicKey`); none when unusable. */
function ownKeys(doc: unknown): RingKey[] {
  if (!isObject(doc) || typeof doc.province !== 'string') return [];
  const province = doc.province;
  const listed: { kid: unknown; jwk: unknown; validFrom?: unknown; validUntil?: unknown }[] = Array.isArray(doc.keys)
    ? (doc.keys as unknown[]).filter(isObject).map((k) => ({ ...k, kid: k.kid, jwk: k.jwk }))
    : isObject(doc.publicKey)
      ? [{ kid: doc.publicKey.kid ?? '', jwk: doc.publicKey }]
      : [];
  const out: RingKey[] = [];
  for (const k of listed) {
    try {
      if (!isObject(k.jwk)) continue;
      out.push({
        province,
        kid: typeof k.kid === 'string' ? k.kid : '',
        publicKey: headKey(k.jwk),
        validFrom: typeof k.validFrom === 'string' ? k.validFrom : undefined,
        validUntil: typeof k.validUntil === 'string' ? k.validUntil : undefined,
      });
    } catch {
      // an unusable key in the file's own copy is left out: the heads it signed then fail, named
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The verdict and the report as a person reads it, Chinese and English, one finding per line. An
 * export passes when every check holds and the witnesses were checked against the trust list — or the
 * auditor said, with `noWitnesses`, to check the file's own consistency only: without the trust list,
 * a province that rewrote its log and re-signed every head with its own key would pass.
 */
export function verdict(
  check: ExportCheck,
  choice: Extract<TrustChoice, { ok: true }>,
  keySource: string,
  opts: { noWitnesses?: boolean } = {},
): { pass: boolean; lines: string[] } {
  const lines: string[] = [];
  const range = check.range ? `seq ${check.range.fromSeq}..${check.range.toSeq}` : 'range ?';
  lines.push(
    `审计导出校验 audit export check: ${check.format ?? '?'}, province ${check.province ?? '?'}, ${range}, ${check.records} records, ${check.heads} heads`,
  );
  if (choice.source === 'export') {
    lines.push(
      `警告 WARNING: 使用导出文件自带的公钥${choice.kid ? ` (kid ${choice.kid})` : ''}，它本身什么也证明不了；信任须来自区域信任列表 the public key comes from the export itself, which proves nothing by itself — trust must come from the region's trust list: pass --trust <trust list> (GET /api/audit/v1/trust-list)`,
    );
  } else {
    lines.push(`公钥 key: ${keySource}${choice.kid ? ` (kid ${choice.kid})` : ''}`);
    if (choice.differsFromExport) {
      lines.push('注意 note: 导出文件自带的公钥与此不同 the key inside the export differs from this one (ignored)');
    }
  }
  if (choice.source === 'trust-list' && opts.noWitnesses) {
    lines.push('注意 note: --no-witnesses: 不要求见证签名 co-signatures not required');
  }
  const unchecked = check.witnessed === undefined && check.latest !== undefined;
  if (unchecked) {
    lines.push(
      `${opts.noWitnesses ? '注意 note' : '✗'} 见证签名无法校验：未提供区域信任列表 co-signatures cannot be checked without the regional trust list (${choice.source === 'key' ? 'a single key was given' : 'no trust list was given'}): a province that rewrote its log and re-signed every head would pass${opts.noWitnesses ? '; --no-witnesses: not required' : ' — pass --trust <trust list>, or --no-witnesses to check the file on its own'}`,
    );
  }
  const pass = check.ok && (!unchecked || opts.noWitnesses === true);
  if (check.ok) {
    lines.push(`✓ ${check.heads} 个树头签名有效 head signatures valid`);
    if (check.witnessed) {
      lines.push(
        `✓ 树头 head size ${check.witnessed.headSize} 由 ${check.witnessed.witnesses.length} 个其他省见证（须 ${check.witnessed.quorum} 个） co-signed by ${check.witnessed.witnesses.length} other provinces (${check.witnessed.witnesses.join(', ') || 'none'}), ${check.witnessed.quorum} needed`,
      );
    }
    lines.push(`✓ ${check.consistencyProofs} 个一致性证明成立 consistency proofs hold`);
    lines.push(`✓ ${check.records} 条记录完整、有序、均有包含证明 records complete, in order, unaltered, included`);
  }
  for (const f of check.failures) lines.push(`✗ ${describeFailure(f as AuditFailure)} [${f.code}]`);
  if (pass) {
    const latest = check.latest ? ` head size ${check.latest.size}, root ${check.latest.rootHash}` : '';
    lines.push(`通过 OK:${latest}`);
  } else if (check.ok) {
    lines.push('未通过 FAILED: 见证签名未校验 co-signatures not checked');
  } else {
    const first = check.failures[0];
    lines.push(`未通过 FAILED: ${check.failures.length} 处问题 problem(s)${first ? `; first: ${first.entry}` : ''}`);
  }
  return { pass, lines };
}
