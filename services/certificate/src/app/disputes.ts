/**
 * 异议核查: the holder, or a user who fetched or verified the certificate, raises a dispute; the
 * issuer's publisher resolves it within the deadline (working days, @yrd/calendar); open ones mark
 * the certificate "disputed", and the issuer lists its overdue ones.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@yrd/auth';
import {
  type Dispute,
  type DisputeGround,
  type DisputeRaiser,
  overdueDisputes,
  raiseDispute,
  resolveDispute,
} from '../domain/dispute.js';
import { certificateErrorCodes } from '../domain/errors.js';
import type { CertificateContext } from './context.js';
import { fromDomain, refuse, serviceCodes } from './errors.js';

export interface RaiseRequest {
  ground: DisputeGround;
  fields?: string[] | undefined;
  reason: string;
}

export type ResolveRequest =
  | { outcome: 'corrected'; newCertificateId: string; reason?: string | undefined }
  | { outcome: 'rejected'; reason: string };

export class Disputes {
  constructor(private readonly ctx: CertificateContext) {}

  async raise(by: Principal, certificateId: string, req: RaiseRequest): Promise<Dispute> {
    const cert = await this.ctx.store.getCertificate(certificateId);
    if (!cert)
      throw refuse('not_found', serviceCodes.notFound, `没有证照 ${certificateId}`, `no certificate ${certificateId}`);
    let raisedBy: DisputeRaiser;
    if (by.roles.includes('subject') && by.subjectRef === cert.holder.ref)
      raisedBy = { kind: 'holder', ref: by.subjectRef };
    else if (await this.ctx.store.hasUsed(cert.id, { province: by.province, sub: by.sub }))
      raisedBy = { kind: 'user', ref: by.agency || `${by.province}:${by.sub}` };
    else
      throw refuse(
        'forbidden',
        serviceCodes.notAParty,
        '只有持证主体或用过该证照的用证单位可以提出异议',
        'only the holder or a user who used this certificate may dispute it',
      );
    const result = raiseDispute(
      cert.state,
      {
        id: `${this.ctx.province}-dispute-${randomUUID()}`,
        raisedBy,
        ground: req.ground,
        fields: req.fields ?? [],
        reason: req.reason,
      },
      { now: this.ctx.clock(), workingDays: this.ctx.workingDays, days: this.ctx.disputeDays },
    );
    if (!result.ok) throw fromDomain(result.error);
    await this.ctx.store.insertDispute(result.dispute, cert.issuerCode);
    return result.dispute;
  }

  async resolve(by: Principal, id: string, req: ResolveRequest): Promise<Dispute> {
    const found = await this.ctx.store.getDispute(id);
    if (!found || !this.isIssuerStaff(by, found.issuerCode))
      throw refuse('not_found', serviceCodes.disputeNotFound, `没有异议 ${id}`, `no dispute ${id}`);
    const cert = await this.ctx.store.getCertificate(found.dispute.certificateId);
    if (!cert) throw refuse('not_found', serviceCodes.notFound, '证照不存在', 'no such certificate');
    const command =
      req.outcome === 'corrected'
        ? {
            outcome: 'corrected' as const,
            by: by.agency,
            newCertificateId: req.newCertificateId,
            ...(req.reason ? { reason: req.reason } : {}),
          }
        : { outcome: 'rejected' as const, by: by.agency, reason: req.reason };
    const decision = resolveDispute(found.dispute, cert.state, command, { now: this.ctx.clock() });
    if (!decision.ok) throw fromDomain(decision.error);
    if (!(await this.ctx.store.resolveDispute(decision.state.dispute)))
      throw refuse('conflict', certificateErrorCodes.disputeNotOpen, '异议已处理', 'the dispute is already resolved');
    return decision.state.dispute;
  }

  /** The issuer's disputes: open ones, or only the overdue. */
  async ofIssuer(by: Principal, overdueOnly: boolean): Promise<Dispute[]> {
    if (!by.roles.includes('publisher') || by.province !== this.ctx.province || !by.agency)
      throw refuse(
        'forbidden',
        serviceCodes.notIssuerStaff,
        '只有发证单位的发布人员可以查看',
        'only a publisher of an issuing agency may see this',
      );
    const open = await this.ctx.store.disputesOfIssuer(by.agency, true);
    return overdueOnly ? overdueDisputes(open, this.ctx.clock()) : open;
  }

  private isIssuerStaff(by: Principal, issuerCode: string) {
    return by.roles.includes('publisher') && by.agency === issuerCode && by.province === this.ctx.province;
  }
}
