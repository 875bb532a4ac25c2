// Checking an audit export offline. Pure: the parsed document and the key come in, a verdict that
// names every failing entry comes out; reading files, printing and exit codes are the CLI's business.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { auditExportSchema, EXPORT_FORMAT } from './export.js';
import { verifyConsistency, verifyInclusion } from './merkle.js';
import type { AuditRecordFields } from './record.js';
import type { SignedTreeHead } from './tree-head.js';
import { verifyTreeHead } from './tree-head.js';
import {
  type AuditFailure,
  checkRecord,
  describeFailure,
  headEntry,
  headForged,
  headOfOtherProvince,
  recordDuplicated,
  recordsMissing,
  recordsReordered,
  type StoredAuditRecord,
} from './verify.js';

export interface ExportCheck {
  ok: boolean;
  format?: string;
  province?: string;
  range?: { fromSeq: number; toSeq: number };
  records: number;
  heads: number;
  consistencyProofs: number;
  /** the largest head whose signature holds */
  latest?: { size: number; rootHash: string };
  /** every failing entry, heads first, then records by seq, then consistency between heads */
  failures: AuditFailure[];
}

const unhex = (s: string): Buffer => Buffer.from(/^[0-9a-f]*$/.test(s) && s.length % 2 === 0 ? s : '', 'hex');

/**
 * Checks an export against the province's public key:
 *  - the document has the `yrd-audit-export/1` shape (EXPORT_MALFORMED, naming the place);
 *  - every head is signed by the key and is for the export's province (HEAD_SIGNATURE_INVALID,
 *    HEAD_MISMATCH; two signed heads of one size with different roots are a fork, HEAD_MISMATCH);
 *  - every seq of the range is there once and in order (SEQUENCE_GAP: missing, duplicated, reordered);
 *  - each record's leaf, recomputed from its fields with the log's canonical encoding, equals its
 *    leaf hash and the fields carry its seq (RECORD_ALTERED, or a reordered pair);
 *  - each record's inclusion proof leads from that recomputed leaf to the root of a signed head
 *    (INCLUSION_INVALID; HEAD_MISSING when no exported head is the one it is proven against);
 *  - each consecutive pair of heads is consistent: the later tree extends the earlier one
 *    (CONSISTENCY_INVALID).
 * Goes on after a failure so that the report lists them all; a record that already failed is not
 * checked further, and nothing is checked against a head whose signature failed (already reported).
 */
export function checkExport(doc: unknown, publicKey: KeyObject): ExportCheck {
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
  if (x.format !== EXPORT_FORMAT) {
    return malformed('format', `不支持的格式 unknown format ${x.format}; this verifier reads ${EXPORT_FORMAT}`);
  }
  if (x.range.fromSeq > x.range.toSeq) {
    return malformed('range', `范围无效 range ${x.range.fromSeq}..${x.range.toSeq} is empty`);
  }

  const failures: AuditFailure[] = [];
  const seen = new Set<string>();
  const report = (f: AuditFailure) => {
    const key = `${f.code} ${f.entry}`;
    if (!seen.has(key)) {
      seen.add(key);
      failures.push(f);
    }
  };

  // Heads: the trust anchors, so they are judged first.
  const heads = [...x.heads].sort((a, b) => a.size - b.size) as SignedTreeHead[];
  const valid = new Map<number, SignedTreeHead>();
  const forged = new Set<number>();
  for (const h of heads) {
    if (!verifyTreeHead(h, publicKey)) {
      report(headForged(h));
      forged.add(h.size);
      continue;
    }
    if (h.province !== x.province) {
      report(headOfOtherProvince(h, x.province));
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

  // Records: each seq of the range once, in order, intact, and proven to be in a signed tree.
  const bySeq = new Map<number, StoredAuditRecord>();
  const recordFailures: AuditFailure[] = [];
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
    const checked = checkRecord(r, storedAt);
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
    if (!verifyInclusion(checked.leaf, r.seq, head.size, proof.path.map(unhex), unhex(head.rootHash))) {
      recordFailures.push({
        code: 'AUDIT.INCLUSION_INVALID',
        entry: `seq ${r.seq}`,
        seq: r.seq,
        eventId,
        headSize: head.size,
        reason: `包含证明推不出树头 size ${head.size} 的根（记录连同叶哈希被改，或证明被改） inclusion proof does not lead to the root of head size ${head.size} (the record was altered together with its leaf hash, or the proof was)`,
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
      p !== undefined && verifyConsistency(a.size, b.size, unhex(a.rootHash), unhex(b.rootHash), p.path.map(unhex));
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

  const latest = [...valid.values()].at(-1);
  return {
    ...base,
    ok: failures.length === 0,
    ...(latest ? { latest: { size: latest.size, rootHash: latest.rootHash } } : {}),
    failures,
  };
}

function placeOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || 'export';
}

/** Where the public key came from: only a trust list (or a key taken from it) makes it trusted. */
export type KeyChoice =
  | { ok: true; key: KeyObject; kid?: string; trusted: boolean; differsFromExport: boolean }
  | { ok: false; reason: string };

/**
 * Chooses the key to check with. `trusted` is the parsed content of the file given with --key: a
 * public JWK, or the regional trust list (public JWKs by province), from which the export's province
 * is taken. Without it the export's own key is used — which proves only that the file is consistent
 * with itself, since whoever forged the file could have put their own key in it.
 */
export function chooseKey(doc: unknown, trusted?: unknown): KeyChoice {
  const own = isObject(doc) && isObject(doc.publicKey) ? doc.publicKey : undefined;
  const province = isObject(doc) && typeof doc.province === 'string' ? doc.province : undefined;
  let jwk: Record<string, unknown> | undefined;
  if (trusted === undefined) {
    if (!own)
      return { ok: false, reason: '导出中没有公钥，请用 --key 指定 the export carries no public key; pass --key' };
    jwk = own;
  } else if (isObject(trusted) && typeof trusted.kty === 'string') {
    jwk = trusted;
  } else if (isObject(trusted) && province !== undefined && isObject(trusted[province])) {
    jwk = trusted[province] as Record<string, unknown>;
  } else {
    return {
      ok: false,
      reason: `密钥文件既不是 JWK，也不是含 ${province ?? '?'} 的信任列表 the key file is neither a JWK nor a trust list with a key for province ${province ?? '?'}`,
    };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (e) {
    return { ok: false, reason: `公钥无效 not a usable public key: ${(e as Error).message}` };
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return {
      ok: false,
      reason: `公钥不是 Ed25519 the key is ${String(key.asymmetricKeyType)}, heads are signed with Ed25519`,
    };
  }
  return {
    ok: true,
    key,
    ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}),
    trusted: trusted !== undefined,
    differsFromExport: trusted !== undefined && (own === undefined || own.x !== jwk.x),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The report as a person reads it, Chinese and English, one finding per line. */
export function reportLines(check: ExportCheck, key: Extract<KeyChoice, { ok: true }>, keySource: string): string[] {
  const lines: string[] = [];
  const range = check.range ? `seq ${check.range.fromSeq}..${check.range.toSeq}` : 'range ?';
  lines.push(
    `审计导出校验 audit export check: ${check.format ?? '?'}, province ${check.province ?? '?'}, ${range}, ${check.records} records, ${check.heads} heads`,
  );
  if (key.trusted) {
    lines.push(`公钥 key: ${keySource}${key.kid ? ` (kid ${key.kid})` : ''}`);
    if (key.differsFromExport) {
      lines.push('注意 note: 导出文件自带的公钥与此不同 the key inside the export differs from this one (ignored)');
    }
  } else {
    lines.push(
      `警告 WARNING: 使用导出文件自带的公钥${key.kid ? ` (kid ${key.kid})` : ''}，它本身什么也证明不了；信任须来自区域信任列表 the public key comes from the export itself, which proves nothing by itself — trust must come from the region's trust list: pass --key <trust list or JWK file>`,
    );
  }
  if (check.ok) {
    lines.push(`✓ ${check.heads} 个树头签名有效 head signatures valid`);
    lines.push(`✓ ${check.consistencyProofs} 个一致性证明成立 consistency proofs hold`);
    lines.push(`✓ ${check.records} 条记录完整、有序、均有包含证明 records complete, in order, unaltered, included`);
    const latest = check.latest ? ` head size ${check.latest.size}, root ${check.latest.rootHash}` : '';
    lines.push(`通过 OK:${latest}`);
    return lines;
  }
  for (const f of check.failures) lines.push(`✗ ${describeFailure(f)} [${f.code}]`);
  const first = check.failures[0];
  lines.push(`未通过 FAILED: ${check.failures.length} 处问题 problem(s)${first ? `; first: ${first.entry}` : ''}`);
  return lines;
}
