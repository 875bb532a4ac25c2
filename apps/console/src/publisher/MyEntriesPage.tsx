import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Space, Table, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { Pager } from '../components/Pager';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, useLanguage } from '../i18n';
import { type EntryStatus, entryStatuses, isEntryStatus } from '../vocabulary';
import { EntryStatusTag } from './EntryStatusTag';
import { ExportButtons } from './ExportButtons';
import type { OwnEntry } from './types';

const pageSize = 20;
const entryPath = (id: string) => `/my/entries/${encodeURIComponent(id)}`;

/**
 * 我的目录: the agency's entries in every state, the most recently changed first, with the count in
 * each state; a draft is edited and submitted for review from here, every entry viewed and its
 * history read. Which entries are the agency's is the catalogue's decision (own-resources).
 */
export default function MyEntriesPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = isEntryStatus(params.get('status')) ? (params.get('status') as EntryStatus) : undefined;
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const set = (next: { status?: EntryStatus | undefined; q?: string; page?: number }) => {
    const merged = { status, q, page: 1, ...next };
    const p = new URLSearchParams();
    if (merged.status) p.set('status', merged.status);
    if (merged.q) p.set('q', merged.q);
    if (merged.page > 1) p.set('page', String(merged.page));
    setParams(p);
  };

  const own = useQuery({
    queryKey: ['own-entries', { status, q, page }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/own-resources', {
          params: { query: { ...(status ? { status } : {}), ...(q ? { q } : {}), page, pageSize } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const submit = useMutation({
    mutationFn: (e: OwnEntry) =>
      unwrap(api.POST('/api/catalog/v1/resources/{id}/submit', { params: { path: { id: e.id } } })),
    onSuccess: async (e) => {
      await queryClient.invalidateQueries({ queryKey: ['own-entries'] });
      await queryClient.invalidateQueries({ queryKey: ['catalog-entry', e.id] });
    },
  });

  const counts = own.data?.counts;
  const all = counts ? entryStatuses.reduce((n, s) => n + counts[s], 0) : undefined;
  const withCount = (label: string, n: number | undefined) => (n === undefined ? label : `${label} (${n})`);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('publisher.entries.title')}</PageTitle>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('publisher.entries.title')}
        </Typography.Title>
        <Space wrap>
          <Button type="primary" onClick={() => navigate('/my/entries/new')}>
            {t('publisher.entries.new')}
          </Button>
          <Button onClick={() => navigate('/my/entries/import')}>{t('publisher.entries.import')}</Button>
          <ExportButtons />
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('publisher.entries.intro')}
      </Typography.Paragraph>
      <Input.Search
        aria-label={t('publisher.entries.search')}
        placeholder={t('publisher.entries.searchPlaceholder')}
        defaultValue={q}
        key={q}
        allowClear
        maxLength={100}
        enterButton={t('search.submit')}
        onSearch={(value) => set({ q: value.trim() })}
        style={{ maxWidth: 560 }}
      />
      <Tabs
        aria-label={t('publisher.entries.tabs')}
        activeKey={status ?? 'all'}
        onChange={(key) => set({ status: isEntryStatus(key) ? key : undefined })}
        items={[
          { key: 'all', label: withCount(t('publisher.entries.all'), all) },
          ...entryStatuses.map((s) => ({ key: s, label: withCount(t(`status.${s}`), counts?.[s]) })),
        ]}
      />
      {own.error && <ProblemAlert error={own.error} onRetry={() => void own.refetch()} />}
      {submit.isSuccess && (
        <Alert
          type="success"
          showIcon
          title={t('publisher.entries.submitted', { name: submit.data.name })}
          data-testid="submitted"
        />
      )}
      {submit.error && <ProblemAlert error={submit.error} />}
      <Table
        size="small"
        rowKey="id"
        scroll={{ x: 'max-content' }}
        loading={own.isFetching}
        dataSource={own.data?.items ?? []}
        pagination={false}
        aria-label={t('publisher.entries.title')}
        locale={{ emptyText: t('publisher.entries.empty') }}
        columns={[
          {
            title: t('publisher.entries.name'),
            dataIndex: 'name',
            render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
          },
          {
            title: t('publisher.entries.code'),
            dataIndex: 'resourceCode',
            render: (code: string) => <Typography.Text code>{code}</Typography.Text>,
          },
          {
            title: t('publisher.entries.state'),
            dataIndex: 'status',
            render: (s: string) => <EntryStatusTag status={s} />,
          },
          {
            title: t('publisher.entries.version'),
            dataIndex: 'version',
            render: (v: number) => t('resource.versionN', { version: v }),
          },
          {
            title: t('publisher.entries.updated'),
            dataIndex: 'updatedAt',
            render: (at: string) => (at ? formatDateTime(at, language) : '—'),
          },
          {
            title: t('publisher.entries.actions'),
            key: 'actions',
            render: (_: unknown, e) => (
              <Space size="middle" wrap>
                {(e.status === 'draft' || e.status === 'published') && (
                  <Link to={`${entryPath(e.id)}/edit`} aria-label={`${t('publisher.entries.edit')} ${e.name}`}>
                    {t('publisher.entries.edit')}
                  </Link>
                )}
                {e.status === 'draft' && (
                  <Button
                    type="link"
                    size="small"
                    style={{ padding: 0, height: 'auto' }}
                    aria-label={`${t('publisher.entries.submit')} ${e.name}`}
                    loading={submit.isPending && submit.variables?.id === e.id}
                    onClick={() => submit.mutate(e)}
                  >
                    {t('publisher.entries.submit')}
                  </Button>
                )}
                <Link
                  to={`/catalog/${encodeURIComponent(e.id)}`}
                  aria-label={`${t('publisher.entries.view')} ${e.name}`}
                >
                  {t('publisher.entries.view')}
                </Link>
                <Link to={`${entryPath(e.id)}/history`} aria-label={`${t('publisher.entries.history')} ${e.name}`}>
                  {t('publisher.entries.history')}
                </Link>
              </Space>
            ),
          },
        ]}
      />
      {own.data && (
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Typography.Text type="secondary">{t('publisher.entries.total', { count: own.data.total })}</Typography.Text>
          <Pager page={page} pageSize={pageSize} total={own.data.total} onChange={(p) => set({ page: p })} />
        </Space>
      )}
    </Space>
  );
}
