/**
 * 制发: the signed certificate document. What the issuing agency signs (GB/T 36903 base metadata
 * where it has a place, SD-JWT for the fields):
 *   id                     the 电子证照标识 of this version (identifier.ts); it already holds the
 *                          证照类型代码, the 颁发机构's credit code, the series and the version, so
 *                          they are not repeated (a presentation must fit a QR code)
 *   typeName               证照名称
 *   province               the issuer's province; the 颁发机构 name travels in its key certificate
 *   holder                 持证主体: its category and a keyed reference (@yrd/region SubjectRefs,
 *                          HMAC under the regional subject key) — never the ID number or credit
 *                          code itself, which the holder discloses as a field when they choose to
 *   issuedAt, validFrom, validUntil (null = 长期)
 *   status                 the province's status list pair and this version's random index
 *   sd_alg, _sd            the digest algorithm and the sorted digests of the field disclosures
 *   supersedes             the identifier of the version this one replaces (更新), if any
 * The issuer signs under its key (kid), which the province certified (key-certificate.ts).
 */
import type { Province } from '@yrd/region';
import {
  type CertificateType,
  checkCertificateData,
  type FieldValue,
  type HolderType,
  holderTypes,
} from './catalogue.js';
import { type Disclosure, disclosureDigest, makeDisclosure, minSaltBytes } from './disclosure.js';
import { certificateErrorCodes, refusal } from './errors.js';
import { formatIdentifier, parseIdentifier, seriesOf } from './identifier.js';
import type { KeyCertificatePayload } from './key-certificate.js';
import { artefactTypes, signArtefact } from './signed.js';
import { digestAlgorithm, type SuiteSigner, type SuiteVerifier } from './suite.js';

export interface HolderReference {
  type: HolderType;
  /** the key id of the regional subject key the reference was made under */
  keyId: string;
  ref: string;
}

export interface StatusEntry {
  province: Province;
  list: string;
  index: number;
}

export interface CertificatePayload {
  id: string;
  typeName: string;
  province: Province;
  holder: HolderReference;
  issuedAt: number;
  validFrom: string;
  validUntil: string | null;
  /** the index in the issuer province's status list pair `list` */
  status: { list: string; index: number };
  sd_alg: 'sha-256' | 'sm3';
  _sd: string[];
  supersedes?: string;
}

export interface IssueInput {
  type: CertificateType;
  data: unknown;
  holder: HolderReference;
  /** the year and per-year serial the issuer's counter gave, and the version (1 unless 更新) */
  year: number;
  serial: number;
  version: number;
  supersedes?: string;
  validFrom: string;
  /** an earlier end than the type's rule gives, if the issuer sets one */
  validUntil?: string;
  status: StatusEntry;
  /** the issuer's signing key and the key certificate its province gave it */
  signer: SuiteSigner;
  signerKey: KeyCertificatePayload;
}

export interface IssueContext {
  now: Date;
  randomBytes: (n: number) => Uint8Array;
  verifier: SuiteVerifier;
}

export interface IssuedCertificate {
  /** the compact signed certificate (issuer-signed part of a presentation) */
  credential: string;
  payload: CertificatePayload;
  /** every field's disclosure: the holder's wallet keeps them, the verifier sees those shown */
  disclosures: Disclosure[];
}

export function issueCertificate(input: IssueInput, ctx: IssueContext): IssuedCertificate {
  const { type, signer, signerKey } = input;
  const data = checkCertificateData(type, input.data);
  if (input.holder.type !== type.holderType || !(holderTypes as readonly string[]).includes(input.holder.type))
    throw refusal(
      certificateErrorCodes.invalidData,
      'invalid',
      `持证主体类型应为 ${type.holderType}`,
      `the holder must be a ${type.holderType}`,
    );
  if (
    signerKey.role !== 'issuer' ||
    signerKey.agency !== type.issuer.creditCode ||
    signerKey.province !== type.issuer.province
  )
    throw refusal(
      certificateErrorCodes.issuerMismatch,
      'forbidden',
      '签名密钥不属于该证照的发证单位',
      'the signing key does not belong to the issuer of this certificate type',
    );
  const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
  if (
    signerKey.kid !== signer.kid ||
    signerKey.suite !== signer.suite ||
    signerKey.publicKey !== signer.publicKey ||
    nowSeconds < signerKey.notBefore ||
    nowSeconds > signerKey.notAfter
  )
    throw refusal(
      certificateErrorCodes.keyNotCertified,
      'forbidden',
      '签名密钥未经省级认证或已过有效期',
      'the signing key is not certified by the province for this time',
    );
  if (input.status.province !== type.issuer.province)
    throw refusal(
      certificateErrorCodes.invalidInput,
      'invalid',
      '状态列表须属于发证单位所在省份',
      'the status list belongs to the issuer’s province',
    );
  const validUntil = validUntilOf(type, input.validFrom, input.validUntil);
  const disclosures = Object.entries(data).map(([name, value]: [string, FieldValue]) =>
    makeDisclosure(ctx.randomBytes(minSaltBytes), name, value),
  );
  const parts = {
    typeCode: type.typeCode,
    issuerCode: type.issuer.creditCode,
    year: input.year,
    serial: input.serial,
    version: input.version,
  };
  const payload: CertificatePayload = {
    id: formatIdentifier(parts),
    typeName: type.name.zh,
    province: type.issuer.province,
    holder: input.holder,
    issuedAt: nowSeconds,
    validFrom: input.validFrom,
    validUntil,
    status: { list: input.status.list, index: input.status.index },
    sd_alg: digestAlgorithm[signer.suite],
    _sd: disclosures.map((d) => disclosureDigest(ctx.verifier, signer.suite, d.encoded)).sort(),
    ...(input.supersedes ? { supersedes: input.supersedes } : {}),
  };
  return { credential: signArtefact(signer, artefactTypes.certificate, payload), payload, disclosures };
}

/** What a certificate's identifier and province say: its type, issuer, series, version, status entry. */
export function certificateFacts(payload: Pick<CertificatePayload, 'id' | 'province' | 'status'>): {
  typeCode: string;
  issuerCode: string;
  series: string;
  version: number;
  statusEntry: StatusEntry;
} {
  const parts = parseIdentifier(payload.id);
  if (!parts)
    throw refusal(certificateErrorCodes.invalidIdentifier, 'invalid', '证照标识无效', 'invalid certificate identifier');
  return {
    typeCode: parts.typeCode,
    issuerCode: parts.issuerCode,
    series: seriesOf(parts),
    version: parts.version,
    statusEntry: { province: payload.province, ...payload.status },
  };
}

/** The end of validity: the issuer's date if earlier than the type's rule allows, else the rule's. */
export function validUntilOf(type: CertificateType, validFrom: string, given?: string): string | null {
  const byRule = type.validity.kind === 'long_term' ? null : addMonths(validFrom, type.validity.months);
  if (given === undefined) return byRule;
  if (given < validFrom || (byRule !== null && given > byRule))
    throw refusal(
      certificateErrorCodes.invalidData,
      'invalid',
      '有效期截止日期超出目录规定',
      'the end of validity is outside what the certificate type allows',
    );
  return given;
}

/** YYYY-MM-DD plus n months, the day before the same day (a 1-year licence from 03-05 ends 03-04). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y, m - 1 + months, d));
  // 01-31 + 1 month overflows into March: clamp to the month's last day, as a calendar would
  if (end.getUTCDate() !== d) end.setUTCDate(0);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}
