import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Spin, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { QueryPanel } from './QueryPanel';
import { type Grant, type GrantMode, isGrantStatus, type Resource } from './types';
import { VerifyPanel } from './VerifyPanel';

/**
 * 使用授权: one grant of the requester's agency — which entry, which items, which modes, until when —
 * and what its modes allow: a query (masked records) or a verification (match / no match per claim).
 * The consent and exchange services decide; a refusal is shown as they say it.
 */
export default function UseGrantPage() {
  const { t } = useTranslation();
  const api = useApi();
  const { grantId = '' } = useParams();

  const grant = useQuery({
    queryKey: ['grant', grantId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/consent/v1/grants/{id}', { params: { path: { id: grantId } }, signal })),
  });
  const resourceId = grant.data?.resourceId;
  const resource = useQuery({
    queryKey: ['exchange-resource', resourceId],
    enabled: resourceId !== undefined,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id: resourceId ?? '' } }, signal })),
  });

  const g = grant.data;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('exchange.use.title')}</PageTitle>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('exchange.use.title')}
        </Typography.Title>
        <Link to="/my/grants">{t('exchange.use.back')}</Link>
      </Space>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('exchange.use.intro')}</Typography.Paragraph>
      {grant.error && <ProblemAlert error={grant.error} onRetry={() => void grant.refetch()} />}
      {grant.isPending && <Spin aria-label={t('common.loading')} />}
      {g && (
        <>
          <GrantCard grant={g} resource={resource.data} />
          {resource.error && <ProblemAlert error={resource.error} onRetry={() => void resource.refetch()} />}
          {g.status !== 'active' && <Alert type="warning" showIcon title={t('exchange.use.notActive')} />}
          <GrantModes grant={g} resource={resource.data} />
        </>
      )}
    </Space>
  );
}

function GrantStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const tone = status === 'active' ? 'green' : status === 'revoked' ? 'red' : 'grey';
  return <TermTag tone={tone}>{isGrantStatus(status) ? t(`exchange.grantStatus.${status}`) : status}</TermTag>;
}

function ModeTags({ modes }: { modes: readonly GrantMode[] }) {
  const { t } = useTranslation();
  if (modes.length === 0) return <>{t('common.none')}</>;
  return (
    <Space size={[0, 4]} wrap>
      {modes.map((m) => (
        <TermTag key={m} tone="blue">
          {t(`exchange.mode.${m}`)}
        </TermTag>
      ))}
    </Space>
  );
}

/** What the grant allows, as the consent service holds it. */
function GrantCard({ grant: g, resource }: { grant: Grant; resource: Resource | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const provider = g.resourceId.split('.', 1)[0] ?? '';
  const labelOf = (item: string) => resource?.items.find((i) => i.name === item)?.label;
  return (
    <Card
      size="small"
      data-testid="grant"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('exchange.use.grant')}</h2>}
    >
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'resource',
            label: t('exchange.use.resource'),
            span: 2,
            children: (
              <Space size={8} wrap>
                <Link to={`/catalog/${encodeURIComponent(g.resourceId)}`}>{resource?.name ?? g.resourceId}</Link>
                <Typography.Text type="secondary">{g.resourceId}</Typography.Text>
              </Space>
            ),
          },
          {
            key: 'provider',
            label: t('exchange.use.provider'),
            children: (
              <>
                {provinceLabel(t, provider)}
                {resource?.provider?.name ? ` · ${resource.provider.name}` : ''}
              </>
            ),
          },
          { key: 'status', label: t('exchange.use.status'), children: <GrantStatusTag status={g.status} /> },
          {
            key: 'items',
            label: t('exchange.use.items'),
            span: 2,
            children: (
              <Space size={[4, 4]} wrap>
                {g.items.map((i) => (
                  <TermTag key={i} tone="grey">
                    {labelOf(i) ? `${labelOf(i)} ${i}` : i}
                  </TermTag>
                ))}
              </Space>
            ),
          },
          { key: 'modes', label: t('exchange.use.modes'), children: <ModeTags modes={g.modes} /> },
          {
            key: 'rate',
            label: t('exchange.use.rate'),
            children: t('exchange.use.ratePerMinute', { count: g.ratePerMinute }),
          },
          { key: 'purpose', label: t('exchange.use.purpose'), span: 2, children: g.purpose },
          {
            key: 'validUntil',
            label: t('exchange.use.validUntil'),
            children: formatDateTime(g.validUntil, language),
          },
          {
            key: 'id',
            label: t('exchange.use.grantId'),
            children: <Typography.Text copyable>{g.id}</Typography.Text>,
          },
        ]}
      />
    </Card>
  );
}

/** One tab per mode the grant covers; a subscription is made on 我的订阅. */
function GrantModes({ grant: g, resource }: { grant: Grant; resource: Resource | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const tabs = [
    ...(g.modes.includes('query')
      ? [
          {
            key: 'query',
            label: t('exchange.query.tab'),
            children: resource ? <QueryPanel grant={g} resource={resource} /> : <Spin />,
          },
        ]
      : []),
    ...(g.modes.includes('verify')
      ? [
          {
            key: 'verify',
            label: t('exchange.verify.tab'),
            children: resource ? <VerifyPanel grant={g} resource={resource} /> : <Spin />,
          },
        ]
      : []),
  ];
  return (
    <>
      {tabs.length > 0 && (
        <Card size="small">
          <Tabs items={tabs} />
        </Card>
      )}
      {g.modes.includes('subscribe') && (
        <Alert
          type="info"
          showIcon
          title={t('exchange.use.subscribeHint')}
          action={
            <Button
              size="small"
              type="primary"
              onClick={() => void navigate(`/my/subscriptions?grantId=${encodeURIComponent(g.id)}`)}
            >
              {t('exchange.use.subscribe')}
            </Button>
          }
        />
      )}
      {g.modes.length === 0 && <Alert type="info" showIcon title={t('exchange.use.noModes')} />}
    </>
  );
}
