import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { useAgencyNames } from '../catalog/agencies';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { ConsentStatusTag } from '../consents/ConsentStatusTag';
import { GiveConsentForm } from '../consents/GiveConsentForm';
import { type Consent, isFetchType } from '../consents/types';
import { formatDateTime, useLanguage } from '../i18n';

// antd's danger red (#ff4d4f) is 3.3:1 on white: a darker red for WCAG AA, as TermTag's
const dangerRed = '#a8071a';
const revokeColours = {
  button: { color: dangerRed, borderColor: dangerRed },
  confirm: { background: dangerRed, borderColor: dangerRed },
};

/**
 * 我的授权书: the data subject's consents (本人授权) — who may use which of their data, for what and
 * until when; give a new one, revoke one. The consent service signs, lists and revokes; the page only asks.
 */
export default function ConsentsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [giving, setGiving] = useState(false);
  // what the last action did, said where the user looks (antd's toast needs its App wrapper)
  const [notice, setNotice] = useState<string | undefined>();

  const consents = useQuery({
    queryKey: ['consents'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/consents', { signal })),
  });
  const agencyName = useAgencyNames();
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/consent/v1/consents/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setNotice(t('consents.revoked'));
      return queryClient.invalidateQueries({ queryKey: ['consents'] });
    },
  });

  const columns = [
    {
      key: 'requester',
      title: t('consents.requester'),
      render: (_: unknown, c: Consent) => (
        <Space orientation="vertical" size={0}>
          <span>{agencyName(c.requesterAgency)}</span>
          <Typography.Text type="secondary">{provinceLabel(t, c.requesterProvince)}</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'resource',
      title: t('consents.resource'),
      render: (_: unknown, c: Consent) => (
        <Link to={`/catalog/${encodeURIComponent(c.resourceId)}`} style={{ whiteSpace: 'nowrap' }}>
          {c.resourceId}
        </Link>
      ),
    },
    { key: 'items', title: t('consents.items'), width: 220, render: (_: unknown, c: Consent) => c.items.join('、') },
    { key: 'purpose', title: t('consents.purpose'), dataIndex: 'purpose', width: 180 },
    {
      key: 'validUntil',
      title: t('consents.validUntil'),
      render: (_: unknown, c: Consent) => formatDateTime(c.validUntil, language),
    },
    {
      key: 'fetchType',
      title: t('consents.fetchType'),
      render: (_: unknown, c: Consent) => (isFetchType(c.fetchType) ? t(`consents.fetch.${c.fetchType}`) : c.fetchType),
    },
    {
      key: 'status',
      title: t('consents.status'),
      render: (_: unknown, c: Consent) => <ConsentStatusTag status={c.status} />,
    },
    {
      key: 'actions',
      title: t('consents.actions'),
      render: (_: unknown, c: Consent) =>
        c.status === 'active' ? (
          <Popconfirm
            title={t('consents.revokeConfirm')}
            description={t('consents.revokeConsequence')}
            okText={t('consents.revoke')}
            cancelText={t('consents.cancel')}
            okButtonProps={{ danger: true, style: revokeColours.confirm }}
            onConfirm={() => revoke.mutateAsync(c.id)}
          >
            <Button danger size="small" style={revokeColours.button}>
              {t('consents.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('consents.title')}</PageTitle>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('consents.title')}
        </Typography.Title>
        <Button
          type="primary"
          onClick={() => {
            setNotice(undefined);
            setGiving(true);
          }}
        >
          {t('consents.give')}
        </Button>
      </Space>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('consents.intro')}</Typography.Paragraph>
      {notice && <Alert type="success" showIcon title={notice} closable={{ onClose: () => setNotice(undefined) }} />}
      {revoke.error && <ProblemAlert error={revoke.error} />}
      {consents.error ? (
        <ProblemAlert error={consents.error} onRetry={() => void consents.refetch()} />
      ) : (
        <Card size="small">
          <Table<Consent>
            rowKey="id"
            size="middle"
            loading={consents.isPending}
            dataSource={consents.data?.consents ?? []}
            columns={columns}
            pagination={false}
            locale={{ emptyText: t('consents.empty') }}
          />
        </Card>
      )}
      <Modal
        open={giving}
        title={t('consents.giveTitle')}
        onCancel={() => setGiving(false)}
        footer={null}
        width={760}
        destroyOnHidden
      >
        <GiveConsentForm
          onGiven={() => {
            setGiving(false);
            setNotice(t('consents.given'));
            void queryClient.invalidateQueries({ queryKey: ['consents'] });
          }}
        />
      </Modal>
    </Space>
  );
}
