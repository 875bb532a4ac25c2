/**
 * 用证记录 across provinces (issue 16: the holder sees every use of their certificates). A use of a
 * certificate issued by another province is recorded here and sent to the issuing province, whose
 * holder's wallet lives there: the use and its forward are written in one transaction (an outbox),
 * and the forwarder sends what is due in the background, later after each failure, until the
 * issuer acknowledges or refuses it for good. The issuer (UseReceipt) keeps each use once, only
 * for a certificate it issued, and audits the receipt.
 *
 * A forward names people by the ids a token carries (sub, agency), never personal data; the
 * verifying province is not in it: the issuer reads it off the lane the broker delivered on.
 */
import { auditEvent } from '@yrd/audit-events';
import { AppError } from '@yrd/errors';
import type { Province } from '@yrd/region';
import { type UseForward, useForwardCodes, useForwardSchema } from '../domain/use-forward.js';
import type { CertificateContext } from './context.js';
import { refuse } from './errors.js';
import type { CertificateUse, PendingForward } from './ports.js';

/** The forward of a use recorded here, for the province that issued the certificate. */
export function forwardOf(use: CertificateUse, holderKeyId: string): UseForward {
  return {
    id: use.id,
    certificateId: use.certificateId,
    holder: { keyId: holderKeyId, ref: use.holderRef },
    kind: use.kind,
    who: { sub: use.user.sub, agency: use.user.agency, kind: use.user.kind },
    serviceCode: use.serviceCode,
    purpose: use.purpose,
    outcome: use.outcome,
    at: use.at,
  };
}

/**
 * Records a use here and, for a certificate another province issued, its forward to that province
 * (one transaction), then wakes the forwarder.
 */
export async function recordUse(
  ctx: CertificateContext,
  use: Omit<CertificateUse, 'recordedIn'>,
  certificate: { issuer: Province; holderKeyId: string },
): Promise<void> {
  const u: CertificateUse = { ...use, recordedIn: ctx.province };
  if (certificate.issuer === ctx.province) return ctx.store.insertUse(u);
  await ctx.store.insertUse(u, { issuer: certificate.issuer, body: forwardOf(u, certificate.holderKeyId) });
  ctx.forwarding.wake();
}

/** A forward waiting in the outbox. */
/** How this province reaches the issuing provinces (adapters/nats.ts: their certificate lanes). */
export interface UsePeers {
  /** resolves when the issuer acknowledged (stored now or before); rejects with an AppError otherwise */
  sendUse(issuer: Province, use: UseForward): Promise<void>;
}

export interface ForwardingPolicy {
  /** first wait after a failed send; doubled after each further failure */
  retryMinMs: number;
  /** the longest wait between two sends of one forward */
  retryMaxMs: number;
  /** how often the outbox is looked at when nothing woke the forwarder */
  pollMs: number;
  /** forwards sent per pass */
  batch: number;
}

/** The wait before attempt `attempts + 1`: min·2^(attempts−1), capped, with up to 20 % less so peers spread. */
export function retryDelayMs(attempts: number, policy: ForwardingPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.retryMaxMs, policy.retryMinMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (1 - 0.2 * random()));
}

/** A refusal the issuer will give again (it did not issue the certificate, the body is bad): no retry. */
export function isFinalRefusal(err: unknown): err is AppError {
  return err instanceof AppError && !['unavailable', 'internal', 'rate_limited'].includes(err.kind);
}

/**
 * Sends the outbox in the background. Its schedule runs on wall time (`now`), not the service's
 * clock, which tests may hold still: a use's `at` is the service's time, its retries are the machine's.
 */
export class UseForwarder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly ctx: CertificateContext,
    private readonly peers: UsePeers,
    private readonly policy: ForwardingPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends what is due now (a new forward was written, or the poll came round). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.drain()
      .then(() => undefined)
      .catch((err) => this.ctx.logger.error({ err }, 'certificate use forwarding pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.policy.pollMs);
      });
  }

  /** One pass over what is due; sends to different provinces go side by side. Exposed for tests. */
  async drain(): Promise<{ sent: number; failed: number; refused: number }> {
    const tally = { sent: 0, failed: 0, refused: 0 };
    for (;;) {
      const due = await this.ctx.store.dueForwards(this.now().toISOString(), this.policy.batch);
      if (due.length === 0) return tally;
      await Promise.all(due.map((f) => this.sendOne(f, tally)));
      if (due.length < this.policy.batch || this.stopped) return tally;
    }
  }

  private async sendOne(f: PendingForward, tally: { sent: number; failed: number; refused: number }) {
    try {
      await this.peers.sendUse(f.issuer, f.body);
      await this.ctx.store.forwardSent(f.id, this.now().toISOString());
      tally.sent++;
    } catch (err) {
      const attempts = f.attempts + 1;
      if (isFinalRefusal(err)) {
        // the issuer will not take it however often it is sent: kept, marked, and logged for an operator
        await this.ctx.store.forwardRefused(f.id, attempts, err.code);
        this.ctx.logger.warn(
          { useId: f.id, issuer: f.issuer, code: err.code },
          'issuing province refused a certificate use',
        );
        tally.refused++;
        return;
      }
      const nextAt = new Date(this.now().getTime() + retryDelayMs(attempts, this.policy)).toISOString();
      const reason = err instanceof AppError ? err.code : err instanceof Error ? err.message : String(err);
      await this.ctx.store.forwardFailed(f.id, attempts, nextAt, reason.slice(0, 500));
      tally.failed++;
    }
  }
}

/** The issuing province's side: a use of one of its certificates, sent by the province that recorded it. */
export class UseReceipt {
  constructor(private readonly ctx: CertificateContext) {}

  /**
   * Stores the use once (the same id again is acknowledged, not stored twice) and audits the receipt.
   * `from` is the province whose lane it came on; a refusal is audited too.
   */
  async receive(from: Province, body: unknown): Promise<{ stored: boolean }> {
    const parsed = useForwardSchema.safeParse(body);
    const at = this.ctx.clock().toISOString();
    if (!parsed.success) {
      throw refuse('invalid', useForwardCodes.invalid, '用证记录格式不正确', 'the certificate use is malformed', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 10),
      });
    }
    const f = parsed.data;
    const audit = (outcome: string, code: string) =>
      this.ctx.audit.publish(
        auditEvent({
          // the same forward gives the same event id: a resent one is not logged twice
          eventId: `${this.ctx.province}-cert-use-from-${from}-${f.id}-${outcome}`,
          province: this.ctx.province,
          kind: 'certificate.use.received',
          resourceId: f.certificateId,
          actorUser: f.who.sub,
          actorAgency: f.who.agency,
          requesterProvince: from,
          providerProvince: this.ctx.province,
          outcome,
          code,
          subjectRef: f.holder.ref,
          subjectRefKeyId: f.holder.keyId,
          items: [f.kind, ...(f.serviceCode ? [f.serviceCode] : [])],
          occurredAt: at,
        }),
      );
    const cert = await this.ctx.store.getCertificate(f.certificateId);
    if (!cert || cert.payload.province !== this.ctx.province) {
      await audit('deny', useForwardCodes.notIssuedHere);
      throw refuse(
        'not_found',
        useForwardCodes.notIssuedHere,
        `证照 ${f.certificateId} 不是本省签发的`,
        `certificate ${f.certificateId} was not issued by this province`,
      );
    }
    if (cert.holder.ref !== f.holder.ref || cert.holder.keyId !== f.holder.keyId) {
      await audit('deny', useForwardCodes.holderMismatch);
      throw refuse(
        'invalid',
        useForwardCodes.holderMismatch,
        '用证记录中的持证主体与该证照不符',
        'the holder in the use is not the holder of this certificate',
      );
    }
    await audit('ok', '');
    const stored = await this.ctx.store.receiveUse({
      id: f.id,
      certificateId: f.certificateId,
      holderRef: cert.holder.ref,
      kind: f.kind,
      user: { province: from, ...f.who },
      serviceCode: f.serviceCode,
      purpose: f.purpose,
      authorisationId: null,
      outcome: f.outcome,
      at: f.at,
      recordedIn: from,
    });
    if (stored === 'taken')
      // a use of this id recorded elsewhere (here, or by another province): not this forward's to overwrite
      throw refuse(
        'conflict',
        useForwardCodes.idTaken,
        '该用证记录编号已被占用',
        'a use with this id was recorded by another province',
      );
    return { stored: stored === 'stored' };
  }
}
