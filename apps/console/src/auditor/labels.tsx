import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import type { StepStatus } from './verify';

export { ProvinceName, useProvinceLabel } from '../components/ProvinceName';

const kinds = [
  'exchange_query_requested',
  'exchange_query_served',
  'exchange_verify_requested',
  'exchange_response',
  'consent_application_submitted',
  'consent_application_approved',
  'consent_grant_revoked',
  'consent_consent_created',
  'consent_consent_revoked',
] as const;
type KnownKind = (typeof kinds)[number];
const isKnownKind = (k: string): k is KnownKind => (kinds as readonly string[]).includes(k);

/** An event's kind in words when the console knows it; the code beside it, as the log holds it. */
export function KindLabel({ kind }: { kind: string }) {
  const { t } = useTranslation();
  const key = kind.replaceAll('.', '_');
  if (!isKnownKind(key)) return <Typography.Text code>{kind}</Typography.Text>;
  return (
    <span title={kind}>
      {t(`auditor.kind.${key}`)} <Typography.Text type="secondary">{kind}</Typography.Text>
    </span>
  );
}

const outcomes = ['allow', 'deny', 'error'] as const;
type Outcome = (typeof outcomes)[number];
const isOutcome = (o: string): o is Outcome => (outcomes as readonly string[]).includes(o);

export function OutcomeTag({ outcome }: { outcome: string }) {
  const { t } = useTranslation();
  const tone: Tone = outcome === 'allow' ? 'green' : outcome === 'deny' ? 'red' : 'grey';
  return <TermTag tone={tone}>{isOutcome(outcome) ? t(`auditor.outcome.${outcome}`) : outcome}</TermTag>;
}

/** A hash or other long code: monospace, breaking anywhere, copyable. */
export function Hash({ value, label }: { value: string; label?: string }) {
  if (!value) return <>—</>;
  return (
    <Typography.Text code copyable={{ text: value }} style={{ wordBreak: 'break-all' }} aria-label={label}>
      {value}
    </Typography.Text>
  );
}

const statusTones: Record<StepStatus, Tone> = { passed: 'green', failed: 'red', incomplete: 'orange', skipped: 'grey' };

/** A check's outcome as a tag: 通过 green, 未通过 red, 等待见证 orange, 未核验 grey. */
export function StatusTag({ status }: { status: StepStatus }) {
  const { t } = useTranslation();
  return <TermTag tone={statusTones[status]}>{t(`auditor.proof.status.${status}`)}</TermTag>;
}
