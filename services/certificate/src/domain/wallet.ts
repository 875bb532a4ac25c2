/**
 * The holder's wallet view (我的证照): what a holder sees of each certificate they hold — its name,
 * issuer, version, validity, whether it is usable now, the "disputed" mark, and the fields they may
 * choose to show (the 亮证 choices). Built from what the service stores; no secret is in it, and the
 * field values stay in the disclosures the wallet keeps until the holder presents one.
 */
import type { CertificateType } from './catalogue.js';
import { type CertificatePayload, certificateFacts } from './certificate.js';
import { isDisputed } from './dispute.js';
import type { Bilingual } from './errors.js';
import type { CertificateState, CertificateStatus } from './lifecycle.js';

export interface WalletEntry {
  id: string;
  series: string;
  version: number;
  typeCode: string;
  name: Bilingual;
  issuer: { province: string; code: string; name: string };
  status: CertificateStatus;
  /** past its validity period today (China time) */
  expired: boolean;
  /** usable for 亮证: active and within its validity period */
  presentable: boolean;
  disputed: boolean;
  validFrom: string;
  validUntil: string | null;
  /** the fields the holder may choose to disclose, in catalogue order, with their labels */
  fields: { name: string; label: Bilingual; personalInfo: boolean }[];
}

export interface WalletRecord {
  payload: CertificatePayload;
  state: CertificateState;
  type: CertificateType;
  /** names of the fields the certificate carries (its disclosures) */
  fieldNames: readonly string[];
}

/**
 * The holder's list: current versions only (a superseded version is history, not a certificate to
 * show), usable ones first, then by name.
 */
export function walletView(records: readonly WalletRecord[], now: Date): WalletEntry[] {
  const today = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  return records
    .filter((r) => r.state.status !== 'superseded')
    .map((r): WalletEntry => {
      const facts = certificateFacts(r.payload);
      const expired = r.payload.validUntil !== null && today > r.payload.validUntil;
      const carried = new Set(r.fieldNames);
      return {
        id: r.payload.id,
        series: facts.series,
        version: facts.version,
        typeCode: facts.typeCode,
        name: r.type.name,
        issuer: { province: r.payload.province, code: facts.issuerCode, name: r.type.issuer.name },
        status: r.state.status,
        expired,
        presentable: r.state.status === 'active' && !expired && today >= r.payload.validFrom,
        disputed: isDisputed(r.state),
        validFrom: r.payload.validFrom,
        validUntil: r.payload.validUntil,
        fields: r.type.fields
          .filter((f) => carried.has(f.name))
          .map((f) => ({ name: f.name, label: f.label, personalInfo: f.personalInfo })),
      };
    })
    .sort((a, b) => Number(b.presentable) - Number(a.presentable) || a.name.zh.localeCompare(b.name.zh, 'zh'));
}
