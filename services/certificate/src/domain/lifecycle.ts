/**
 * The life of one certificate version as a decider: `decide(state, command, ctx)` refuses with a
 * typed error or returns the next state and the events to record. Time comes in `ctx`; nothing
 * here reads a clock.
 *
 *   active ⇄ suspended (中止 / 恢复)        suspension bit set / cleared
 *   active | suspended → cancelled (注销)  revocation bit set; final
 *   active → superseded (更新)             revocation bit set; the new version is issued active
 *
 * The status-list bits are events too, so the service updates the province's lists in the same
 * transaction as the certificate. A suspended certificate is resumed before it is updated: an
 * update must not lift a suspension on the side. Open disputes (异议) are counted on the state: the
 * certificate carries a "disputed" mark while any is open (dispute.ts).
 */

import type { StatusEntry } from './certificate.js';
import { certificateErrorCodes, type Decision, refusal } from './errors.js';
import type { StatusPurpose } from './status-list.js';

export const certificateStatuses = ['active', 'suspended', 'cancelled', 'superseded'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export interface CertificateState {
  id: string;
  series: string;
  version: number;
  status: CertificateStatus;
  statusEntry: StatusEntry;
  /** ids of disputes still open against this version */
  openDisputes: readonly string[];
  /** the version that replaced this one, once superseded */
  supersededBy?: string;
  /** why it was suspended or cancelled */
  reason?: string;
  changedAt: string;
}

export interface Actor {
  /** an agency credit code or an operator id; recorded, never a personal number */
  id: string;
}

export type LifecycleCommand =
  | { kind: 'suspend'; by: Actor; reason: string }
  | { kind: 'resume'; by: Actor }
  | { kind: 'cancel'; by: Actor; reason: string }
  | { kind: 'supersede'; by: Actor; newId: string };

export type LifecycleEvent =
  | { type: 'CertificateIssued'; id: string; series: string; version: number; at: string; supersedes?: string }
  | { type: 'CertificateSuspended'; id: string; by: string; reason: string; at: string }
  | { type: 'CertificateResumed'; id: string; by: string; at: string }
  | { type: 'CertificateCancelled'; id: string; by: string; reason: string; at: string }
  | { type: 'CertificateSuperseded'; id: string; by: string; newId: string; at: string }
  | { type: 'StatusBitChanged'; entry: StatusEntry; purpose: StatusPurpose; value: boolean; at: string };

export interface LifecycleContext {
  now: Date;
}

/** The state of a freshly issued version (制发, or the new version of an 更新). */
export function issued(
  p: { id: string; series: string; version: number; status: StatusEntry; supersedes?: string },
  ctx: LifecycleContext,
): { state: CertificateState; events: LifecycleEvent[] } {
  const at = ctx.now.toISOString();
  return {
    state: {
      id: p.id,
      series: p.series,
      version: p.version,
      status: 'active',
      statusEntry: p.status,
      openDisputes: [],
      changedAt: at,
    },
    events: [
      {
        type: 'CertificateIssued',
        id: p.id,
        series: p.series,
        version: p.version,
        at,
        ...(p.supersedes ? { supersedes: p.supersedes } : {}),
      },
    ],
  };
}

export function decide(
  state: CertificateState,
  command: LifecycleCommand,
  ctx: LifecycleContext,
): Decision<CertificateState, LifecycleEvent> {
  const at = ctx.now.toISOString();
  const bit = (purpose: StatusPurpose, value: boolean): LifecycleEvent => ({
    type: 'StatusBitChanged',
    entry: state.statusEntry,
    purpose,
    value,
    at,
  });
  if (state.status === 'cancelled')
    return fail(
      certificateErrorCodes.cancelled,
      '证照已注销，不能再变更',
      'the certificate is cancelled; it cannot change',
    );
  if (state.status === 'superseded')
    return fail(
      certificateErrorCodes.superseded,
      `证照已被新版本 ${state.supersededBy ?? ''} 取代，请对新版本操作`,
      `the certificate was superseded by ${state.supersededBy ?? 'a newer version'}; act on that one`,
    );
  switch (command.kind) {
    case 'suspend': {
      if (state.status === 'suspended')
        return fail(certificateErrorCodes.suspended, '证照已处于中止状态', 'the certificate is already suspended');
      if (!hasReason(command.reason))
        return fail(certificateErrorCodes.reasonRequired, '中止须说明理由', 'a suspension needs a reason');
      return {
        ok: true,
        state: { ...state, status: 'suspended', reason: command.reason.trim(), changedAt: at },
        events: [
          { type: 'CertificateSuspended', id: state.id, by: command.by.id, reason: command.reason.trim(), at },
          bit('suspension', true),
        ],
      };
    }
    case 'resume': {
      if (state.status !== 'suspended')
        return fail(certificateErrorCodes.notSuspended, '证照未中止，无需恢复', 'the certificate is not suspended');
      const { reason: _dropped, ...rest } = state;
      return {
        ok: true,
        state: { ...rest, status: 'active', changedAt: at },
        events: [{ type: 'CertificateResumed', id: state.id, by: command.by.id, at }, bit('suspension', false)],
      };
    }
    case 'cancel': {
      if (!hasReason(command.reason))
        return fail(certificateErrorCodes.reasonRequired, '注销须说明理由', 'a cancellation needs a reason');
      // a cancelled certificate's suspension bit stays as it was: revocation is what verifiers read first
      return {
        ok: true,
        state: { ...state, status: 'cancelled', reason: command.reason.trim(), changedAt: at },
        events: [
          { type: 'CertificateCancelled', id: state.id, by: command.by.id, reason: command.reason.trim(), at },
          bit('revocation', true),
        ],
      };
    }
    case 'supersede': {
      if (state.status === 'suspended')
        return fail(
          certificateErrorCodes.suspended,
          '证照处于中止状态，须先恢复再更新',
          'the certificate is suspended: resume it before updating',
        );
      return {
        ok: true,
        state: { ...state, status: 'superseded', supersededBy: command.newId, changedAt: at },
        events: [
          { type: 'CertificateSuperseded', id: state.id, by: command.by.id, newId: command.newId, at },
          bit('revocation', true),
        ],
      };
    }
    default:
      return assertNever(command);
  }
}

const hasReason = (reason: unknown) => typeof reason === 'string' && reason.trim().length >= 2 && reason.length <= 2000;

function fail(
  code: (typeof certificateErrorCodes)[keyof typeof certificateErrorCodes],
  zh: string,
  en: string,
): Decision<CertificateState, LifecycleEvent> {
  return {
    ok: false,
    error: refusal(code, code === certificateErrorCodes.reasonRequired ? 'invalid' : 'conflict', zh, en),
  };
}

function assertNever(v: never): never {
  throw new Error(`unexpected command ${JSON.stringify(v)}`);
}
