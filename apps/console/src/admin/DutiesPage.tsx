import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Switch, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { SharingTierTag } from '../components/SharingTierTag';
import { TermTag } from '../components/TermTag';
import { formatDateTime, formatDay, useLanguage } from '../i18n';
import { DutyForm } from './DutyForm';
import { useClassTable, useProvinceAgencies } from './directory';
import { NegativeEntryForm } from './NegativeEntryForm';
import { RemovalDialog } from './RemovalDialog';
import type { Duty, NegativeEntry } from './types';

type ListKey = 'duties' | 'negative';

/**
 * 共享责任清单 and 负面清单: the province admin's two lists — what each agency must catalogue and
 * share, and what must not be shared — each line added with a form and taken off with a reason. The
 * catalogue service keeps both, with who changed what and why.
 */
export default function DutiesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const list: ListKey = params.get('list') === 'negative' ? 'negative' : 'duties';

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('admin.duties.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('admin.duties.title')}
      </Typography.Title>
      <Tabs
        activeKey={list}
        onChange={(key) => setParams(key === 'negative' ? { list: 'negative' } : {}, { replace: true })}
        items={[
          { key: 'duties', label: t('admin.duties.tab'), children: <DutyList /> },
          { key: 'negative', label: t('admin.negative.tab'), children: <NegativeList /> },
        ]}
      />
    </Space>
  );
}

/** Who put a line on a list and when; for a removed line, who took it off, when and why. */
function TrailCell({ line }: { line: Duty | NegativeEntry }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <Space orientation="vertical" size={0} style={{ maxWidth: 240 }}>
      <span>{line.createdBy}</span>
      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
        {formatDateTime(line.createdAt, language)}
      </Typography.Text>
      {line.removedAt && (
        <Typography.Text type="secondary">
          {t('admin.common.removedBy', {
            by: line.removedBy ?? '',
            at: formatDateTime(line.removedAt, language),
            reason: line.removedReason ?? '',
          })}
        </Typography.Text>
      )}
    </Space>
  );
}

function ListToolbar({
  intro,
  addLabel,
  onAdd,
  showRemoved,
  onShowRemoved,
}: {
  intro: string;
  addLabel: string;
  onAdd: () => void;
  showRemoved: boolean;
  onShowRemoved: (v: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{intro}</Typography.Paragraph>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space>
          <Switch checked={showRemoved} onChange={onShowRemoved} aria-label={t('admin.common.showRemoved')} />
          <span aria-hidden>{t('admin.common.showRemoved')}</span>
        </Space>
        <Button type="primary" onClick={onAdd}>
          {addLabel}
        </Button>
      </Space>
    </Space>
  );
}

function useRemoval<T extends { id: string }>(
  remove: (id: string, reason: string) => Promise<unknown>,
  listKey: string,
) {
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<T>();
  const mutation = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => remove(id, reason),
    onSuccess: async () => {
      setRemoving(undefined);
      await queryClient.invalidateQueries({ queryKey: [listKey] });
      await queryClient.invalidateQueries({ queryKey: ['admin-compliance'] });
    },
  });
  return {
    removing,
    start: (line: T) => {
      mutation.reset();
      setRemoving(line);
    },
    cancel: () => setRemoving(undefined),
    mutation,
  };
}

function DutyList() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [showRemoved, setShowRemoved] = useState(false);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string>();
  const agencies = useProvinceAgencies();
  const classes = useClassTable();
  const duties = useQuery({
    queryKey: ['admin-duties', showRemoved],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/duties', {
          params: { query: { includeRemoved: showRemoved ? 'true' : 'false' } },
          signal,
        }),
      ),
  });
  const removal = useRemoval<Duty>(
    (id, reason) => unwrap(api.DELETE('/api/catalog/v1/duties/{id}', { params: { path: { id } }, body: { reason } })),
    'admin-duties',
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ListToolbar
        intro={t('admin.duties.intro')}
        addLabel={t('admin.duties.add')}
        onAdd={() => {
          setNotice(undefined);
          setAdding(true);
        }}
        showRemoved={showRemoved}
        onShowRemoved={setShowRemoved}
      />
      {notice && <Alert type="success" showIcon title={notice} closable={{ onClose: () => setNotice(undefined) }} />}
      {adding && (
        <DutyForm
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            setNotice(t('admin.duties.added'));
            void queryClient.invalidateQueries({ queryKey: ['admin-duties'] });
            void queryClient.invalidateQueries({ queryKey: ['admin-compliance'] });
          }}
        />
      )}
      {duties.error ? (
        <ProblemAlert error={duties.error} onRetry={() => void duties.refetch()} />
      ) : (
        <Card size="small">
          <Table<Duty>
            rowKey="id"
            size="middle"
            scroll={{ x: 'max-content' }}
            loading={duties.isPending}
            dataSource={duties.data?.items ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            aria-label={t('admin.duties.tab')}
            locale={{ emptyText: t('admin.duties.empty') }}
            columns={[
              {
                key: 'agency',
                title: t('admin.duties.agency'),
                render: (_: unknown, d) => (
                  <Space orientation="vertical" size={0}>
                    <span>{agencies.data?.get(d.agencyCreditCode)?.name ?? d.agencyCreditCode}</span>
                    <Typography.Text type="secondary">{d.agencyCreditCode}</Typography.Text>
                  </Space>
                ),
              },
              {
                key: 'name',
                title: t('admin.duties.name'),
                render: (_: unknown, d) => (
                  <Space orientation="vertical" size={0} style={{ maxWidth: 260 }}>
                    <Space size={4} wrap>
                      <span>{d.name}</span>
                      {d.removedAt && <TermTag tone="grey">{t('admin.common.removed')}</TermTag>}
                    </Space>
                    {d.note && <Typography.Text type="secondary">{d.note}</Typography.Text>}
                  </Space>
                ),
              },
              {
                key: 'class',
                title: t('admin.duties.classCode'),
                render: (_: unknown, d) => (
                  <Space orientation="vertical" size={0}>
                    <Typography.Text code>{d.classCode}</Typography.Text>
                    <Typography.Text type="secondary">{classes.data?.get(d.classCode)?.name ?? ''}</Typography.Text>
                  </Space>
                ),
              },
              {
                key: 'tier',
                title: t('admin.duties.sharingTier'),
                render: (_: unknown, d) => (d.sharingTier ? <SharingTierTag tier={d.sharingTier} /> : t('common.none')),
              },
              {
                key: 'due',
                title: t('admin.duties.dueDate'),
                render: (_: unknown, d) => (d.dueDate ? formatDay(d.dueDate, language) : t('common.none')),
              },
              { key: 'trail', title: t('admin.common.trail'), render: (_: unknown, d) => <TrailCell line={d} /> },
              {
                key: 'actions',
                title: t('admin.common.actions'),
                render: (_: unknown, d) =>
                  d.removedAt ? null : (
                    <Button
                      size="small"
                      aria-label={`${t('admin.common.remove')} ${d.name}`}
                      onClick={() => removal.start(d)}
                    >
                      {t('admin.common.remove')}
                    </Button>
                  ),
              },
            ]}
          />
        </Card>
      )}
      <RemovalDialog
        open={removal.removing !== undefined}
        title={t('admin.duties.removeTitle')}
        what={
          removal.removing
            ? `${agencies.data?.get(removal.removing.agencyCreditCode)?.name ?? removal.removing.agencyCreditCode} · ${removal.removing.classCode} · ${removal.removing.name}`
            : ''
        }
        pending={removal.mutation.isPending}
        error={removal.mutation.error}
        onCancel={removal.cancel}
        onConfirm={(reason) => removal.removing && removal.mutation.mutate({ id: removal.removing.id, reason })}
      />
    </Space>
  );
}

function NegativeList() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [showRemoved, setShowRemoved] = useState(false);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string>();
  const classes = useClassTable();
  const entries = useQuery({
    queryKey: ['admin-negative', showRemoved],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/negative-list', {
          params: { query: { includeRemoved: showRemoved ? 'true' : 'false' } },
          signal,
        }),
      ),
  });
  const removal = useRemoval<NegativeEntry>(
    (id, reason) =>
      unwrap(api.DELETE('/api/catalog/v1/negative-list/{id}', { params: { path: { id } }, body: { reason } })),
    'admin-negative',
  );
  const targetOf = (n: NegativeEntry) =>
    n.classCode ? `${n.classCode} ${classes.data?.get(n.classCode)?.name ?? ''}`.trim() : (n.resourceId ?? '');

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ListToolbar
        intro={t('admin.negative.intro')}
        addLabel={t('admin.negative.add')}
        onAdd={() => {
          setNotice(undefined);
          setAdding(true);
        }}
        showRemoved={showRemoved}
        onShowRemoved={setShowRemoved}
      />
      {notice && <Alert type="success" showIcon title={notice} closable={{ onClose: () => setNotice(undefined) }} />}
      {adding && (
        <NegativeEntryForm
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            setNotice(t('admin.negative.added'));
            void queryClient.invalidateQueries({ queryKey: ['admin-negative'] });
            void queryClient.invalidateQueries({ queryKey: ['admin-compliance'] });
          }}
        />
      )}
      {entries.error ? (
        <ProblemAlert error={entries.error} onRetry={() => void entries.refetch()} />
      ) : (
        <Card size="small">
          <Table<NegativeEntry>
            rowKey="id"
            size="middle"
            scroll={{ x: 'max-content' }}
            loading={entries.isPending}
            dataSource={entries.data?.items ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            aria-label={t('admin.negative.tab')}
            locale={{ emptyText: t('admin.negative.empty') }}
            columns={[
              {
                key: 'target',
                title: t('admin.negative.target'),
                render: (_: unknown, n) => (
                  <Space orientation="vertical" size={0}>
                    <Space size={4} wrap>
                      <TermTag tone="purple">
                        {n.classCode ? t('admin.negative.byClass') : t('admin.negative.byEntry')}
                      </TermTag>
                      {n.removedAt && <TermTag tone="grey">{t('admin.common.removed')}</TermTag>}
                    </Space>
                    {n.classCode ? (
                      <span>
                        <Typography.Text code>{n.classCode}</Typography.Text>{' '}
                        {classes.data?.get(n.classCode)?.name ?? ''}
                      </span>
                    ) : (
                      <Link to={`/catalog/${encodeURIComponent(n.resourceId ?? '')}`}>{n.resourceId}</Link>
                    )}
                  </Space>
                ),
              },
              { key: 'reason', title: t('admin.negative.reason'), dataIndex: 'reason', width: 260 },
              { key: 'legalBasis', title: t('admin.negative.legalBasis'), dataIndex: 'legalBasis', width: 260 },
              { key: 'trail', title: t('admin.common.trail'), render: (_: unknown, n) => <TrailCell line={n} /> },
              {
                key: 'actions',
                title: t('admin.common.actions'),
                render: (_: unknown, n) =>
                  n.removedAt ? null : (
                    <Button
                      size="small"
                      aria-label={`${t('admin.common.remove')} ${targetOf(n)}`}
                      onClick={() => removal.start(n)}
                    >
                      {t('admin.common.remove')}
                    </Button>
                  ),
              },
            ]}
          />
        </Card>
      )}
      <RemovalDialog
        open={removal.removing !== undefined}
        title={t('admin.negative.removeTitle')}
        what={removal.removing ? targetOf(removal.removing) : ''}
        pending={removal.mutation.isPending}
        error={removal.mutation.error}
        onCancel={removal.cancel}
        onConfirm={(reason) => removal.removing && removal.mutation.mutate({ id: removal.removing.id, reason })}
      />
    </Space>
  );
}
