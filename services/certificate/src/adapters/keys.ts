/**
 * The province's signing keys: its certificate root (signs key certificates and status lists), the
 * wallet key (signs holders' presentations on their behalf) and one issuer key per issuing agency,
 * made at first use. Private keys exist only as KeyObjects in this process, read from (or written
 * once to) private JWK files in `keyDir`; without a `keyDir` they live in memory and die with it.
 * A key id names the province, the role and the key's fingerprint, so a new key never reuses the id
 * of one whose certificates verifiers may still hold.
 */
import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite as cryptoSuite, exportPrivateJwk, importPrivateJwk, suiteOfKey } from '@yrd/crypto-suite';
import type { Province } from '@yrd/region';
import type { Suite, SuiteSigner } from '../domain/suite.js';
import { signerFromKey } from './crypto.js';

export class KeyStore {
  private readonly signers = new Map<string, SuiteSigner>();

  constructor(
    private readonly province: Province,
    readonly suite: Suite,
    private readonly dir?: string,
    /**
     * the province's own key (its key in the regional trust list) as the certificate root: then a
     * verifier in any province knows the root from the trust list it already holds
     */
    private readonly provinceRoot?: { kid: string; privateKey: KeyObject },
  ) {
    if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (provinceRoot && suiteOfKey(provinceRoot.privateKey) !== suite)
      throw new Error(`the province key is of suite ${suiteOfKey(provinceRoot.privateKey)}, not ${suite}`);
  }

  root(): SuiteSigner {
    if (!this.provinceRoot) return this.signer('root');
    let root = this.signers.get('root');
    if (!root) {
      root = signerFromKey(this.provinceRoot.kid, this.provinceRoot.privateKey);
      this.signers.set('root', root);
    }
    return root;
  }

  wallet(): SuiteSigner {
    return this.signer('wallet');
  }

  issuer(agencyCode: string): SuiteSigner {
    if (!/^[0-9A-Z]{18}$/.test(agencyCode)) throw new RangeError('an issuer key is named by a credit code');
    return this.signer(`issuer-${agencyCode}`);
  }

  private signer(name: string): SuiteSigner {
    const known = this.signers.get(name);
    if (known) return known;
    const key = this.load(name) ?? this.create(name);
    const kind = suiteOfKey(key);
    if (kind !== this.suite)
      throw new Error(`key ${name} is of suite ${kind}, but this province signs with ${this.suite}`);
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const fingerprint = createHash('sha256').update(spki).digest('hex').slice(0, 16);
    const made = signerFromKey(`${this.province}-${name}-${fingerprint}`, key);
    this.signers.set(name, made);
    return made;
  }

  private file(name: string): string | undefined {
    return this.dir ? join(this.dir, `${name}.jwk.json`) : undefined;
  }

  private load(name: string): KeyObject | undefined {
    const file = this.file(name);
    if (!file || !existsSync(file)) return undefined;
    return importPrivateJwk(JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey);
  }

  private create(name: string): KeyObject {
    const key = cryptoSuite(this.suite).generateKeyPair().privateKey;
    const file = this.file(name);
    if (!file) return key;
    try {
      // 'wx': a key another process wrote first wins, and is read back
      writeFileSync(file, JSON.stringify(exportPrivateJwk(key)), { mode: 0o600, flag: 'wx' });
      return key;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      return this.load(name) as KeyObject;
    }
  }
}
