import { useTranslation } from 'react-i18next';
import { TermTag } from './TermTag';

/** 个人信息 / 敏感个人信息 (PIPL art. 28) on a data item; nothing for an item that is neither. */
export function PersonalInfoTag({ personal, sensitive }: { personal: boolean; sensitive: boolean }) {
  const { t } = useTranslation();
  if (sensitive) return <TermTag tone="magenta">{t('pii.sensitive')}</TermTag>;
  if (personal) return <TermTag tone="purple">{t('pii.personal')}</TermTag>;
  return null;
}
