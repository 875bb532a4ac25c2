// The provinces' public head-signing keys, current and past, by key id: what a head or a co-signature is
// checked against. A key signs only within its validity, so a retired key cannot vouch for a head dated
// after it was retired (a stolen old key can only re-sign the past, which the witnesses already hold).
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { TrustAnchors } from '@yrd/auth';
import { importPublicJwk } from '@yrd/crypto-suite';

export interface RingKey {
  province: string;
  /** e.g. `sh-1`: the key id heads and co-signatures name */
  kid: string;
  publicKey: KeyObject;
  /** ISO 8601; absent: since always */
  validFrom?: string | undefined;
  /** ISO 8601; absent: still current */
  validUntil?: string | undefined;
}

export class Keyring {
  private readonly byId = new Map<string, RingKey>();

  constructor(keys: readonly RingKey[]) {
    for (const k of keys) this.byId.set(`${k.province} ${k.kid}`, k);
  }

  /** A province's key `kid`, if it was valid at `at` (ISO 8601; absent: any time). */
  find(province: string, kid: string, at?: string): KeyObject | undefined {
    const k = this.byId.get(`${province} ${kid}`);
    if (!k) return undefined;
    if (at !== undefined) {
      const t = Date.parse(at);
      if (Number.isNaN(t)) return undefined;
      if (k.validFrom !== undefined && t < Date.parse(k.validFrom)) return undefined;
      if (k.validUntil !== undefined && t >= Date.parse(k.validUntil)) return undefined;
    }
    return k.publicKey;
  }

  /** The key a head names, valid at the head's time. */
  forHead(h: { province: string; keyId: string; timestamp: string }): KeyObject | undefined {
    return this.find(h.province, h.keyId, h.timestamp);
  }

  /** Every key of a province, oldest first. */
  of(province: string): RingKey[] {
    return [...this.byId.values()]
      .filter((k) => k.province === province)
      .sort(
        (a, b) => Date.parse(a.validFrom ?? '1970-01-01T00:00:00Z') - Date.parse(b.validFrom ?? '1970-01-01T00:00:00Z'),
      );
  }

  get provinces(): string[] {
    return [...new Set([...this.byId.values()].map((k) => k.province))];
  }
}

/**
 * A public JWK as a head-signing KeyObject: Ed25519 (kty OKP) or SM2 (kty EC, crv SM2), a province's
 * suite; a TypeError that says why when it is neither.
 */
export function headKey(jwk: Record<string, unknown> | JsonWebKey): KeyObject {
  const j = jwk as JsonWebKey;
  if (j.kty === 'EC' && j.crv === 'SM2') {
    try {
      return importPublicJwk(j);
    } catch (e) {
      throw new TypeError(`公钥无效 not a usable public key: ${(e as Error).message}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: j, format: 'jwk' });
  } catch (e) {
    throw new TypeError(`公钥无效 not a usable public key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `公钥不是 Ed25519 或 SM2 the key is ${String(key.asymmetricKeyType)}, heads are signed with Ed25519 or SM2`,
    );
  }
  return key;
}

/** Every key of the regional trust list, by province and key id, with its validity. */
export function keyringFrom(anchors: TrustAnchors): Keyring {
  const keys: RingKey[] = [];
  for (const [province, entry] of Object.entries(anchors.provinces)) {
    for (const k of entry.keys) {
      keys.push({
        province,
        kid: k.kid,
        publicKey: headKey(k.jwk),
        validFrom: k.validFrom,
        validUntil: k.validUntil,
      });
    }
  }
  return new Keyring(keys);
}
