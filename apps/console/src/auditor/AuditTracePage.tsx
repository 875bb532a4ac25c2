import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { toShownProblem } from '../api/problem';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, useLanguage } from '../i18n';
import { AuditNav } from './AuditNav';
import { KindLabel, OutcomeTag, ProvinceName } from './labels';
import type { TracedRecord } from './verify';

const PAGE_SIZE = 20;
const URL_FILTERS = ['requestId', 'resourceId', 'requester', 'from', 'to'] as const;
type UrlFilter = (typeof URL_FILTERS)[number];

interface FormValues {
  requestId?: string;
  resourceId?: string;
  requester?: string;
  subjectBy?: 'idNumber' | 'key';
  idNumber?: string;
  keyName?: string;
  keyValue?: string;
  occurred?: [Dayjs | null, Dayjs | null] | null;
}

const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** Whom to trace: a person by ID number, or whatever a query key names (a booking number…). */
type Subject = { idNumber: string } | { key: Record<string, string> };

function subjectOf(v: FormValues): Subject | undefined {
  if (v.subjectBy === 'key') {
    const name = trimmed(v.keyName);
    const value = trimmed(v.keyValue);
    return name && value ? { key: { [name]: value } } : undefined;
  }
  const idNumber = trimmed(v.idNumber);
  return idNumber ? { idNumber } : undefined;
}

/**
 * 留痕查询: the province's audit records by request id, resource, requester, data subject and time,
 * page by page (`after`). The filters live in the URL so a trace can be shared and come back to — all
 * but the subject's ID number, which stays in the page and travels only in a POST body.
 */
export default function AuditTracePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const [subject, setSubject] = useState<Subject>();
  /** `after` of each page shown so far: the first page has none */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [form] = Form.useForm<FormValues>();
  const subjectBy = Form.useWatch('subjectBy', form) ?? 'idNumber';

  const filters = Object.fromEntries(
    URL_FILTERS.flatMap((k) => {
      const v = params.get(k);
      return v ? [[k, v]] : [];
    }),
  ) as Partial<Record<UrlFilter, string>>;
  const after = cursors.at(-1);

  const trace = useQuery({
    queryKey: ['audit', 'trace', filters, subject ?? null, after ?? null],
    queryFn: async ({ signal }) => {
      const window = {
        ...(filters.from ? { from: filters.from } : {}),
        ...(filters.to ? { to: filters.to } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: PAGE_SIZE,
      };
      if (subject) {
        const page = await unwrap(
          api.POST('/api/audit/v1/records/by-subject', { body: { ...subject, ...window }, signal }),
        );
        return { ...page, searched: page.subjectRefs.length };
      }
      const query = {
        ...window,
        ...(filters.requestId ? { requestId: filters.requestId } : {}),
        ...(filters.resourceId ? { resourceId: filters.resourceId } : {}),
        ...(filters.requester ? { requester: filters.requester } : {}),
      };
      const page = await unwrap(api.GET('/api/audit/v1/records', { params: { query }, signal }));
      return { ...page, searched: undefined };
    },
  });

  const search = (v: FormValues) => {
    const [from, to] = v.occurred ?? [];
    const next = new URLSearchParams();
    const set = (k: UrlFilter, value: string | undefined) => {
      if (value) next.set(k, value);
    };
    set('requestId', trimmed(v.requestId));
    set('resourceId', trimmed(v.resourceId));
    set('requester', trimmed(v.requester));
    set('from', from?.toISOString());
    set('to', to?.toISOString());
    setSubject(subjectOf(v));
    setCursors([undefined]);
    setParams(next);
  };
  const reset = () => {
    form.resetFields();
    setSubject(undefined);
    setCursors([undefined]);
    setParams(new URLSearchParams());
  };

  const problem = trace.error ? toShownProblem(trace.error) : undefined;
  const issueAt = (field: string) =>
    problem?.kind === 'problem' ? problem.issues.find((i) => i.path.startsWith(field))?.message : undefined;
  const fieldStatus = (field: string) => {
    const issue = issueAt(field);
    return issue ? { validateStatus: 'error' as const, help: issue } : {};
  };
  const idProblem = problem?.kind === 'problem' && problem.code === 'AUDIT.ID_NUMBER_INVALID';

  const rows: TracedRecord[] = trace.data?.records ?? [];
  const page = cursors.length;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('auditor.trace.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('auditor.trace.title')}
      </Typography.Title>
      <AuditNav />
      <Typography.Paragraph style={{ margin: 0 }}>{t('auditor.trace.intro')}</Typography.Paragraph>
      <Card size="small">
        <Form
          form={form}
          layout="vertical"
          onFinish={search}
          initialValues={{
            requestId: filters.requestId,
            resourceId: filters.resourceId,
            requester: filters.requester,
            subjectBy: 'idNumber',
          }}
        >
          <Row gutter={16}>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="requestId" label={t('auditor.trace.requestId')} {...fieldStatus('requestId')}>
                <Input allowClear maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="resourceId" label={t('auditor.trace.resourceId')} {...fieldStatus('resourceId')}>
                <Input allowClear maxLength={200} placeholder={t('auditor.trace.resourcePlaceholder')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="requester" label={t('auditor.trace.requester')} {...fieldStatus('requester')}>
                <Input allowClear maxLength={100} placeholder={t('auditor.trace.requesterPlaceholder')} />
              </Form.Item>
            </Col>
            <Col xs={24} xl={14}>
              <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
                <legend style={{ fontSize: 14, marginBottom: 8, border: 0 }}>{t('auditor.trace.subject')}</legend>
                <Form.Item name="subjectBy" style={{ marginBottom: 8 }}>
                  <Radio.Group
                    options={[
                      { value: 'idNumber', label: t('auditor.trace.byIdNumber') },
                      { value: 'key', label: t('auditor.trace.byKey') },
                    ]}
                  />
                </Form.Item>
                {subjectBy === 'key' ? (
                  <Space.Compact style={{ width: '100%' }}>
                    <Form.Item name="keyName" noStyle>
                      <Input
                        aria-label={t('auditor.trace.keyName')}
                        placeholder={t('auditor.trace.keyNamePlaceholder')}
                        maxLength={100}
                        style={{ width: '40%' }}
                      />
                    </Form.Item>
                    <Form.Item name="keyValue" noStyle>
                      <Input
                        aria-label={t('auditor.trace.keyValue')}
                        placeholder={t('auditor.trace.keyValue')}
                        maxLength={200}
                        autoComplete="off"
                        style={{ width: '60%' }}
                      />
                    </Form.Item>
                  </Space.Compact>
                ) : (
                  <Form.Item
                    name="idNumber"
                    noStyle
                    {...(idProblem ? { validateStatus: 'error' as const } : fieldStatus('idNumber'))}
                  >
                    <Input
                      aria-label={t('auditor.trace.idNumber')}
                      maxLength={64}
                      autoComplete="off"
                      spellCheck={false}
                      allowClear
                    />
                  </Form.Item>
                )}
                <Typography.Paragraph type="secondary" style={{ margin: '4px 0 16px' }}>
                  {t('auditor.trace.idNumberHint')}
                </Typography.Paragraph>
              </fieldset>
            </Col>
            <Col xs={24} md={12} xl={10}>
              <Form.Item name="occurred" label={t('auditor.trace.timeRange')} {...fieldStatus('from')}>
                <DatePicker.RangePicker
                  showTime
                  allowEmpty={[true, true]}
                  placeholder={[t('auditor.trace.from'), t('auditor.trace.to')]}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
          </Row>
          <Space>
            <Button type="primary" htmlType="submit" loading={trace.isFetching}>
              {t('auditor.trace.search')}
            </Button>
            <Button onClick={reset}>{t('auditor.trace.reset')}</Button>
          </Space>
        </Form>
      </Card>
      {trace.error && <ProblemAlert error={trace.error} onRetry={() => void trace.refetch()} />}
      <section aria-labelledby="audit-results">
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <h2 id="audit-results" style={{ fontSize: 16, margin: 0 }}>
            {t('auditor.trace.results')}
          </h2>
          {trace.data?.searched !== undefined && (
            <Alert type="info" showIcon title={t('auditor.trace.bySubject', { count: trace.data.searched })} />
          )}
          <Table
            size="small"
            rowKey="seq"
            scroll={{ x: 'max-content' }}
            loading={trace.isPending}
            dataSource={rows}
            pagination={false}
            aria-label={t('auditor.trace.results')}
            locale={{ emptyText: t('auditor.trace.empty') }}
            columns={[
              {
                title: t('auditor.field.seq'),
                dataIndex: 'seq',
                render: (seq: number) => (
                  <Link to={`/audit/records/${seq}`} aria-label={t('auditor.trace.open', { seq })}>
                    {seq}
                  </Link>
                ),
              },
              {
                title: t('auditor.field.occurredAt'),
                dataIndex: 'occurredAt',
                render: (at: string) => formatDateTime(at, language),
              },
              { title: t('auditor.field.kind'), dataIndex: 'kind', render: (k: string) => <KindLabel kind={k} /> },
              { title: t('auditor.field.requestId'), dataIndex: 'requestId', render: (v: string) => v || '—' },
              { title: t('auditor.field.resourceId'), dataIndex: 'resourceId', render: (v: string) => v || '—' },
              {
                title: t('auditor.field.parties'),
                key: 'parties',
                render: (_: unknown, r: TracedRecord) =>
                  r.requesterProvince || r.providerProvince ? (
                    <>
                      <ProvinceName province={r.requesterProvince} /> → <ProvinceName province={r.providerProvince} />
                    </>
                  ) : (
                    '—'
                  ),
              },
              { title: t('auditor.field.actorAgency'), dataIndex: 'actorAgency', render: (v: string) => v || '—' },
              {
                title: t('auditor.field.outcome'),
                dataIndex: 'outcome',
                render: (o: string) => <OutcomeTag outcome={o} />,
              },
            ]}
          />
          <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
            {trace.data && (
              <Typography.Text type="secondary">
                {t('auditor.trace.headNote', {
                  size: trace.data.head.size,
                  time: formatDateTime(trace.data.head.timestamp, language),
                })}
              </Typography.Text>
            )}
            {(page > 1 || trace.data?.next !== undefined) && (
              <nav aria-label={t('pager.label')}>
                <Space>
                  <Button disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                    {t('auditor.trace.previous')}
                  </Button>
                  <span aria-live="polite">{t('auditor.trace.page', { page })}</span>
                  <Button
                    disabled={trace.data?.next === undefined}
                    onClick={() => {
                      const next = trace.data?.next;
                      if (next !== undefined) setCursors((c) => [...c, next]);
                    }}
                  >
                    {t('auditor.trace.next')}
                  </Button>
                </Space>
              </nav>
            )}
          </Space>
        </Space>
      </section>
    </Space>
  );
}
