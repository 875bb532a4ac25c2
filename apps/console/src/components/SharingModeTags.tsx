import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { isSharingMode } from '../vocabulary';
import { TermTag } from './TermTag';

/** 共享方式: query by key, 核验, subscription, file. */
export function SharingModeTags({ modes }: { modes: readonly string[] }) {
  const { t } = useTranslation();
  if (modes.length === 0) return <>{t('common.none')}</>;
  return (
    <Space size={[0, 4]} wrap>
      {modes.map((m) => (
        <TermTag key={m} tone="blue">
          {isSharingMode(m) ? t(`mode.${m}`) : m}
        </TermTag>
      ))}
    </Space>
  );
}
