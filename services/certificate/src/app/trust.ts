/**
 * This province's trust material: its certificate root, the key certificates it gave its issuing
 * agencies' keys and its wallet key, its signed status lists, and what it holds of the other
 * provinces (their root keys from the options, their key certificates and status lists imported).
 */
import { createHash } from 'node:crypto';
import { type Province, provinceInfo } from '@yrd/region';
import {
  certifyKey,
  isKeyCertificatePayload,
  type KeyCertificatePayload,
  type ProvinceKey,
  type Trust,
} from '../domain/key-certificate.js';
import { artefactTypes, openArtefact } from '../domain/signed.js';
import {
  encodeBitstring,
  type StatusPurpose,
  signStatusList,
  statusPurposes,
  type VerifiedStatusList,
} from '../domain/status-list.js';
import type { SuiteSigner } from '../domain/suite.js';
import type { RootKey } from '../options.js';
import type { CertificateStore, KeyRing } from './ports.js';

export interface SignedStatusLists {
  list: string;
  lists: Record<StatusPurpose, string>;
  /** the same lists as a verifier here reads them: made from the bits, so no signature to check again */
  verified: Record<StatusPurpose, VerifiedStatusList>;
  etag: string;
  issuedAt: number;
}

export class ProvinceTrust {
  private readonly certified = new Map<string, KeyCertificatePayload>();
  /** signed lists by list/purpose, with the digest of the bits they were signed over */
  private readonly signed = new Map<
    string,
    { bitsDigest: string; issuedAt: number; compact: string; verified: VerifiedStatusList }
  >();
  /** the one status list pair this province fills (a second would start when it is full) */
  readonly statusList: string;

  constructor(
    private readonly store: CertificateStore,
    private readonly keys: KeyRing,
    readonly province: Province,
    private readonly opts: {
      trust: readonly RootKey[];
      keyValidityDays: number;
      statusListTtlSeconds: number;
      statusListSize: number;
    },
    private readonly clock: () => Date,
  ) {
    this.statusList = `${province}-1`;
  }

  statusListSizeOf(): number {
    return this.opts.statusListSize;
  }

  rootKey(): ProvinceKey {
    const r = this.keys.root();
    return { province: this.province, kid: r.kid, suite: r.suite, publicKey: r.publicKey };
  }

  /** Root keys a verifier here trusts: its own and those configured for the other provinces. */
  roots(): ProvinceKey[] {
    return [this.rootKey(), ...this.opts.trust.filter((k) => k.province !== this.province)];
  }

  async init(): Promise<void> {
    await this.store.ensureStatusLists(this.statusList, this.opts.statusListSize, this.clock().toISOString());
    await this.wallet();
  }

  async issuer(agency: string, name: string): Promise<{ signer: SuiteSigner; key: KeyCertificatePayload }> {
    const signer = this.keys.issuer(agency);
    return { signer, key: await this.certify(signer, 'issuer', agency, name) };
  }

  async wallet(): Promise<{ signer: SuiteSigner; key: KeyCertificatePayload }> {
    const signer = this.keys.wallet();
    return {
      signer,
      key: await this.certify(signer, 'wallet', null, `${provinceInfo[this.province].name}政务服务平台`),
    };
  }

  private async certify(
    signer: SuiteSigner,
    role: 'issuer' | 'wallet',
    agency: string | null,
    name: string,
  ): Promise<KeyCertificatePayload> {
    const known = this.certified.get(signer.kid);
    if (known) return known;
    const stored = (await this.store.keyCertificates()).find((k) => k.kid === signer.kid);
    const payload = stored ? payloadOf(stored.compact) : undefined;
    if (payload) {
      this.certified.set(signer.kid, payload);
      return payload;
    }
    const now = Math.floor(this.clock().getTime() / 1000);
    const made: KeyCertificatePayload = {
      role,
      province: this.province,
      agency,
      name,
      kid: signer.kid,
      suite: signer.suite,
      publicKey: signer.publicKey,
      notBefore: now - 300,
      notAfter: now + this.opts.keyValidityDays * 86_400,
    };
    await this.store.putKeyCertificate({
      kid: signer.kid,
      role,
      agency,
      compact: certifyKey(this.keys.root(), made),
      at: this.clock().toISOString(),
    });
    this.certified.set(signer.kid, made);
    return made;
  }

  /** The key certificates this province's root signed (published by GET /issuer-keys). */
  async ownKeyCertificates(): Promise<string[]> {
    return (await this.store.keyCertificates()).map((k) => k.compact);
  }

  /** What a verifier here holds: roots, every key certificate it knows, plus any the caller brings. */
  async trust(extraKeyCertificates: readonly string[] = []): Promise<Trust> {
    return {
      provinces: this.roots(),
      keyCertificates: [
        ...(await this.ownKeyCertificates()),
        ...(await this.store.foreign('key_certificate')),
        ...extraKeyCertificates,
      ],
    };
  }

  /**
   * The province's status lists, signed: signed again when a bit changed or half their freshness
   * is gone, so every verifier gets a list it may rely on for at least ttl/2.
   */
  async signedStatusLists(list: string): Promise<SignedStatusLists | undefined> {
    const now = Math.floor(this.clock().getTime() / 1000);
    const out = {} as Record<StatusPurpose, string>;
    const verified = {} as Record<StatusPurpose, VerifiedStatusList>;
    let issuedAt = now;
    for (const purpose of statusPurposes) {
      const row = await this.store.statusList(list, purpose);
      if (!row) return undefined;
      const cacheKey = `${list}/${purpose}`;
      // the bits themselves decide whether a list changed: two changes may share a timestamp
      const bitsDigest = createHash('sha256').update(row.bits).digest('base64url');
      const cached = this.signed.get(cacheKey);
      if (cached && cached.bitsDigest === bitsDigest && now < cached.issuedAt + this.opts.statusListTtlSeconds / 2) {
        out[purpose] = cached.compact;
        verified[purpose] = cached.verified;
        issuedAt = Math.min(issuedAt, cached.issuedAt);
        continue;
      }
      const validUntil = now + this.opts.statusListTtlSeconds;
      const compact = signStatusList(this.keys.root(), {
        province: this.province,
        list,
        purpose,
        size: row.size,
        encodedList: encodeBitstring(row.bits),
        issuedAt: now,
        validUntil,
      });
      const made = {
        province: this.province,
        list,
        purpose,
        size: row.size,
        bits: row.bits,
        issuedAt: now,
        validUntil,
      };
      this.signed.set(cacheKey, { bitsDigest, issuedAt: now, compact, verified: made });
      out[purpose] = compact;
      verified[purpose] = made;
    }
    const etag = `"${createHash('sha256').update(out.revocation).update('.').update(out.suspension).digest('base64url').slice(0, 32)}"`;
    return { list, lists: out, verified, etag, issuedAt };
  }
}

/** The payload of a key certificate this province stored itself (its own signature, so not checked again). */
function payloadOf(compact: string): KeyCertificatePayload | undefined {
  const opened = openArtefact(compact, artefactTypes.keyCertificate);
  return opened.ok && isKeyCertificatePayload(opened.artefact.payload) ? opened.artefact.payload : undefined;
}
