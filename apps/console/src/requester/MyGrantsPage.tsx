import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { formatDateTime, useLanguage } from '../i18n';
import { GrantStateTag } from './GrantStateTag';
import { ModeTags } from './ModeTags';
import type { OutgoingGrant } from './types';

/**
 * 我的授权: the grants the agency's approved applications created, read from the provider provinces
 * — which items, in which modes, until when, and whether still active (a provider may revoke). An
 * active grant leads to using it: a query or verification under that grant.
 */
export default function MyGrantsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const navigate = useNavigate();
  const grants = useQuery({
    queryKey: ['outgoing-grants'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/outgoing-grants', { signal })),
  });
  const unreachable = (grants.data?.unreachable ?? []).map((p) => provinceLabel(t, p));

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('requester.grants.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('requester.grants.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 880 }}>
        {t('requester.grants.intro')}
      </Typography.Paragraph>
      {unreachable.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('requester.grants.unreachable', { provinces: unreachable.join('、') })}
        />
      )}
      {grants.error && <ProblemAlert error={grants.error} onRetry={() => void grants.refetch()} />}
      <Table<OutgoingGrant>
        size="small"
        rowKey="id"
        scroll={{ x: 'max-content' }}
        loading={grants.isPending}
        dataSource={grants.data?.grants ?? []}
        pagination={false}
        aria-label={t('requester.grants.title')}
        locale={{ emptyText: t('requester.grants.empty') }}
        columns={[
          {
            key: 'resource',
            title: t('requester.grants.resource'),
            render: (_: unknown, g) => (
              <Space orientation="vertical" size={0} style={{ maxWidth: 240 }}>
                <Link to={`/catalog/${encodeURIComponent(g.resourceId)}`}>{g.resourceName || g.resourceId}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('requester.grants.purpose')}：{g.purpose}
                </Typography.Text>
              </Space>
            ),
          },
          {
            key: 'provider',
            title: t('requester.grants.provider'),
            render: (_: unknown, g) => (
              <Space orientation="vertical" size={0} style={{ maxWidth: 150 }}>
                <span>{provinceLabel(t, g.providerProvince)}</span>
                {g.providerAgencyName && <Typography.Text type="secondary">{g.providerAgencyName}</Typography.Text>}
              </Space>
            ),
          },
          {
            key: 'items',
            title: t('requester.grants.items'),
            render: (_: unknown, g) => <div style={{ maxWidth: 160 }}>{g.items.join('、')}</div>,
          },
          {
            key: 'modes',
            title: t('requester.grants.modes'),
            render: (_: unknown, g) => <ModeTags modes={g.modes} />,
          },
          {
            key: 'validUntil',
            title: t('requester.grants.validUntil'),
            render: (_: unknown, g) => formatDateTime(g.validUntil, language),
          },
          {
            key: 'status',
            title: t('requester.grants.status'),
            render: (_: unknown, g) => <GrantStateTag status={g.status} />,
          },
          {
            key: 'use',
            title: t('requester.grants.use'),
            render: (_: unknown, g) =>
              g.status === 'active' ? (
                <Button
                  size="small"
                  type="primary"
                  href={`/my/grants/${encodeURIComponent(g.id)}/use`}
                  aria-label={t('requester.grants.useLabel', { name: g.resourceName || g.resourceId })}
                  onClick={(e) => {
                    e.preventDefault();
                    void navigate(`/my/grants/${encodeURIComponent(g.id)}/use`);
                  }}
                >
                  {t('requester.grants.use')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
