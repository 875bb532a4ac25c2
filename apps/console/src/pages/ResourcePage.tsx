import { useQuery } from '@tanstack/react-query';
import { Alert, Breadcrumb, Card, Col, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { isWorthRetrying } from '../api/problem';
import { useSignedIn } from '../auth';
import { DataItemTable } from '../components/DataItemTable';
import { EntryFacts } from '../components/EntryFacts';
import { GradeTag } from '../components/GradeTag';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { SharingTierTag } from '../components/SharingTierTag';
import { TermTag } from '../components/TermTag';
import { VersionHistory } from '../components/VersionHistory';
import { ApplyLink } from '../requester/ApplyLink';
import { isEntryStatus } from '../vocabulary';

/**
 * 目录条目: one entry with its data items, terms of sharing and versions. `?version=n` shows an
 * earlier version as it was; the provider agency and the province admin also see the change log.
 */
export default function ResourcePage() {
  const { t } = useTranslation();
  const api = useApi();
  const { claims } = useSignedIn();
  const id = useParams().id ?? '';
  const [params, setParams] = useSearchParams();
  const asked = Number.parseInt(params.get('version') ?? '', 10);

  const current = useQuery({
    queryKey: ['catalog-entry', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id } }, signal })),
  });
  const latest = current.data?.version ?? 0;
  const viewing = Number.isInteger(asked) && asked >= 1 && asked !== latest ? asked : undefined;
  const earlier = useQuery({
    queryKey: ['catalog-entry', id, 'version', viewing],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/resources/{id}/versions/{version}', {
          params: { path: { id, version: viewing ?? 1 } },
          signal,
        }),
      ),
    enabled: viewing !== undefined && current.isSuccess,
  });
  // the change log is the provider's and the admin's; the API decides, the console only avoids asking in vain
  const mayManage =
    current.data?.province === claims.province && claims.roles.some((r) => r === 'publisher' || r === 'admin');
  const changes = useQuery({
    queryKey: ['catalog-entry', id, 'history'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}/history', { params: { path: { id } }, signal })),
    enabled: mayManage,
    retry: false,
  });

  if (current.error) {
    return (
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <PageTitle>{id}</PageTitle>
        <Breadcrumb items={[{ title: <Link to="/catalog">{t('search.title')}</Link> }, { title: id }]} />
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {id}
        </Typography.Title>
        <ProblemAlert error={current.error} onRetry={() => void current.refetch()} />
      </Space>
    );
  }
  if (current.isPending) return <Spin aria-label={t('common.loading')} />;
  const entry = viewing !== undefined && earlier.data ? earlier.data : current.data;
  // another agency's entry: the log is not theirs to see, which is no failure worth showing
  const changesFailed = changes.error !== null && isWorthRetrying(changes.error);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{entry.name}</PageTitle>
      <Breadcrumb items={[{ title: <Link to="/catalog">{t('search.title')}</Link> }, { title: entry.name }]} />
      <Space orientation="vertical" size={8}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {entry.name}
        </Typography.Title>
        <Space size={[0, 4]} wrap>
          <SharingTierTag tier={entry.sharingTier} />
          <SharingTierTag tier={entry.openTier} open />
          <GradeTag grade={entry.grade} />
          <TermTag tone="grey">{t('resource.versionN', { version: entry.version })}</TermTag>
          {entry.status !== 'published' && (
            <TermTag tone="orange">{isEntryStatus(entry.status) ? t(`status.${entry.status}`) : entry.status}</TermTag>
          )}
        </Space>
        {claims.roles.includes('requester') && entry.sharingTier === 'conditional' && <ApplyLink resourceId={id} />}
      </Space>
      {viewing !== undefined && earlier.data && (
        <Alert
          type="info"
          showIcon
          title={t('versions.viewing', { version: viewing, current: latest })}
          action={<Link to={`/catalog/${encodeURIComponent(id)}`}>{t('versions.backToCurrent')}</Link>}
        />
      )}
      {earlier.error && <ProblemAlert error={earlier.error} />}
      {entry.summary && <Typography.Paragraph style={{ marginBottom: 0 }}>{entry.summary}</Typography.Paragraph>}
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={17}>
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <EntryFacts entry={entry} />
            <Card
              size="small"
              title={
                <h2 style={{ fontSize: 16, margin: 0 }}>
                  {t('resource.items')}（{t('resource.itemsCount', { count: entry.items.length })}）
                </h2>
              }
            >
              <DataItemTable items={entry.items} keyItems={entry.keyItems} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={7}>
          <VersionHistory
            current={latest}
            viewing={viewing ?? latest}
            onView={(v) => setParams(v === latest ? {} : { version: String(v) })}
            changes={changes.data?.history}
          />
          {changesFailed && <ProblemAlert error={changes.error} onRetry={() => void changes.refetch()} />}
        </Col>
      </Row>
    </Space>
  );
}
