/**
 * Co-signatures other provinces give this province's heads. One is kept only when it is a valid
 * cosignature/v1 of a known witness key over a head this province actually signed — the exact head:
 * size, root, time and signing key id — and it is shown only beside that head. A head of the same size
 * with another root (a rewritten history) carries none of the co-signatures of the old one.
 */
import { invalid } from '@yrd/errors';
import type { Province } from '@yrd/region';
import { type Cosignature, cosignatureCovers, type SignedTreeHead, verifyCosignature } from '../domain/index.js';
import type { Keyring } from '../domain/keyring.js';
import type { CosignatureStore } from './ports.js';

export class CosignatureBook {
  constructor(
    private readonly me: Province,
    private readonly keys: Keyring,
    private readonly headOf: (size: number) => Promise<SignedTreeHead | undefined>,
    private readonly store: CosignatureStore,
    private readonly clock: () => Date,
  ) {}

  /** From the lane of `from`: a witness can only co-sign as itself. */
  async accept(from: Province, c: Cosignature): Promise<void> {
    const at = typeof c.time === 'number' && Number.isSafeInteger(c.time) ? new Date(c.time * 1000) : undefined;
    const key = at ? this.keys.find(c.witness, c.keyId, at.toISOString()) : undefined;
    if (c.witness !== from || c.province !== this.me || !key || !verifyCosignature(c, key)) {
      throw invalid('AUDIT.COSIGNATURE_INVALID', `见证签名无效 co-signature of ${String(c.witness)} does not verify`);
    }
    const head = await this.headOf(c.size);
    if (!head || !cosignatureCovers(c, head)) {
      throw invalid(
        'AUDIT.COSIGNATURE_UNKNOWN_HEAD',
        `没有该树头 no head of size ${c.size} with that root, time and key: this province did not sign it`,
      );
    }
    await this.store.addCosignature(c, this.clock().toISOString());
  }

  /** The co-signatures over exactly this head, each checked again against the trust list. */
  async of(head: SignedTreeHead): Promise<Cosignature[]> {
    const stored = await this.store.cosignaturesOf(head);
    return stored.filter((c) => {
      if (!cosignatureCovers(c, head)) return false;
      const key = this.keys.find(c.witness, c.keyId, new Date(c.time * 1000).toISOString());
      return key !== undefined && verifyCosignature(c, key);
    });
  }
}
