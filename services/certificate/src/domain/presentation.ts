/**
 * 亮证: a holder's presentation of one certificate, one compact string for a QR code:
 *
 *   <issuer-signed certificate>~<disclosure>~…~<binding>
 *
 * The disclosures are the fields the holder chose to show. The binding (SD-JWT's key-binding JWT)
 * makes the presentation short-lived and single-use: a random nonce (jti), the audience (a
 * verifier's id or 'any' for a code shown at a counter), issued-at and expiry (at most 5 minutes
 * later), and `sd_hash`, the digest of everything before it — the certificate, which names its
 * holder, and the disclosures — so no disclosure can be added, removed or swapped after signing.
 *
 * Who signs the binding: the holder's province platform, with its `wallet` key that the province
 * certifies, on the holder's behalf after the holder logged in (随申办 / 浙里办 real-name login).
 * People and companies do not hold key pairs today; a device key would need device attestation,
 * recovery when a phone is lost, and a trust path for 4 provinces' apps. The platform already holds
 * the certificate library and authenticates the holder, so its signature adds no new party to
 * trust, and it asserts exactly what a verifier needs: "the holder with reference R chose to show
 * these fields to this audience now". A holder key can replace it later: the binding names its kid.
 */
import type { IssuedCertificate } from './certificate.js';
import type { Disclosure } from './disclosure.js';
import { toBase64url, utf8 } from './encoding.js';
import { certificateErrorCodes, refusal } from './errors.js';
import { artefactTypes, signArtefact } from './signed.js';
import type { Suite, SuiteSigner, SuiteVerifier } from './suite.js';

export const maxPresentationSeconds = 300;

export interface BindingPayload {
  /** a random nonce: the presentation's single-use id */
  jti: string;
  /** the verifier it is for, or 'any' */
  aud: string;
  iat: number;
  exp: number;
  /** covers the certificate (which names its holder) and the disclosures shown */
  sd_hash: string;
}

export interface PresentInput {
  certificate: Pick<IssuedCertificate, 'credential' | 'disclosures' | 'payload'>;
  /** names of the fields to disclose */
  reveal: readonly string[];
  audience: string;
  lifetimeSeconds: number;
  wallet: SuiteSigner;
}

export interface PresentContext {
  now: Date;
  randomBytes: (n: number) => Uint8Array;
  verifier: SuiteVerifier;
}

export function createPresentation(input: PresentInput, ctx: PresentContext): string {
  const { certificate } = input;
  if (
    !Number.isInteger(input.lifetimeSeconds) ||
    input.lifetimeSeconds < 1 ||
    input.lifetimeSeconds > maxPresentationSeconds
  )
    throw refusal(
      certificateErrorCodes.presentationLifetime,
      'invalid',
      `亮证码有效期须在1至${maxPresentationSeconds}秒之间`,
      `a presentation lives between 1 and ${maxPresentationSeconds} seconds`,
    );
  if (typeof input.audience !== 'string' || input.audience.length === 0 || input.audience.length > 200)
    throw refusal(certificateErrorCodes.invalidInput, 'invalid', '须指明核验方或 any', 'name the audience, or any');
  const byName = new Map(certificate.disclosures.map((d) => [d.name, d]));
  const shown: Disclosure[] = [];
  for (const name of new Set(input.reveal)) {
    const d = byName.get(name);
    if (!d)
      throw refusal(
        certificateErrorCodes.unknownDisclosure,
        'invalid',
        `该证照没有字段 ${name}`,
        `the certificate has no field ${name}`,
      );
    shown.push(d);
  }
  const suite = suiteOfDigest(certificate.payload.sd_alg);
  const presented = `${certificate.credential}~${shown.map((d) => `${d.encoded}~`).join('')}`;
  const iat = Math.floor(ctx.now.getTime() / 1000);
  const binding: BindingPayload = {
    jti: toBase64url(ctx.randomBytes(16)),
    aud: input.audience,
    iat,
    exp: iat + input.lifetimeSeconds,
    sd_hash: toBase64url(ctx.verifier.hash(suite, utf8(presented))),
  };
  return `${presented}${signArtefact(input.wallet, artefactTypes.binding, binding)}`;
}

/** The suite whose hash a certificate's `sd_alg` names. */
export const suiteOfDigest = (alg: 'sha-256' | 'sm3'): Suite => (alg === 'sm3' ? 'sm2-sm3' : 'ed25519-sha256');
