import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Form, Input, Radio, Row, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { toShownProblem } from '../api/problem';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { isProvince } from '../vocabulary';

type Decision = 'approve' | 'reject';

const byDeadline = (a: { dueAt: string }, b: { dueAt: string }) =>
  (a.dueAt || '\uffff').localeCompare(b.dueAt || '\uffff');

/**
 * 待办: the applications waiting on the reviewer's agency, the nearest deadline first and overdue ones
 * flagged (the API computes both under the province’s rules); one opened below the list, decided
 * with a reason. The rules of who may decide what stay in the consent service.
 */
export default function WorklistPage() {
  const { t } = useTranslation();
  const api = useApi();
  const [openId, setOpenId] = useState<string>();

  const worklist = useQuery({
    queryKey: ['worklist'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/applications', { signal })),
  });
  const rows = [...(worklist.data?.applications ?? [])].sort(byDeadline);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('worklist.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('worklist.title')}
      </Typography.Title>
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
            locale={{ emptyText: t('worklist.empty') }}
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
                    onClick={() => setOpenId(a.id)}
                  >
                    {purpose}
                  </Button>
                ),
              },
              { title: t('worklist.resource'), dataIndex: 'resourceId' },
              {
                title: t('worklist.requester'),
                dataIndex: 'requesterProvince',
                render: (p: string) => <ProvinceName province={p} />,
              },
              {
                title: t('worklist.status'),
                dataIndex: 'status',
                render: (s: string) => <ApplicationStatus status={s} />,
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
            <ApplicationCard id={openId} onClose={() => setOpenId(undefined)} />
          </Col>
        )}
      </Row>
    </Space>
  );
}

const applicationStatuses = [
  'submitted',
  'compliance_review',
  'second_approval',
  'coordination',
  'approved',
  'rejected',
  'expired',
] as const;
type ApplicationStatusName = (typeof applicationStatuses)[number];
const isApplicationStatus = (s: string): s is ApplicationStatusName =>
  (applicationStatuses as readonly string[]).includes(s);

function ProvinceName({ province }: { province: string }) {
  const { t } = useTranslation();
  return <>{isProvince(province) ? t(`province.${province}`) : province}</>;
}

function ApplicationStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  const tone = status === 'approved' ? 'green' : status === 'rejected' || status === 'expired' ? 'grey' : 'orange';
  return <TermTag tone={tone}>{isApplicationStatus(status) ? t(`applicationStatus.${status}`) : status}</TermTag>;
}

/** One application: who asks for which items, why and on what basis, until when; and the decision. */
function ApplicationCard({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ decision: Decision; reason: string }>();
  const application = useQuery({
    queryKey: ['application', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/applications/{id}', { params: { path: { id } }, signal })),
  });
  const decide = useMutation({
    mutationFn: (body: { decision: Decision; reason: string }) =>
      unwrap(api.POST('/api/consent/v1/applications/{id}/decision', { params: { path: { id } }, body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['worklist'] });
      await queryClient.invalidateQueries({ queryKey: ['application', id] });
    },
  });
  const problem = decide.error ? toShownProblem(decide.error) : undefined;
  const reasonIssue =
    problem?.kind === 'problem' ? problem.issues.find((i) => i.path.startsWith('reason'))?.message : undefined;

  const a = application.data;
  return (
    <Card
      data-testid="application"
      size="small"
      title={
        <h2 style={{ fontSize: 16, margin: 0 }}>
          {t('worklist.application')} {id}
        </h2>
      }
      extra={<Button onClick={onClose}>{t('common.close')}</Button>}
    >
      {application.error && <ProblemAlert error={application.error} />}
      {application.isPending && <Spin aria-label={t('common.loading')} />}
      {a && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'requester',
                label: t('worklist.requester'),
                children: (
                  <>
                    <ProvinceName province={a.requesterProvince} /> · {a.requesterAgency} · {a.requesterUser}
                  </>
                ),
              },
              { key: 'resource', label: t('worklist.resource'), children: a.resourceId },
              { key: 'items', label: t('worklist.items'), children: a.items.join('、') },
              { key: 'purpose', label: t('worklist.purpose'), children: a.purpose },
              { key: 'legalBasis', label: t('worklist.legalBasis'), children: a.legalBasis },
              { key: 'validUntil', label: t('worklist.validUntil'), children: a.validUntil.slice(0, 10) },
              { key: 'status', label: t('worklist.status'), children: <ApplicationStatus status={a.status} /> },
              ...(a.reason ? [{ key: 'reason', label: t('worklist.reason'), children: a.reason }] : []),
            ]}
          />
          {decide.isSuccess && <Alert type="success" showIcon title={t('worklist.decided')} data-testid="decided" />}
          {a.status === 'submitted' && !decide.isSuccess && (
            <Form
              form={form}
              layout="vertical"
              initialValues={{ decision: 'approve', reason: '' }}
              onFinish={(v) => decide.mutate(v)}
            >
              <Form.Item name="decision" label={t('worklist.decision')}>
                <Radio.Group
                  options={[
                    { value: 'approve', label: t('worklist.approve') },
                    { value: 'reject', label: t('worklist.reject') },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="reason"
                label={t('worklist.reason')}
                {...(reasonIssue ? { validateStatus: 'error' as const, help: reasonIssue } : {})}
              >
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
              {decide.error && !reasonIssue && <ProblemAlert error={decide.error} />}
              <Button type="primary" htmlType="submit" loading={decide.isPending}>
                {t('worklist.submit')}
              </Button>
            </Form>
          )}
        </Space>
      )}
    </Card>
  );
}
