/** The other provinces' public keys from the regional trust list: what a consent artefact is checked against. */
import type { KeyObject } from 'node:crypto';
import { publicKeyOfJwk, type TrustList } from '@yrd/auth';
import type { consentV1 } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import { verifyArtefact } from './artefact.js';
import { provinceOfId } from './ids.js';

export class TrustKeys {
  private readonly keys = new Map<Province, KeyObject>();

  constructor(trust: Partial<TrustList>) {
    for (const [p, jwk] of Object.entries(trust)) {
      if (isProvince(p) && jwk) this.keys.set(p, publicKeyOfJwk(jwk));
    }
  }

  /** Whether an artefact's signature verifies against its issuing province's key. */
  verifyConsent(c: consentV1.ConsentArtefact): boolean {
    const issuer = provinceOfId(c.id);
    const key = issuer ? this.keys.get(issuer) : undefined;
    if (!key || c.signature === '') return false;
    // in the issuer's suite, whatever this province's: verifyArtefact matches alg and key
    return verifyArtefact(c, key);
  }
}
