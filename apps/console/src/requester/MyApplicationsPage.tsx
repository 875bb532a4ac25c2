import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, Row, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { ApplicationStatusTag } from '../components/ApplicationStatusTag';
import { Pager } from '../components/Pager';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { applicationStatuses, isApplicationStatus } from '../vocabulary';
import { OutgoingApplicationCard } from './OutgoingApplicationCard';
import { ProviderDeadline } from './ProviderDeadline';
import type { OutgoingApplication } from './types';

const pageSize = 20;

/**
 * 我的申请: the applications the requester's agency made, newest first, with their state at the
 * provider province and the provider's deadline in its working days (the consent service reads both
 * from the providers; a province that does not answer shows its last known state, flagged). One
 * opened below the list with its steps, and a request for coordination after a refusal.
 */
export default function MyApplicationsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const openId = params.get('open') ?? undefined;
  const justSubmitted = (location.state as { submitted?: string } | null)?.submitted;
  const change = (updates: Record<string, string | undefined>) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const [key, value] of Object.entries(updates)) {
          if (value === undefined) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  const query = { ...(isApplicationStatus(status) ? { status } : {}), page, pageSize };
  const list = useQuery({
    queryKey: ['outgoing-applications', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/outgoing-applications', { params: { query }, signal })),
  });
  const rows = list.data?.applications ?? [];
  const anyUnreachable = rows.some((r) => r.unreachable);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('requester.applications.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('requester.applications.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 880 }}>
        {t('requester.applications.intro')}
      </Typography.Paragraph>
      {justSubmitted && <Alert type="success" showIcon title={t('requester.apply.submitted')} />}
      <search aria-label={t('requester.applications.filter')}>
        <Space wrap size="middle">
          <Select
            aria-label={t('requester.applications.filter')}
            style={{ minWidth: 200 }}
            value={isApplicationStatus(status) ? status : ''}
            onChange={(v: string) => change({ status: v === '' ? undefined : v, page: undefined })}
            options={[
              { value: '', label: t('requester.applications.allStatuses') },
              ...applicationStatuses.map((s) => ({ value: s, label: t(`applicationStatus.${s}`) })),
            ]}
          />
          <Button onClick={() => void list.refetch()} loading={list.isFetching && !list.isPending}>
            {t('requester.applications.refresh')}
          </Button>
        </Space>
      </search>
      {list.error && <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />}
      {anyUnreachable && <Alert type="warning" showIcon title={t('requester.applications.unreachable')} />}
      <Row gutter={[24, 24]}>
        <Col span={24}>
          <Table<OutgoingApplication>
            size="small"
            rowKey="id"
            scroll={{ x: 'max-content' }}
            loading={list.isPending}
            dataSource={rows}
            pagination={false}
            aria-label={t('requester.applications.title')}
            locale={{ emptyText: t('requester.applications.empty') }}
            rowClassName={(a) => (a.id === openId ? 'ant-table-row-selected' : '')}
            columns={[
              {
                key: 'resource',
                title: t('requester.applications.resource'),
                render: (_: unknown, a) => (
                  <Space orientation="vertical" size={0}>
                    <Link to={`/catalog/${encodeURIComponent(a.resourceId)}`}>{a.resourceName || a.resourceId}</Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {a.resourceId}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                key: 'provider',
                title: t('requester.applications.provider'),
                render: (_: unknown, a) => (
                  <Space orientation="vertical" size={0}>
                    <span>{provinceLabel(t, a.providerProvince)}</span>
                    {a.providerAgencyName && <Typography.Text type="secondary">{a.providerAgencyName}</Typography.Text>}
                  </Space>
                ),
              },
              {
                key: 'status',
                title: t('requester.applications.status'),
                render: (_: unknown, a) => (
                  <Space size={4} wrap>
                    <ApplicationStatusTag status={a.status} />
                    {a.unreachable && <TermTag tone="orange">{t('requester.applications.unreachableTag')}</TermTag>}
                  </Space>
                ),
              },
              {
                key: 'submittedAt',
                title: t('requester.applications.submittedAt'),
                render: (_: unknown, a) => formatDateTime(a.submittedAt, language),
              },
              {
                key: 'deadline',
                title: t('requester.applications.deadline'),
                render: (_: unknown, a) => <ProviderDeadline application={a.application} />,
              },
              {
                key: 'open',
                title: t('requester.applications.open'),
                render: (_: unknown, a) => (
                  <Button
                    size="small"
                    aria-label={t('requester.applications.openLabel', { name: a.resourceName || a.resourceId })}
                    onClick={() => change({ open: a.id })}
                  >
                    {t('requester.applications.open')}
                  </Button>
                ),
              },
            ]}
          />
        </Col>
        <Col span={24}>
          <Pager
            page={page}
            pageSize={pageSize}
            total={list.data?.total ?? 0}
            onChange={(p) => change({ page: String(p) })}
          />
        </Col>
        {openId && (
          <Col span={24}>
            <OutgoingApplicationCard key={openId} id={openId} onClose={() => change({ open: undefined })} />
          </Col>
        )}
      </Row>
    </Space>
  );
}
