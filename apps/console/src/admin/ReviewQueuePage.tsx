import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, Radio, Row, Space, Table, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import type { Entry } from '../catalog/types';
import { DataItemTable } from '../components/DataItemTable';
import { EntryFacts } from '../components/EntryFacts';
import { GradeTag } from '../components/GradeTag';
import { Pager } from '../components/Pager';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { SharingTierTag } from '../components/SharingTierTag';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { fieldHelp, placeProblem } from './fieldIssues';

type Decision = 'approve' | 'reject';
const pageSize = 20;

/**
 * 审核队列: the province's catalogue entries submitted for review, most recently changed first. One
 * is opened below the list with everything it says (provider, terms of sharing, grade, items with
 * their grades and personal-information labels, legal basis) and is published or sent back with a
 * reason. Whether it may be published (the negative list, the grading rules) is the catalogue's call.
 */
export default function ReviewQueuePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [openId, setOpenId] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const queue = useQuery({
    queryKey: ['admin-review-queue', q, page],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/catalog/v1/own-resources', {
          params: { query: { status: 'submitted', page, pageSize, ...(q ? { q } : {}) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const rows = queue.data?.items ?? [];
  const open = rows.find((r) => r.id === openId);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('admin.review.title')}</PageTitle>
      <Space orientation="vertical" size={4}>
        <Space size="middle" wrap>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t('admin.review.title')}
          </Typography.Title>
          {queue.data && (
            <TermTag tone={queue.data.counts.submitted > 0 ? 'orange' : 'green'}>
              {t('admin.review.waiting', { count: queue.data.counts.submitted })}
            </TermTag>
          )}
        </Space>
        <Typography.Text type="secondary">{t('admin.review.intro')}</Typography.Text>
      </Space>
      <Input.Search
        defaultValue={q}
        allowClear
        enterButton={t('admin.review.search')}
        placeholder={t('admin.review.searchPlaceholder')}
        aria-label={t('admin.review.searchPlaceholder')}
        style={{ maxWidth: 520 }}
        onSearch={(value) => {
          setOpenId(undefined);
          setParams(value.trim() ? { q: value.trim() } : {});
        }}
      />
      {notice && (
        <Alert
          type="success"
          showIcon
          title={notice}
          closable={{ onClose: () => setNotice(undefined) }}
          data-testid="reviewed"
        />
      )}
      {queue.error && <ProblemAlert error={queue.error} onRetry={() => void queue.refetch()} />}
      <Row gutter={[24, 24]}>
        <Col span={24}>
          <Card size="small">
            <Table<Entry>
              size="small"
              rowKey="id"
              scroll={{ x: 'max-content' }}
              loading={queue.isPending}
              dataSource={rows}
              pagination={false}
              aria-label={t('admin.review.title')}
              locale={{ emptyText: t('admin.review.empty') }}
              rowClassName={(r) => (r.id === openId ? 'ant-table-row-selected' : '')}
              columns={[
                {
                  key: 'name',
                  title: t('admin.review.entry'),
                  render: (_: unknown, r) => (
                    <Space orientation="vertical" size={0}>
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }}
                        aria-label={`${t('admin.review.open')} ${r.name}`}
                        onClick={() => {
                          setNotice(undefined);
                          setOpenId(r.id);
                        }}
                      >
                        {r.name}
                      </Button>
                      <Typography.Text type="secondary">{r.id}</Typography.Text>
                    </Space>
                  ),
                },
                { key: 'provider', title: t('resource.provider'), render: (_: unknown, r) => r.provider?.name ?? '' },
                {
                  key: 'classCode',
                  title: t('resource.classCode'),
                  render: (_: unknown, r) => <Typography.Text code>{r.classCode}</Typography.Text>,
                },
                { key: 'grade', title: t('resource.grade'), render: (_: unknown, r) => <GradeTag grade={r.grade} /> },
                {
                  key: 'tier',
                  title: t('resource.sharingTier'),
                  render: (_: unknown, r) => <SharingTierTag tier={r.sharingTier} />,
                },
                {
                  key: 'items',
                  title: t('resource.items'),
                  render: (_: unknown, r) => t('resource.itemsCount', { count: r.items.length }),
                },
                {
                  key: 'version',
                  title: t('resource.version'),
                  render: (_: unknown, r) => t('resource.versionN', { version: r.version }),
                },
                {
                  key: 'updatedAt',
                  title: t('admin.review.submittedAt'),
                  render: (_: unknown, r) => (
                    <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.updatedAt, language)}</span>
                  ),
                },
              ]}
            />
            {(queue.data?.total ?? 0) > pageSize && (
              <div style={{ marginTop: 12 }}>
                <Pager
                  page={page}
                  pageSize={pageSize}
                  total={queue.data?.total ?? 0}
                  onChange={(p) => setParams({ ...(q ? { q } : {}), page: String(p) })}
                />
              </div>
            )}
          </Card>
        </Col>
        {open && (
          <Col span={24}>
            <EntryReview
              key={open.id}
              entry={open}
              onClose={() => setOpenId(undefined)}
              onReviewed={(decision) => {
                setOpenId(undefined);
                setNotice(
                  decision === 'approve'
                    ? t('admin.review.approved', { name: open.name })
                    : t('admin.review.returned', { name: open.name }),
                );
              }}
            />
          </Col>
        )}
      </Row>
    </Space>
  );
}

/** One submitted entry, whole, and the decision on it. */
function EntryReview({
  entry,
  onClose,
  onReviewed,
}: {
  entry: Entry;
  onClose: () => void;
  onReviewed: (decision: Decision) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ decision: Decision; reason: string }>();
  const decision = Form.useWatch('decision', form) ?? 'approve';
  const review = useMutation({
    mutationFn: (body: { decision: Decision; reason: string }) =>
      unwrap(api.POST('/api/catalog/v1/resources/{id}/review', { params: { path: { id: entry.id } }, body })),
    onSuccess: async (_, body) => {
      await queryClient.invalidateQueries({ queryKey: ['admin-review-queue'] });
      await queryClient.invalidateQueries({ queryKey: ['admin-compliance'] });
      await queryClient.invalidateQueries({ queryKey: ['catalog-entry', entry.id] });
      onReviewed(body.decision);
    },
  });
  const placed = placeProblem(review.error, { 'CATALOG.REASON_REQUIRED': 'reason' }, language);
  // the entry opens below the list: brought into view, where a long queue would leave it unseen
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    top.current?.scrollIntoView({ block: 'start' });
  }, []);

  return (
    <div ref={top}>
      <Card
        data-testid="entry-review"
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.review.reviewing', { name: entry.name })}</h2>}
        extra={
          <Space>
            <Link to={`/catalog/${encodeURIComponent(entry.id)}`}>{t('admin.review.entryPage')}</Link>
            <Button onClick={onClose}>{t('common.close')}</Button>
          </Space>
        }
      >
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {entry.summary && <Typography.Paragraph style={{ marginBottom: 0 }}>{entry.summary}</Typography.Paragraph>}
          <EntryFacts entry={entry} />
          <Typography.Title level={3} style={{ fontSize: 15, margin: 0 }}>
            {t('resource.items')}
          </Typography.Title>
          <DataItemTable items={entry.items} keyItems={entry.keyItems} />
          <Form
            form={form}
            layout="vertical"
            initialValues={{ decision: 'approve', reason: '' }}
            onFinish={(v) => review.mutate(v)}
          >
            <Form.Item name="decision" label={t('admin.review.decision')}>
              <Radio.Group
                options={[
                  { value: 'approve', label: t('admin.review.approve') },
                  { value: 'reject', label: t('admin.review.reject') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t('admin.review.reason')}
              required={decision === 'reject'}
              extra={decision === 'reject' ? t('admin.review.reasonHint') : undefined}
              {...fieldHelp(placed, 'reason')}
            >
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            {placed.unplaced && (
              <div style={{ marginBottom: 16 }}>
                <ProblemAlert error={review.error} />
              </div>
            )}
            <Button type="primary" htmlType="submit" loading={review.isPending}>
              {decision === 'approve' ? t('admin.review.submitApprove') : t('admin.review.submitReject')}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}
