import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Collapse, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import type { HistoryStep } from '../catalog/types';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, useLanguage } from '../i18n';
import { isHistoryAction } from '../vocabulary';
import { EntryStatusTag } from './EntryStatusTag';
import { VersionDiff } from './VersionDiff';

/**
 * 变更记录: every version of an entry, newest first, with who did what to it and when, and — opened
 * one at a time — what that version changed from the one before, field by field and data item by
 * data item. The log is the provider agency's and the admin's; the catalogue says who may read it.
 */
export default function EntryHistoryPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const id = useParams().id ?? '';
  const entry = useQuery({
    queryKey: ['catalog-entry', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id } }, signal })),
  });
  const history = useQuery({
    queryKey: ['catalog-entry', id, 'history'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}/history', { params: { path: { id } }, signal })),
  });

  const name = entry.data?.name ?? id;
  const title = t('publisher.history.title', { name });
  const steps = history.data?.history ?? [];
  const versions = [...new Set(steps.map((s) => s.version))].sort((a, b) => b - a);
  const stepLine = (s: HistoryStep) =>
    [
      formatDateTime(s.changedAt, language),
      isHistoryAction(s.action) ? t(`action.${s.action}`) : s.action,
      s.changedBy,
      ...(s.reason ? [`${t('versions.reason')}：${s.reason}`] : []),
    ].join(' · ');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{title}</PageTitle>
      <Breadcrumb
        items={[
          { title: <Link to="/my/entries">{t('publisher.entries.title')}</Link> },
          { title: <Link to={`/catalog/${encodeURIComponent(id)}`}>{name}</Link> },
          { title: t('publisher.entries.history') },
        ]}
      />
      <Space wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {title}
        </Typography.Title>
        {entry.data && <EntryStatusTag status={entry.data.status} />}
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('publisher.history.intro')}
      </Typography.Paragraph>
      {(entry.error ?? history.error) && (
        <ProblemAlert error={entry.error ?? history.error} onRetry={() => void history.refetch()} />
      )}
      {history.isPending && <Spin aria-label={t('common.loading')} />}
      {versions.length > 0 && (
        <Collapse
          defaultActiveKey={[String(versions[0])]}
          items={versions.map((v) => ({
            key: String(v),
            label: (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{t('publisher.history.version', { version: v })}</Typography.Text>
                {steps
                  .filter((s) => s.version === v)
                  .map((s) => (
                    <Typography.Text key={s.seq} type="secondary">
                      {stepLine(s)}
                    </Typography.Text>
                  ))}
              </Space>
            ),
            children: <VersionDiff id={id} version={v} />,
          }))}
        />
      )}
    </Space>
  );
}
