import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import type { Application } from './types';

/**
 * 办理期限: the provider's due date for the open stage and the working days left until it, both
 * computed by the provider under its calendar; nothing once the application is decided.
 */
export function ProviderDeadline({ application }: { application: Application | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const left = application?.workingDaysLeft;
  if (!application || left === undefined || left === null || application.dueAt === '') return <span>—</span>;
  return (
    <Space orientation="vertical" size={2}>
      <span>{formatDateTime(application.dueAt, language)}</span>
      <Space size={4} wrap>
        {left > 0 && <Typography.Text>{t('requester.applications.daysLeft', { count: left })}</Typography.Text>}
        {left === 0 && !application.overdue && <TermTag tone="orange">{t('requester.applications.dueToday')}</TermTag>}
        {application.overdue && (
          <TermTag tone="red">
            {left < 0 ? t('requester.applications.overdueBy', { count: -left }) : t('requester.applications.overdue')}
          </TermTag>
        )}
      </Space>
    </Space>
  );
}
