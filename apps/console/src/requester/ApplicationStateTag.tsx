import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import { type ApplicationStatus, isApplicationStatus } from './types';

const toneOf: Record<ApplicationStatus, Tone> = {
  compliance_review: 'blue',
  submitted: 'blue',
  second_approval: 'blue',
  coordination: 'purple',
  approved: 'green',
  rejected: 'red',
  expired: 'orange',
};

/** 申请状态 as the provider reports it (applicationStatus.* strings). */
export function ApplicationStateTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isApplicationStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={toneOf[status]}>{t(`applicationStatus.${status}`)}</TermTag>;
}
