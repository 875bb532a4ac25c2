/**
 * 异议核查 (管理办法 第二十三条): a holder (持证主体) or a user (用证单位) disputes the accuracy,
 * completeness or timeliness of a certificate's data; the issuer resolves it by a deadline counted
 * in working days — corrected (a new version, see update.ts) or rejected with a reason — and tells
 * the one who raised it. While any dispute is open the certificate carries a "disputed" mark.
 *
 * The deadline's length is a province setting: the 管理办法 defers to the city's public-data
 * dispute rules, whose number of days is not in our source texts; we default to 5 working days
 * (our choice) and the service may configure it. Working days come through a port, so the
 * project's holiday calendar (services/consent/src/domain/calendar.ts) is wired in by the service.
 */
import { type Bilingual, certificateErrorCodes, type Decision, refusal } from './errors.js';
import type { CertificateState } from './lifecycle.js';

export const defaultDisputeDays = 5;

/** The calendar port: `n` working days after `date`, skipping weekends and public holidays. */
export interface WorkingDays {
  addWorkingDays(date: Date, n: number): Date;
}

export const disputeGrounds = ['accuracy', 'completeness', 'timeliness'] as const;
export type DisputeGround = (typeof disputeGrounds)[number];
export const disputeGroundLabels: Record<DisputeGround, Bilingual> = {
  accuracy: { zh: '准确性', en: 'accuracy' },
  completeness: { zh: '完整性', en: 'completeness' },
  timeliness: { zh: '时效性', en: 'timeliness' },
};

export interface DisputeRaiser {
  kind: 'holder' | 'user';
  /** the holder's subject reference, or the using agency's / organisation's credit code */
  ref: string;
}

export interface Dispute {
  id: string;
  certificateId: string;
  raisedBy: DisputeRaiser;
  ground: DisputeGround;
  /** the fields the dispute is about, if it names any */
  fields: readonly string[];
  reason: string;
  raisedAt: string;
  dueAt: string;
  status: 'open' | 'corrected' | 'rejected';
  resolution?: { at: string; by: string; reason: string; newCertificateId?: string; late: boolean };
}

export type DisputeEvent =
  | { type: 'DisputeRaised'; disputeId: string; certificateId: string; by: DisputeRaiser; dueAt: string; at: string }
  | {
      type: 'DisputeResolved';
      disputeId: string;
      certificateId: string;
      outcome: 'corrected' | 'rejected';
      newCertificateId?: string;
      late: boolean;
      at: string;
    };

export interface DisputeContext {
  now: Date;
  workingDays: WorkingDays;
  /** working days the issuer has; defaults to defaultDisputeDays */
  days?: number;
}

export interface RaiseDispute {
  id: string;
  raisedBy: DisputeRaiser;
  ground: DisputeGround;
  fields?: readonly string[];
  reason: string;
}

/** Opens a dispute on the current version of a certificate and marks the certificate disputed. */
export function raiseDispute(
  certificate: CertificateState,
  command: RaiseDispute,
  ctx: DisputeContext,
):
  | { ok: true; dispute: Dispute; certificate: CertificateState; events: DisputeEvent[] }
  | { ok: false; error: ReturnType<typeof refusal> } {
  if (certificate.status === 'cancelled')
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.cancelled,
        'conflict',
        '证照已注销，不受理异议',
        'the certificate is cancelled',
      ),
    };
  if (certificate.status === 'superseded')
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.superseded,
        'conflict',
        '请对证照的现行版本提出异议',
        'dispute the current version of the certificate',
      ),
    };
  if (typeof command.reason !== 'string' || command.reason.trim().length < 2 || command.reason.length > 2000)
    return {
      ok: false,
      error: refusal(certificateErrorCodes.reasonRequired, 'invalid', '异议须说明理由', 'a dispute needs a reason'),
    };
  if (!(disputeGrounds as readonly string[]).includes(command.ground))
    return {
      ok: false,
      error: refusal(certificateErrorCodes.invalidInput, 'invalid', '异议类型无效', 'unknown dispute ground'),
    };
  const days = ctx.days ?? defaultDisputeDays;
  const at = ctx.now.toISOString();
  const dueAt = ctx.workingDays.addWorkingDays(ctx.now, days).toISOString();
  const dispute: Dispute = {
    id: command.id,
    certificateId: certificate.id,
    raisedBy: command.raisedBy,
    ground: command.ground,
    fields: [...(command.fields ?? [])],
    reason: command.reason.trim(),
    raisedAt: at,
    dueAt,
    status: 'open',
  };
  return {
    ok: true,
    dispute,
    certificate: { ...certificate, openDisputes: [...certificate.openDisputes, command.id] },
    events: [
      { type: 'DisputeRaised', disputeId: command.id, certificateId: certificate.id, by: command.raisedBy, dueAt, at },
    ],
  };
}

export type ResolveDispute =
  | { outcome: 'corrected'; by: string; newCertificateId: string; reason?: string }
  | { outcome: 'rejected'; by: string; reason: string };

/**
 * Closes a dispute. `certificate` is the disputed version; after a correction it has been
 * superseded by `newCertificateId` (update.ts), and the mark goes with the dispute.
 */
export function resolveDispute(
  dispute: Dispute,
  certificate: CertificateState,
  command: ResolveDispute,
  ctx: { now: Date },
): Decision<{ dispute: Dispute; certificate: CertificateState }, DisputeEvent> {
  if (dispute.status !== 'open')
    return {
      ok: false,
      error: refusal(certificateErrorCodes.disputeNotOpen, 'conflict', '异议已处理', 'the dispute is already resolved'),
    };
  if (certificate.id !== dispute.certificateId)
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.disputeWrongCertificate,
        'invalid',
        '异议不针对该证照',
        'the dispute is about another certificate',
      ),
    };
  if (command.outcome === 'rejected' && (typeof command.reason !== 'string' || command.reason.trim().length < 2))
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.reasonRequired,
        'invalid',
        '驳回异议须说明理由',
        'a rejection needs a reason',
      ),
    };
  if (command.outcome === 'corrected' && certificate.supersededBy !== command.newCertificateId)
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.invalidInput,
        'invalid',
        '更正须先制发证照新版本',
        'a correction is a new version of the certificate: issue it first',
      ),
    };
  const at = ctx.now.toISOString();
  const late = at > dispute.dueAt;
  const resolved: Dispute = {
    ...dispute,
    status: command.outcome,
    resolution: {
      at,
      by: command.by,
      reason: command.reason?.trim() ?? '',
      late,
      ...(command.outcome === 'corrected' ? { newCertificateId: command.newCertificateId } : {}),
    },
  };
  return {
    ok: true,
    state: {
      dispute: resolved,
      certificate: { ...certificate, openDisputes: certificate.openDisputes.filter((id) => id !== dispute.id) },
    },
    events: [
      {
        type: 'DisputeResolved',
        disputeId: dispute.id,
        certificateId: dispute.certificateId,
        outcome: command.outcome,
        late,
        at,
        ...(command.outcome === 'corrected' ? { newCertificateId: command.newCertificateId } : {}),
      },
    ],
  };
}

/** The "disputed" mark a certificate carries while any dispute on it is open. */
export const isDisputed = (certificate: Pick<CertificateState, 'openDisputes'>): boolean =>
  certificate.openDisputes.length > 0;

/** Open disputes past their deadline, for the issuer's and the data authority's attention. */
export const overdueDisputes = (disputes: readonly Dispute[], now: Date): Dispute[] =>
  disputes.filter((d) => d.status === 'open' && now.toISOString() > d.dueAt);
