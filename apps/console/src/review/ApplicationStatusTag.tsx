import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import { isProvince } from '../vocabulary';
import { type ApplicationStatusName, isApplicationStatus } from './types';

const toneOf: Record<ApplicationStatusName, Tone> = {
  compliance_review: 'purple',
  submitted: 'orange',
  second_approval: 'magenta',
  coordination: 'gold',
  approved: 'green',
  rejected: 'grey',
  expired: 'red',
};

/** 申请状态: where an application stands in the workflow. */
export function ApplicationStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isApplicationStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={toneOf[status]}>{t(`applicationStatus.${status}`)}</TermTag>;
}

/** A province by its name in the user's language (an unknown code as it came). */
export function ProvinceName({ province }: { province: string }) {
  const { t } = useTranslation();
  return <>{isProvince(province) ? t(`province.${province}`) : province}</>;
}
