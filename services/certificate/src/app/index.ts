/** The certificate service's use cases, wired once over one context. */
import { Catalogue } from './catalogue.js';
import { Certificates } from './certificates.js';
import type { CertificateContext } from './context.js';
import { Disputes } from './disputes.js';
import { applySeed, type CertificateSeed } from './seed.js';
import { Use } from './use.js';
import { UseReceipt } from './use-forwarding.js';
import { Verification } from './verification.js';
import { Wallet } from './wallet.js';

export class CertificateApp {
  readonly catalogue: Catalogue;
  readonly certificates: Certificates;
  readonly wallet: Wallet;
  readonly verification: Verification;
  readonly use: Use;
  readonly disputes: Disputes;
  /** uses of this province's certificates that other provinces send */
  readonly receipt: UseReceipt;

  constructor(readonly ctx: CertificateContext) {
    this.catalogue = new Catalogue(ctx);
    this.certificates = new Certificates(ctx, this.catalogue);
    this.wallet = new Wallet(ctx);
    this.verification = new Verification(ctx);
    this.use = new Use(ctx, this.certificates);
    this.disputes = new Disputes(ctx);
    this.receipt = new UseReceipt(ctx);
  }

  /** Loads demo data (types, certificates, 用证清单) idempotently. */
  seed(seed: CertificateSeed) {
    return applySeed(this.ctx, this, seed);
  }
}
