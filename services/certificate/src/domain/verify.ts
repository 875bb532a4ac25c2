/**
 * 核验: verifies a presentation with nothing but what a verifier can cache — the regional trust
 * list (province root keys), the key certificates those roots signed, and signed status lists — so
 * it works offline, in any province. It never throws: malformed input is a result with the failed
 * check and a bilingual reason. The result says exactly what was checked, one entry per check:
 *
 *   format            the string is certificate~disclosures~binding and each part decodes
 *   signature         the issuing agency's signature over the certificate
 *   issuerKeyCertified its key has a key certificate for that agency from its province
 *   provinceTrusted   that province's root key is in the trust list
 *   disclosures       each shown field's digest is among the signed ones (and none is repeated)
 *   holderBinding     the binding is signed by a province-certified wallet key and covers exactly
 *                     this certificate and these disclosures (sd_hash)
 *   freshness         issued at most 5 minutes before it expires, not expired, not from the future
 *   audience          meant for this verifier, or for 'any'
 *   singleUse         nonce not seen before — only when the caller gives a nonce register
 *   validity          today (China time) is within the certificate's validity period
 *   status            neither revoked nor suspended, from a list fresh enough to say so
 */
import type { Province } from '@yrd/region';
import { isProvince } from '@yrd/region';
import type { FieldValue } from './catalogue.js';
import { type CertificatePayload, certificateFacts, type StatusEntry } from './certificate.js';
import { decodeDisclosure, disclosureDigest } from './disclosure.js';
import { toBase64url, utf8 } from './encoding.js';
import type { Bilingual } from './errors.js';
import { parseIdentifier } from './identifier.js';
import { checkKey, type Trust } from './key-certificate.js';
import { type BindingPayload, maxPresentationSeconds, suiteOfDigest } from './presentation.js';
import { artefactTypes, openArtefact, verifyArtefact } from './signed.js';
import { notTheListAskedFor, readStatusBit, type VerifiedStatusList } from './status-list.js';
import type { SuiteVerifier } from './suite.js';

export type CheckResult = 'passed' | 'failed' | 'not_checked';
export interface Check {
  result: CheckResult;
  reason?: Bilingual;
}

export const checkNames = [
  'format',
  'signature',
  'issuerKeyCertified',
  'provinceTrusted',
  'disclosures',
  'holderBinding',
  'freshness',
  'audience',
  'singleUse',
  'validity',
  'status',
] as const;
export type CheckName = (typeof checkNames)[number];

export type CertificateStatusState = 'valid' | 'suspended' | 'revoked' | 'unknown';

export interface DisclosedField {
  name: string;
  value: FieldValue;
  digest: string;
  digestOk: boolean;
}

export interface VerificationResult {
  /** every check passed (singleUse may be not_checked when no register was given) */
  valid: boolean;
  checks: Record<CheckName, Check>;
  status: { state: CertificateStatusState; listAgeSeconds?: number };
  certificate?: {
    id: string;
    series: string;
    version: number;
    type: string;
    typeName: string;
    issuer: { province: Province; code: string; name: string };
    holderType: string;
    validFrom: string;
    validUntil: string | null;
  };
  disclosed: DisclosedField[];
  /** the binding's facts, and which province's platform signed it on the holder's behalf */
  presentation?: { jti: string; aud: string; iat: number; exp: number; walletProvince?: Province };
}

/** Remembers nonces until their presentation expires. */
export interface NonceRegister {
  /** true the first time a nonce is offered; false when it was seen before */
  firstUse(jti: string, expiresAt: number): boolean;
}

export interface VerifyOptions {
  trust: Trust;
  /**
   * status lists the verifier holds (fetched now, or cached for offline use): compact signed ones,
   * or ones it verified once with verifyStatusList (faster for many verifications)
   */
  statusLists: readonly (string | VerifiedStatusList)[];
  now: Date;
  verifier: SuiteVerifier;
  /** this verifier's id; a presentation for another audience fails, one for 'any' passes */
  expectedAudience: string;
  seenNonces?: NonceRegister;
  /** seconds a presentation's issue time may lie in the future (clocks differ); default 60 */
  clockSkewSeconds?: number;
}

const r = (zh: string, en: string): Bilingual => ({ zh, en });
const passed: Check = { result: 'passed' };
const failed = (zh: string, en: string): Check => ({ result: 'failed', reason: r(zh, en) });
const notChecked = (zh: string, en: string): Check => ({ result: 'not_checked', reason: r(zh, en) });

export function verifyPresentation(presentation: unknown, opts: VerifyOptions): VerificationResult {
  try {
    return verify(presentation, opts);
  } catch {
    // defensive: a verifier must answer, whatever a caller-supplied port does
    return malformed(r('核验过程出错', 'verification failed unexpectedly'));
  }
}

function malformed(reason: Bilingual): VerificationResult {
  const checks = Object.fromEntries(
    checkNames.map((n) => [n, notChecked('格式无效，未核验', 'not checked: malformed presentation')]),
  ) as Record<CheckName, Check>;
  checks.format = { result: 'failed', reason };
  return { valid: false, checks, status: { state: 'unknown' }, disclosed: [] };
}

function verify(presentation: unknown, opts: VerifyOptions): VerificationResult {
  if (typeof presentation !== 'string' || presentation.length === 0)
    return malformed(r('亮证码为空或不是字符串', 'the presentation is empty or not a string'));
  if (presentation.length > 16_384) return malformed(r('亮证码过长', 'the presentation is too long'));
  const parts = presentation.split('~');
  if (parts.length < 2) return malformed(r('亮证码格式错误', 'a presentation is certificate~disclosures~binding'));
  const credential = parts[0] as string;
  const bindingCompact = parts[parts.length - 1] as string;
  const encodedDisclosures = parts.slice(1, -1);
  const cert = openArtefact(credential, artefactTypes.certificate);
  if (!cert.ok) return malformed(cert.reason);
  const payload = cert.artefact.payload;
  if (!isCertificatePayload(payload)) return malformed(r('证照内容无效', 'the certificate payload is invalid'));
  const binding = openArtefact(bindingCompact, artefactTypes.binding);
  if (!binding.ok) return malformed(binding.reason);
  if (!isBindingPayload(binding.artefact.payload))
    return malformed(r('亮证绑定内容无效', 'the presentation binding payload is invalid'));
  const bound = binding.artefact.payload;
  const decoded = encodedDisclosures.map(decodeDisclosure);
  if (decoded.some((d) => d === undefined)) return malformed(r('披露项无法解码', 'a disclosure cannot be decoded'));

  const now = Math.floor(opts.now.getTime() / 1000);
  const { verifier, trust } = opts;
  const suite = cert.artefact.header.alg;
  const checks = {} as Record<CheckName, Check>;
  const facts = certificateFacts(payload);
  checks.format =
    suiteOfDigest(payload.sd_alg) === suite
      ? passed
      : failed('摘要算法与签名套件不符', 'the digest algorithm does not match the signature suite');

  // the chain: issuer key ← key certificate ← province root in the trust list
  const key = checkKey(
    trust,
    verifier,
    { kid: cert.artefact.header.kid, role: 'issuer', suite, agency: facts.issuerCode, province: payload.province },
    payload.issuedAt,
  );
  checks.provinceTrusted = key.provinceTrusted
    ? passed
    : { result: 'failed', reason: key.reason ?? r('省份不在信任列表中', 'the province is not in the trust list') };
  checks.issuerKeyCertified = key.certified
    ? passed
    : { result: 'failed', reason: key.reason ?? r('发证密钥未经认证', 'the issuer key is not certified') };
  checks.signature = !key.key
    ? failed('找不到发证密钥，无法验签', 'no issuer public key to verify the signature with')
    : verifyArtefact(cert.artefact, verifier, key.key.publicKey)
      ? passed
      : failed(
          '发证单位签名无效：证照被篡改或伪造',
          'the issuer signature is invalid: the certificate was altered or forged',
        );

  // disclosures: each digest among the signed ones, none twice, one value per field name
  const signedDigests = new Set(payload._sd);
  const names = new Set<string>();
  const disclosed: DisclosedField[] = [];
  let disclosureProblem: Check | undefined;
  for (const d of decoded) {
    if (!d) continue;
    const digest = disclosureDigest(verifier, suite, d.encoded);
    const digestOk = signedDigests.has(digest);
    disclosed.push({ name: d.name, value: d.value, digest, digestOk });
    if (!digestOk)
      disclosureProblem ??= failed(
        `字段 ${d.name} 的摘要不在签名中：披露项被更改`,
        `the digest of field ${d.name} is not signed: the disclosure was altered`,
      );
    if (names.has(d.name))
      disclosureProblem ??= failed(`字段 ${d.name} 重复披露`, `field ${d.name} is disclosed twice`);
    names.add(d.name);
  }
  if (new Set(encodedDisclosures).size !== encodedDisclosures.length)
    disclosureProblem ??= failed('披露项重复', 'a disclosure is repeated');
  checks.disclosures = disclosureProblem ?? passed;

  // the holder binding
  const walletKey = checkKey(
    trust,
    verifier,
    { kid: binding.artefact.header.kid, role: 'wallet', suite: binding.artefact.header.alg },
    bound.iat,
  );
  const presented = presentation.slice(0, presentation.length - bindingCompact.length);
  const sdHash = toBase64url(verifier.hash(suite, utf8(presented)));
  if (!walletKey.certified || !walletKey.key)
    checks.holderBinding = {
      result: 'failed',
      reason: walletKey.reason ?? r('亮证签名密钥未经认证', 'the presentation key is not certified'),
    };
  else if (!verifyArtefact(binding.artefact, verifier, walletKey.key.publicKey))
    checks.holderBinding = failed('亮证签名无效', 'the presentation signature is invalid');
  else if (bound.sd_hash !== sdHash)
    checks.holderBinding = failed(
      '亮证内容与签名不符：披露项被增删或替换',
      'the presentation does not match its binding: disclosures were added, removed or swapped',
    );
  else checks.holderBinding = passed;

  // freshness and audience
  const skew = opts.clockSkewSeconds ?? 60;
  if (bound.exp - bound.iat > maxPresentationSeconds || bound.exp <= bound.iat)
    checks.freshness = failed('亮证码有效期超过5分钟', 'a presentation may live at most 5 minutes');
  else if (bound.iat > now + skew)
    checks.freshness = failed('亮证码签发时间在未来', 'the presentation is from the future');
  else if (now > bound.exp) checks.freshness = failed('亮证码已过期', 'the presentation has expired');
  else checks.freshness = passed;
  checks.audience =
    bound.aud === 'any' || bound.aud === opts.expectedAudience
      ? passed
      : failed(`亮证码不是出示给本核验方的（${bound.aud}）`, `the presentation is for another verifier (${bound.aud})`);

  // single use, only when a register is given and the presentation is authentic (garbage is not recorded)
  const authentic = checks.signature.result === 'passed' && checks.holderBinding.result === 'passed';
  if (!opts.seenNonces) checks.singleUse = notChecked('未提供防重放登记', 'not checked: no nonce register given');
  else if (!authentic)
    checks.singleUse = notChecked('亮证码未通过验签，不登记', 'not checked: the presentation is not authentic');
  else
    checks.singleUse = opts.seenNonces.firstUse(bound.jti, bound.exp)
      ? passed
      : failed('亮证码已被使用过（重放）', 'the presentation was used before (replay)');

  // validity period, in China time (dates on certificates are Beijing dates)
  const today = new Date((now + 8 * 3600) * 1000).toISOString().slice(0, 10);
  if (today < payload.validFrom)
    checks.validity = failed(`证照自 ${payload.validFrom} 起有效`, `valid from ${payload.validFrom}`);
  else if (payload.validUntil !== null && today > payload.validUntil)
    checks.validity = failed(`证照已于 ${payload.validUntil} 到期`, `the certificate expired on ${payload.validUntil}`);
  else checks.validity = passed;

  // status, from the province's signed lists
  const status = statusOf(facts.statusEntry, opts, now);
  checks.status = status.check;

  const valid = checkNames.every((n) => checks[n].result === 'passed' || (n === 'singleUse' && !opts.seenNonces));
  return {
    valid,
    checks,
    status: status.summary,
    certificate: {
      id: payload.id,
      series: facts.series,
      version: facts.version,
      type: facts.typeCode,
      typeName: payload.typeName,
      issuer: { province: payload.province, code: facts.issuerCode, name: key.key?.name ?? '' },
      holderType: payload.holder.type,
      validFrom: payload.validFrom,
      validUntil: payload.validUntil,
    },
    disclosed,
    presentation: {
      jti: bound.jti,
      aud: bound.aud,
      iat: bound.iat,
      exp: bound.exp,
      ...(walletKey.certified && walletKey.key ? { walletProvince: walletKey.key.province } : {}),
    },
  };
}

function statusOf(
  entry: StatusEntry,
  opts: VerifyOptions,
  now: number,
): { check: Check; summary: VerificationResult['status'] } {
  const reads = (['revocation', 'suspension'] as const).map((purpose) => {
    let last: Bilingual = r(`没有 ${purpose} 状态列表`, `no ${purpose} status list held`);
    for (const list of opts.statusLists) {
      const read = readStatusBit(list, { ...entry, purpose }, opts.trust.provinces, opts.verifier);
      if (read.ok) return read;
      if (read.reason !== notTheListAskedFor) last = read.reason;
    }
    return { ok: false as const, reason: last };
  });
  const [revocation, suspension] = reads as [(typeof reads)[number], (typeof reads)[number]];
  if (revocation.ok && revocation.set)
    return {
      check: failed('证照已注销或已被新版本取代', 'the certificate is revoked or superseded by a newer version'),
      summary: { state: 'revoked', listAgeSeconds: now - revocation.issuedAt },
    };
  if (suspension.ok && suspension.set)
    return {
      check: failed('证照已中止', 'the certificate is suspended'),
      summary: { state: 'suspended', listAgeSeconds: now - suspension.issuedAt },
    };
  if (!revocation.ok || !suspension.ok) {
    const reason = (!revocation.ok ? revocation.reason : !suspension.ok ? suspension.reason : undefined) as Bilingual;
    return { check: { result: 'failed', reason }, summary: { state: 'unknown' } };
  }
  const age = now - Math.min(revocation.issuedAt, suspension.issuedAt);
  if (now > revocation.validUntil || now > suspension.validUntil)
    return {
      check: failed('缓存的状态列表已过期，状态未知', 'the cached status list is stale: status unknown'),
      summary: { state: 'unknown', listAgeSeconds: age },
    };
  return { check: passed, summary: { state: 'valid', listAgeSeconds: age } };
}

function isCertificatePayload(v: unknown): v is CertificatePayload {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const holder = c.holder as Record<string, unknown> | undefined;
  const status = c.status as Record<string, unknown> | undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/;
  return (
    typeof c.id === 'string' &&
    parseIdentifier(c.id) !== undefined &&
    typeof c.typeName === 'string' &&
    isProvince(c.province) &&
    typeof holder === 'object' &&
    holder !== null &&
    typeof holder.type === 'string' &&
    typeof holder.ref === 'string' &&
    typeof holder.keyId === 'string' &&
    Number.isInteger(c.issuedAt) &&
    typeof c.validFrom === 'string' &&
    date.test(c.validFrom) &&
    (c.validUntil === null || (typeof c.validUntil === 'string' && date.test(c.validUntil))) &&
    typeof status === 'object' &&
    status !== null &&
    typeof status.list === 'string' &&
    Number.isInteger(status.index) &&
    (c.sd_alg === 'sha-256' || c.sd_alg === 'sm3') &&
    Array.isArray(c._sd) &&
    c._sd.every((d) => typeof d === 'string')
  );
}

function isBindingPayload(v: unknown): v is BindingPayload {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return (
    typeof b.jti === 'string' &&
    b.jti.length >= 16 &&
    typeof b.aud === 'string' &&
    Number.isInteger(b.iat) &&
    Number.isInteger(b.exp) &&
    typeof b.sd_hash === 'string'
  );
}
