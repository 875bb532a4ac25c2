import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import { type GrantStatus, isGrantStatus } from './types';

const toneOf: Record<GrantStatus, Tone> = { active: 'green', revoked: 'red', expired: 'grey' };

/** 授权状态: active 有效 · revoked 已撤销 · expired 已到期. */
export function GrantStateTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isGrantStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={toneOf[status]}>{t(`requester.grants.state.${status}`)}</TermTag>;
}
