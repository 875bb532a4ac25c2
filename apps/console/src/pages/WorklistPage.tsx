import { useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Col, Row, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { ApplicationStatusTag } from '../components/ApplicationStatusTag';
import { GradeTag } from '../components/GradeTag';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { ProvinceName } from '../components/ProvinceName';
import { TermTag } from '../components/TermTag';
import { ApplicationCard } from '../review/ApplicationCard';
import type { WorklistQuery } from '../review/types';
import { applicationStatuses, isApplicationStatus } from '../vocabulary';

const byDeadline = (a: { dueAt: string }, b: { dueAt: string }) =>
  (a.dueAt || '\uffff').localeCompare(b.dueAt || '\uffff');

/**
 * 待办: the applications at the provider — a reviewer's agency's, or all of the province's for its data
 * authority — the nearest deadline first and overdue ones flagged (the API computes both under the
 * province's rules), filtered by state or to the overdue ones; one opened below the list with its
 * steps so far and the step it waits for. Who may take which step stays in the consent service.
 */
export default function WorklistPage() {
  const { t } = useTranslation();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const overdueOnly = params.get('overdue') === 'true';
  const openId = params.get('open') ?? undefined;
  const query: WorklistQuery = {
    ...(isApplicationStatus(status) ? { status } : {}),
    ...(overdueOnly ? { overdue: 'true' as const } : {}),
  };
  const change = (key: string, value: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value === undefined) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const worklist = useQuery({
    queryKey: ['worklist', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/applications', { params: { query }, signal })),
  });
  const rows = [...(worklist.data?.applications ?? [])].sort(byDeadline);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('worklist.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('worklist.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 880 }}>
        {t('review.intro')}
      </Typography.Paragraph>
      <search aria-label={t('review.filters.label')}>
        <Space wrap size="middle">
          <Select
            aria-label={t('review.filters.status')}
            style={{ minWidth: 200 }}
            value={isApplicationStatus(status) ? status : ''}
            onChange={(v: string) => change('status', v === '' ? undefined : v)}
            options={[
              { value: '', label: t('review.filters.allStatuses') },
              ...applicationStatuses.map((s) => ({ value: s, label: t(`applicationStatus.${s}`) })),
            ]}
          />
          <Checkbox checked={overdueOnly} onChange={(e) => change('overdue', e.target.checked ? 'true' : undefined)}>
            {t('review.filters.overdueOnly')}
          </Checkbox>
        </Space>
      </search>
      {worklist.error && <ProblemAlert error={worklist.error} onRetry={() => void worklist.refetch()} />}
      <Row gutter={[24, 24]}>
        <Col span={24}>
          <Table
            size="small"
            rowKey="id"
            scroll={{ x: 'max-content' }}
            loading={worklist.isPending}
            dataSource={rows}
            pagination={false}
            aria-label={t('worklist.title')}
            locale={{
              // antd's placeholder grey is too faint (WCAG AA): the secondary text colour instead
              emptyText: (
                <Typography.Text type="secondary">
                  {query.status || query.overdue ? t('review.filters.none') : t('worklist.empty')}
                </Typography.Text>
              ),
            }}
            rowClassName={(a) => (a.id === openId ? 'ant-table-row-selected' : '')}
            columns={[
              {
                title: t('worklist.purpose'),
                dataIndex: 'purpose',
                render: (purpose: string, a) => (
                  <Button
                    type="link"
                    size="small"
                    style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }}
                    aria-label={`${purpose} ${a.id}`}
                    onClick={() => change('open', a.id)}
                  >
                    {purpose}
                  </Button>
                ),
              },
              { title: t('worklist.resource'), dataIndex: 'resourceId' },
              { title: t('review.grade'), dataIndex: 'grade', render: (g: string) => <GradeTag grade={g} /> },
              {
                title: t('worklist.requester'),
                dataIndex: 'requesterProvince',
                render: (p: string) => <ProvinceName province={p} />,
              },
              {
                title: t('worklist.status'),
                dataIndex: 'status',
                render: (s: string) => <ApplicationStatusTag status={s} />,
              },
              {
                title: t('worklist.dueAt'),
                dataIndex: 'dueAt',
                render: (due: string, a) => (
                  <Space size={4} wrap>
                    <span>{due ? due.slice(0, 10) : '—'}</span>
                    {a.overdue && <TermTag tone="red">{t('worklist.overdue')}</TermTag>}
                  </Space>
                ),
              },
            ]}
          />
        </Col>
        {openId && (
          <Col span={24}>
            <ApplicationCard key={openId} id={openId} onClose={() => change('open', undefined)} />
          </Col>
        )}
      </Row>
    </Space>
  );
}
