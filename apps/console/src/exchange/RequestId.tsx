import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The request id of an answer: what the auditor traces the call by, in both provinces' trails. */
export function RequestId({ id }: { id: string }) {
  const { t } = useTranslation();
  return (
    <Typography.Text copyable code data-testid="request-id" title={t('exchange.query.requestIdHint')}>
      {id}
    </Typography.Text>
  );
}
