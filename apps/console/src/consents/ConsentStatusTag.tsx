import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import { type ConsentStatus, isConsentStatus } from './types';

const tone: Record<ConsentStatus, Tone> = { active: 'green', revoked: 'red', expired: 'grey' };

/** 有效 / 已撤回 / 已过期: where a consent stands. */
export function ConsentStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isConsentStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={tone[status]}>{t(`consents.state.${status}`)}</TermTag>;
}
