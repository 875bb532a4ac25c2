/**
 * The certification chain (证书链): a province's root key — published in the regional trust list
 * (区域信任列表) every province already keeps — signs a key certificate for each key that acts in its
 * name: an issuing agency's signing key (`issuer`, naming the agency) and the province platform's
 * wallet key that signs holders' presentations (`wallet`). A verifier that trusts the province's
 * root key therefore trusts a 浙江 agency's certificate in 上海 without having met the agency.
 *
 * A key certificate says: {role, province, agency, name, kid, suite, publicKey, notBefore, notAfter}.
 * Offline verifiers cache them together with the trust list; they are small and public.
 */
import { isProvince, type Province } from '@yrd/region';
import type { Bilingual } from './errors.js';
import { artefactTypes, openArtefact, signArtefact, verifyArtefact } from './signed.js';
import { isSuite, type Suite, type SuiteSigner, type SuiteVerifier } from './suite.js';

export const keyRoles = ['issuer', 'wallet'] as const;
export type KeyRole = (typeof keyRoles)[number];

/** A province's root public key as the regional trust list carries it. */
export interface ProvinceKey {
  province: Province;
  kid: string;
  suite: Suite;
  publicKey: string;
}

export interface KeyCertificatePayload {
  role: KeyRole;
  province: Province;
  /** the issuing agency's credit code; null for the platform's wallet key */
  agency: string | null;
  /** the agency's name (颁发机构名称), or the platform's, shown to verifiers */
  name: string;
  kid: string;
  suite: Suite;
  publicKey: string;
  /** seconds since the epoch */
  notBefore: number;
  notAfter: number;
}

/** The province signs a key certificate with its root key. */
export function certifyKey(provinceRoot: SuiteSigner, payload: KeyCertificatePayload): string {
  return signArtefact(provinceRoot, artefactTypes.keyCertificate, payload);
}

/** The trust material a verifier holds: the regional trust list and cached key certificates. */
export interface Trust {
  provinces: readonly ProvinceKey[];
  keyCertificates: readonly string[];
}

/** What a verifier learns about a signing key: which checks of the chain held. */
export interface KeyCheck {
  /** a key certificate for this kid, signed by its province's root key, within its dates */
  certified: boolean;
  /** the certifying province's root key is in the trust list */
  provinceTrusted: boolean;
  key?: KeyCertificatePayload;
  reason?: Bilingual;
}

/**
 * Finds and checks the key certificate for `kid` with the expected role (and agency, for issuer
 * keys). A certificate whose signature does not verify under a trusted root is ignored, so a forged
 * key certificate for the same kid cannot shadow the real one.
 */
export function checkKey(
  trust: Trust,
  verifier: SuiteVerifier,
  want: { kid: string; role: KeyRole; suite: Suite; agency?: string; province?: Province },
  nowSeconds: number,
): KeyCheck {
  let sawUntrustedProvince: KeyCertificatePayload | undefined;
  let sawBadSignature = false;
  let outOfDates: KeyCertificatePayload | undefined;
  let mismatch: KeyCertificatePayload | undefined;
  for (const compact of trust.keyCertificates) {
    const opened = openArtefact(compact, artefactTypes.keyCertificate);
    if (!opened.ok) continue;
    const payload = opened.artefact.payload;
    if (!isKeyCertificatePayload(payload) || payload.kid !== want.kid) continue;
    const root = trust.provinces.find(
      (p) =>
        p.province === payload.province &&
        p.kid === opened.artefact.header.kid &&
        p.suite === opened.artefact.header.alg,
    );
    if (!root) {
      sawUntrustedProvince = payload;
      continue;
    }
    if (!verifyArtefact(opened.artefact, verifier, root.publicKey)) {
      sawBadSignature = true;
      continue;
    }
    if (
      payload.role !== want.role ||
      payload.suite !== want.suite ||
      (want.agency !== undefined && payload.agency !== want.agency) ||
      (want.province !== undefined && payload.province !== want.province)
    ) {
      mismatch = payload;
      continue;
    }
    if (nowSeconds < payload.notBefore || nowSeconds > payload.notAfter) {
      outOfDates = payload;
      continue;
    }
    return { certified: true, provinceTrusted: true, key: payload };
  }
  if (mismatch)
    return {
      certified: false,
      provinceTrusted: true,
      key: mismatch,
      reason: {
        zh: '密钥证书的角色、机构、省份或算法套件与签名不符',
        en: 'the key certificate does not cover this role, agency, province or suite',
      },
    };
  if (outOfDates)
    return {
      certified: false,
      provinceTrusted: true,
      key: outOfDates,
      reason: { zh: '签名时密钥证书不在有效期内', en: 'the key certificate is not valid at this time' },
    };
  if (sawBadSignature)
    return {
      certified: false,
      provinceTrusted: true,
      reason: { zh: '密钥证书的省级签名无效', en: 'the province signature on the key certificate is invalid' },
    };
  if (sawUntrustedProvince)
    return {
      certified: false,
      provinceTrusted: false,
      key: sawUntrustedProvince,
      reason: {
        zh: `省份 ${sawUntrustedProvince.province} 的根密钥不在信任列表中`,
        en: `the root key of province ${sawUntrustedProvince.province} is not in the trust list`,
      },
    };
  return {
    certified: false,
    provinceTrusted: false,
    reason: {
      zh: `密钥 ${want.kid} 没有经省级认证的密钥证书`,
      en: `key ${want.kid} has no province-certified key certificate`,
    },
  };
}

export function isKeyCertificatePayload(v: unknown): v is KeyCertificatePayload {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Record<string, unknown>;
  return (
    (keyRoles as readonly string[]).includes(k.role as string) &&
    isProvince(k.province) &&
    (k.agency === null || typeof k.agency === 'string') &&
    typeof k.name === 'string' &&
    typeof k.kid === 'string' &&
    isSuite(k.suite) &&
    typeof k.publicKey === 'string' &&
    Number.isInteger(k.notBefore) &&
    Number.isInteger(k.notAfter)
  );
}
