/**
 * Co-signatures other provinces give this province's heads. One is kept only when it is a valid
 * signature of a known province over a head this province actually signed (same size and root).
 */
import type { KeyObject } from 'node:crypto';
import { invalid } from '@yrd/errors';
import type { Province } from '@yrd/region';
import { type Cosignature, type SignedTreeHead, verifyCosignature } from '../domain/index.js';

export interface CosignatureStore {
  addCosignature(c: Cosignature, at: string): Promise<boolean>;
  cosignaturesOf(size: number): Promise<Cosignature[]>;
}

export class CosignatureBook {
  constructor(
    private readonly me: Province,
    private readonly keys: ReadonlyMap<string, KeyObject>,
    private readonly headOf: (size: number) => Promise<SignedTreeHead | undefined>,
    private readonly store: CosignatureStore,
    private readonly clock: () => Date,
  ) {}

  /** From the lane of `from`: a witness can only co-sign as itself. */
  async accept(from: Province, c: Cosignature): Promise<void> {
    const key = this.keys.get(c.witness);
    if (c.witness !== from || c.province !== this.me || !key || !verifyCosignature(c, key)) {
      throw invalid('AUDIT.COSIGNATURE_INVALID', `见证签名无效 co-signature of ${c.witness} does not verify`);
    }
    const head = await this.headOf(c.size);
    if (!head || head.rootHash !== c.rootHash || head.timestamp !== c.timestamp) {
      throw invalid('AUDIT.COSIGNATURE_UNKNOWN_HEAD', `没有该树头 no head of size ${c.size} with that root`);
    }
    await this.store.addCosignature(c, this.clock().toISOString());
  }

  of(size: number) {
    return this.store.cosignaturesOf(size);
  }
}
