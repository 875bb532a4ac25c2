/**
 * Test-only builders: a small Yangtze Delta with synthetic agencies and holders — 浙江 issues, 上海
 * verifies — for either suite, so every test reads as the story it tells instead of literals.
 */
import { generateSubjectKeyring, makeCreditCode, type Province, SubjectRefs } from '@yrd/region';
import { type CertificateType, type CertificateTypeInput, parseCertificateType } from '../domain/catalogue.js';
import { certificateFacts, type IssuedCertificate, issueCertificate } from '../domain/certificate.js';
import { certifyKey, type KeyCertificatePayload, type ProvinceKey, type Trust } from '../domain/key-certificate.js';
import { issued } from '../domain/lifecycle.js';
import { createPresentation } from '../domain/presentation.js';
import { type Bitstring, encodeBitstring, newBitstring, signStatusList } from '../domain/status-list.js';
import type { Suite, SuiteSigner } from '../domain/suite.js';
import type { NonceRegister } from '../domain/verify.js';
import { generateSigner, testRandomBytes, testVerifier } from './suites.js';

export const t0 = new Date('2026-12-05T02:00:00Z');
export const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
export const plus = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/** 浙江省市场监督管理局 (synthetic code) and a synthetic company it registered. */
export const zjAmrCode = makeCreditCode('11', '330000', '002482900');
export const samrCode = makeCreditCode('11', '100000', '000013338');
export const companyCode = makeCreditCode('91', '330106', 'MA2H8QK01');

export function businessLicenceInput(overrides: Partial<CertificateTypeInput> = {}): CertificateTypeInput {
  const f = (name: string, zh: string, en: string, extra: Record<string, unknown> = {}) => ({
    name,
    label: { zh, en },
    grade: 'general' as const,
    subLevel: 1,
    ...extra,
  });
  return {
    typeCode: `${samrCode}032`,
    name: { zh: '营业执照', en: 'Business licence' },
    issuer: { province: 'zj', creditCode: zjAmrCode, name: '浙江省市场监督管理局' },
    holderType: 'legal_person',
    standardLevel: 'national',
    collectionStart: '2019-01-01',
    publicAttribute: 'public',
    validity: { kind: 'long_term' },
    fields: [
      f('credit_code', '统一社会信用代码', 'Unified social credit code', { piiKind: 'credit_code' }),
      f('entity_name', '名称', 'Name'),
      f('entity_type', '类型', 'Type'),
      f('legal_representative', '法定代表人', 'Legal representative', {
        subLevel: 2,
        personalInfo: true,
        piiKind: 'name',
      }),
      f('business_scope', '经营范围', 'Business scope'),
      f('registered_capital', '注册资本', 'Registered capital'),
      f('established_on', '成立日期', 'Date of establishment', { type: 'date' }),
      f('term_until', '营业期限', 'Term of operation', { required: false }),
      f('address', '住所', 'Domicile', { subLevel: 2, piiKind: 'address' }),
      f('registration_authority', '登记机关', 'Registration authority'),
    ],
    ...overrides,
  };
}

export const licenceData = {
  credit_code: companyCode,
  entity_name: '杭州示例数据科技有限公司',
  entity_type: '有限责任公司（自然人投资或控股）',
  legal_representative: '测试甲',
  business_scope: '技术服务、技术开发、技术咨询；数据处理服务；软件开发',
  registered_capital: '500万元人民币',
  established_on: '2021-03-15',
  term_until: '长期',
  address: '浙江省杭州市西湖区示例路1号',
  registration_authority: '杭州市西湖区市场监督管理局',
};

export interface World {
  suite: Suite;
  zjRoot: SuiteSigner;
  shRoot: SuiteSigner;
  issuer: SuiteSigner;
  issuerKey: KeyCertificatePayload;
  wallet: SuiteSigner;
  walletKey: KeyCertificatePayload;
  trust: Trust;
  type: CertificateType;
  refs: SubjectRefs;
  holderRef: { type: 'legal_person'; keyId: string; ref: string };
  revocation: Bitstring;
  suspension: Bitstring;
  statusLists(at?: Date, ttlSeconds?: number): string[];
  issue(over?: { index?: number; serial?: number; data?: Record<string, unknown> }): IssuedCertificate;
  present(
    cert: IssuedCertificate,
    reveal: readonly string[],
    over?: { at?: Date; audience?: string; lifetime?: number; wallet?: SuiteSigner },
  ): string;
  nonces(): NonceRegister;
}

const keyCert = (
  role: 'issuer' | 'wallet',
  province: Province,
  agency: string | null,
  s: SuiteSigner,
): KeyCertificatePayload => ({
  role,
  province,
  agency,
  name: role === 'issuer' ? '浙江省市场监督管理局' : '浙里办',
  kid: s.kid,
  suite: s.suite,
  publicKey: s.publicKey,
  notBefore: seconds(t0) - 86_400 * 365,
  notAfter: seconds(t0) + 86_400 * 365,
});

export const provinceKey = (province: Province, s: SuiteSigner): ProvinceKey => ({
  province,
  kid: s.kid,
  suite: s.suite,
  publicKey: s.publicKey,
});

/**
 * 浙江 (the issuer's province) runs `suite`; 上海, where the verifier sits, runs the other one, so
 * every test also crosses suites.
 */
export function buildWorld(suite: Suite): World {
  const other: Suite = suite === 'sm2-sm3' ? 'ed25519-sha256' : 'sm2-sm3';
  const zjRoot = generateSigner(suite, 'zj-root-1');
  const shRoot = generateSigner(other, 'sh-root-1');
  const issuer = generateSigner(suite, 'zj-amr-2026');
  const wallet = generateSigner(suite, 'zj-wallet-1');
  const issuerKey = keyCert('issuer', 'zj', zjAmrCode, issuer);
  const walletKey = keyCert('wallet', 'zj', null, wallet);
  const trust: Trust = {
    provinces: [provinceKey('zj', zjRoot), provinceKey('sh', shRoot)],
    keyCertificates: [certifyKey(zjRoot, issuerKey), certifyKey(zjRoot, walletKey)],
  };
  const refs = new SubjectRefs(generateSubjectKeyring());
  const ref = refs.ofKey({ credit_code: companyCode });
  let serial = 0;
  const world: World = {
    suite,
    zjRoot,
    shRoot,
    issuer,
    issuerKey,
    wallet,
    walletKey,
    trust,
    type: parseCertificateType(businessLicenceInput()),
    refs,
    holderRef: { type: 'legal_person', keyId: ref.keyId, ref: ref.ref },
    revocation: newBitstring(),
    suspension: newBitstring(),
    statusLists(at = t0, ttlSeconds = 3600) {
      return (['revocation', 'suspension'] as const).map((purpose) =>
        signStatusList(zjRoot, {
          province: 'zj',
          list: 'zj-1',
          purpose,
          size: world.revocation.length * 8,
          encodedList: encodeBitstring(purpose === 'revocation' ? world.revocation : world.suspension),
          issuedAt: seconds(at),
          validUntil: seconds(at) + ttlSeconds,
        }),
      );
    },
    issue(over = {}) {
      serial += 1;
      return issueCertificate(
        {
          type: world.type,
          data: over.data ?? licenceData,
          holder: world.holderRef,
          year: 2026,
          serial: over.serial ?? serial,
          version: 1,
          validFrom: '2021-03-15',
          status: { province: 'zj', list: 'zj-1', index: over.index ?? 4242 + serial },
          signer: issuer,
          signerKey: issuerKey,
        },
        { now: t0, randomBytes: testRandomBytes, verifier: testVerifier },
      );
    },
    present(cert, reveal, over = {}) {
      return createPresentation(
        {
          certificate: cert,
          reveal,
          audience: over.audience ?? 'sh.gov.verifier-1',
          lifetimeSeconds: over.lifetime ?? 120,
          wallet: over.wallet ?? wallet,
        },
        { now: over.at ?? t0, randomBytes: testRandomBytes, verifier: testVerifier },
      );
    },
    nonces() {
      const seen = new Map<string, number>();
      return {
        firstUse(jti, expiresAt) {
          if (seen.has(jti)) return false;
          seen.set(jti, expiresAt);
          return true;
        },
      };
    },
  };
  return world;
}

/** The state the service would store for a freshly issued certificate. */
export const stateOf = (cert: IssuedCertificate) => {
  const facts = certificateFacts(cert.payload);
  return issued(
    { id: cert.payload.id, series: facts.series, version: facts.version, status: facts.statusEntry },
    { now: t0 },
  ).state;
};
