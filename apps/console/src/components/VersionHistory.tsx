import { Button, Card, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { HistoryStep } from '../catalog/types';
import { formatDateTime, useLanguage } from '../i18n';
import { isHistoryAction } from '../vocabulary';

/**
 * 版本历史: every version of an entry, newest first, each one viewable as it was. For the provider
 * agency and the province admin the change log comes too (who did what, when and why).
 */
export function VersionHistory({
  current,
  viewing,
  onView,
  changes,
}: {
  current: number;
  viewing: number;
  onView: (version: number) => void;
  changes?: readonly HistoryStep[] | undefined;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const versions = Array.from({ length: Math.max(current, 1) }, (_, i) => Math.max(current, 1) - i);
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('versions.title')}</h2>}>
      <Timeline
        items={versions.map((v) => ({
          key: v,
          color: v === viewing ? 'blue' : 'gray',
          content: (
            <Space orientation="vertical" size={2}>
              <Space wrap>
                <Typography.Text strong={v === viewing}>{t('resource.versionN', { version: v })}</Typography.Text>
                {v === current && <Tag>{t('versions.current')}</Tag>}
                {v !== viewing && (
                  <Button size="small" type="link" onClick={() => onView(v)}>
                    {v === current ? t('versions.backToCurrent') : t('versions.view')}
                  </Button>
                )}
              </Space>
              {(changes ?? [])
                .filter((c) => c.version === v)
                .map((c) => (
                  <Typography.Text key={c.seq} type="secondary">
                    {formatDateTime(c.changedAt, language)} ·{' '}
                    {isHistoryAction(c.action) ? t(`action.${c.action}`) : c.action} · {c.changedBy}
                    {c.reason ? ` · ${t('versions.reason')}：${c.reason}` : ''}
                    {c.changedFields.length > 0 ? ` · ${t('versions.fields')}：${c.changedFields.join(', ')}` : ''}
                  </Typography.Text>
                ))}
            </Space>
          ),
        }))}
      />
    </Card>
  );
}
