import { useTranslation } from 'react-i18next';
import { type ApplicationStatus, isApplicationStatus } from '../vocabulary';
import { TermTag, type Tone } from './TermTag';

const toneOf: Record<ApplicationStatus, Tone> = {
  compliance_review: 'purple',
  submitted: 'orange',
  second_approval: 'magenta',
  coordination: 'gold',
  approved: 'green',
  rejected: 'grey',
  expired: 'red',
};

/** 申请状态: where an application stands in the workflow, as its provider reports it. */
export function ApplicationStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isApplicationStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={toneOf[status]}>{t(`applicationStatus.${status}`)}</TermTag>;
}
