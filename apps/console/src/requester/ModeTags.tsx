import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { TermTag } from '../components/TermTag';
import { isApplicationMode } from './types';

/** The modes of use an application asks for or a grant allows (查询 · 核验 · 订阅). */
export function ModeTags({ modes }: { modes: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <Space size={[0, 4]} wrap>
      {modes.map((m) => (
        <TermTag key={m} tone="blue">
          {isApplicationMode(m) ? t(`requester.mode.${m}`) : m}
        </TermTag>
      ))}
    </Space>
  );
}
