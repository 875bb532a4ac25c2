import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { formatDateTime, useLanguage } from '../i18n';
import { NewSubscription } from './NewSubscription';
import { SubscriptionEvents } from './SubscriptionEvents';
import { SubscriptionStateTag } from './SubscriptionStateTag';
import type { Subscription } from './types';

// antd's danger red (#ff4d4f) is 3.3:1 on white: a darker red for WCAG AA, as ConsentsPage's
const dangerRed = '#a8071a';

/**
 * 我的订阅: the agency's subscriptions, a new one (under a grant with the subscribe mode, or to an
 * unconditional entry), ending one, and for the one opened its change events as they arrive.
 */
export default function SubscriptionsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const grantId = params.get('grantId') ?? '';
  const [creating, setCreating] = useState(grantId !== '');
  const [openId, setOpenId] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const list = useQuery({
    queryKey: ['subscriptions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/exchange/v1/subscriptions', { signal })),
  });
  const end = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/exchange/v1/subscriptions/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setNotice(t('exchange.subscriptions.ended'));
      return queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
    },
  });

  const columns = [
    {
      key: 'resource',
      title: t('exchange.subscriptions.resource'),
      render: (_: unknown, s: Subscription) => (
        <Space orientation="vertical" size={0} style={{ maxWidth: 260 }}>
          <Link to={`/catalog/${encodeURIComponent(s.resourceId)}`} style={{ whiteSpace: 'nowrap' }}>
            {s.resourceId}
          </Link>
          <Typography.Text type="secondary">{s.purpose}</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'provider',
      title: t('exchange.subscriptions.provider'),
      render: (_: unknown, s: Subscription) => provinceLabel(t, s.provider),
    },
    {
      key: 'items',
      title: t('exchange.subscriptions.items'),
      width: 200,
      render: (_: unknown, s: Subscription) => s.items.join('、'),
    },
    {
      key: 'status',
      title: t('exchange.subscriptions.status'),
      render: (_: unknown, s: Subscription) => (
        <Space orientation="vertical" size={0}>
          <SubscriptionStateTag state={s.status} />
          {s.ended && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('exchange.subscriptions.endedBecause', { reason: s.ended.code })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      key: 'createdAt',
      title: t('exchange.subscriptions.createdAt'),
      render: (_: unknown, s: Subscription) => formatDateTime(s.createdAt, language),
    },
    {
      key: 'actions',
      title: t('exchange.subscriptions.actions'),
      render: (_: unknown, s: Subscription) => (
        <Space size={4} wrap>
          <Button
            size="small"
            aria-label={`${t('exchange.subscriptions.open')} ${s.id}`}
            onClick={() => setOpenId(s.id)}
          >
            {t('exchange.subscriptions.open')}
          </Button>
          {s.status !== 'ended' && (
            <Popconfirm
              title={t('exchange.subscriptions.endConfirm')}
              description={t('exchange.subscriptions.endConsequence')}
              okText={t('exchange.subscriptions.end')}
              cancelText={t('exchange.subscriptions.cancel')}
              okButtonProps={{ danger: true, style: { background: dangerRed, borderColor: dangerRed } }}
              onConfirm={() => end.mutateAsync(s.id)}
            >
              <Button
                danger
                size="small"
                style={{ color: dangerRed, borderColor: dangerRed }}
                aria-label={`${t('exchange.subscriptions.end')} ${s.id}`}
              >
                {t('exchange.subscriptions.end')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const subscriptions = list.data?.items ?? [];
  const opened = subscriptions.find((s) => s.id === openId);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('exchange.subscriptions.title')}</PageTitle>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('exchange.subscriptions.title')}
        </Typography.Title>
        {!creating && (
          <Button
            type="primary"
            onClick={() => {
              setNotice(undefined);
              setCreating(true);
            }}
          >
            {t('exchange.subscriptions.new')}
          </Button>
        )}
      </Space>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('exchange.subscriptions.intro')}</Typography.Paragraph>
      {notice && <Alert type="success" showIcon title={notice} closable={{ onClose: () => setNotice(undefined) }} />}
      {creating && (
        <NewSubscription
          grantId={grantId}
          onCancel={() => {
            setCreating(false);
            setParams({}, { replace: true });
          }}
          onCreated={(s) => {
            setCreating(false);
            setParams({}, { replace: true });
            setNotice(t('exchange.subscriptions.created'));
            setOpenId(s.id);
            void queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
          }}
        />
      )}
      {end.error && <ProblemAlert error={end.error} />}
      {list.error ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('exchange.subscriptions.list')}</h2>}>
          <Table<Subscription>
            rowKey="id"
            size="middle"
            aria-label={t('exchange.subscriptions.list')}
            scroll={{ x: 'max-content' }}
            loading={list.isPending}
            dataSource={subscriptions}
            columns={columns}
            pagination={false}
            rowClassName={(s) => (s.id === openId ? 'ant-table-row-selected' : '')}
            locale={{ emptyText: t('exchange.subscriptions.empty') }}
          />
        </Card>
      )}
      {opened && <SubscriptionEvents key={opened.id} subscription={opened} onClose={() => setOpenId(undefined)} />}
    </Space>
  );
}
