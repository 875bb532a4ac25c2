import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { SharingTierTag } from '../components/SharingTierTag';
import { TermTag, type Tone } from '../components/TermTag';
import { formatDay, useLanguage } from '../i18n';
import type { AgencyCompliance, DutyCompliance, DutyStatus } from './types';

const dutyTone: Record<DutyStatus, Tone> = {
  published: 'green',
  in_progress: 'blue',
  missing: 'orange',
  overdue: 'red',
};
/** problems first: violations, then overdue, then missing, then in progress */
const dutyRank: Record<DutyStatus, number> = { overdue: 0, missing: 1, in_progress: 2, published: 3 };

const overdueOf = (a: AgencyCompliance) => a.duties.filter((d) => d.status === 'overdue').length;
const byProblems = (a: AgencyCompliance, b: AgencyCompliance) =>
  b.violations.length - a.violations.length ||
  overdueOf(b) - overdueOf(a) ||
  b.missing - a.missing ||
  a.agencyName.localeCompare(b.agencyName, 'zh-CN');

function AgencyStanding({ agency: a }: { agency: AgencyCompliance }) {
  const { t } = useTranslation();
  if (a.violations.length > 0) return <TermTag tone="red">{t('admin.compliance.standing.violation')}</TermTag>;
  if (overdueOf(a) > 0) return <TermTag tone="red">{t('admin.compliance.standing.overdue')}</TermTag>;
  if (a.missing > 0) return <TermTag tone="orange">{t('admin.compliance.standing.missing')}</TermTag>;
  return <TermTag tone="green">{t('admin.compliance.standing.fulfilled')}</TermTag>;
}

/**
 * 履责情况: per agency of the province, which duties of the 共享责任清单 are fulfilled and which are
 * missing or overdue, and which shared entries the 负面清单 covers. The catalogue service measures;
 * the page orders it so that problems come first.
 */
export default function CompliancePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const compliance = useQuery({
    queryKey: ['admin-compliance'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/compliance', { signal })),
  });
  const agencies = [...(compliance.data?.agencies ?? [])].sort(byProblems);
  const duties = agencies.reduce((n, a) => n + a.duties.length, 0);
  const missing = agencies.reduce((n, a) => n + a.missing, 0);
  const violations = agencies.reduce((n, a) => n + a.violations.length, 0);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('admin.compliance.title')}</PageTitle>
      <Space orientation="vertical" size={4}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('admin.compliance.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('admin.compliance.intro')}
          {compliance.data && ` ${t('admin.compliance.asOf', { day: formatDay(compliance.data.today, language) })}`}
        </Typography.Text>
      </Space>
      {compliance.error && <ProblemAlert error={compliance.error} onRetry={() => void compliance.refetch()} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('admin.compliance.agencies')} value={agencies.length} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('admin.compliance.duties')} value={duties} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('admin.compliance.missing')}
              value={missing}
              styles={{ content: { color: missing > 0 ? '#ad4e00' : undefined } }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('admin.compliance.violations')}
              value={violations}
              styles={{ content: { color: violations > 0 ? '#a8071a' : undefined } }}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Table<AgencyCompliance>
          rowKey="agency"
          size="middle"
          loading={compliance.isPending}
          dataSource={agencies}
          pagination={false}
          aria-label={t('admin.compliance.title')}
          locale={{ emptyText: t('admin.compliance.empty') }}
          expandable={{
            expandedRowRender: (a) => <AgencyDetail agency={a} />,
            rowExpandable: (a) => a.duties.length > 0 || a.violations.length > 0,
            expandRowByClick: false,
          }}
          columns={[
            {
              key: 'agency',
              title: t('admin.compliance.agency'),
              render: (_: unknown, a) => (
                <Space orientation="vertical" size={0}>
                  <span>{a.agencyName || a.agency}</span>
                  <Typography.Text type="secondary">{a.agency}</Typography.Text>
                </Space>
              ),
            },
            {
              key: 'standing',
              title: t('admin.compliance.standing.title'),
              render: (_: unknown, a) => <AgencyStanding agency={a} />,
            },
            {
              key: 'fulfilled',
              title: t('admin.compliance.fulfilled'),
              render: (_: unknown, a) =>
                a.duties.length > 0
                  ? `${a.duties.length - a.missing} / ${a.duties.length}`
                  : t('admin.compliance.noDuties'),
            },
            {
              key: 'missing',
              title: t('admin.compliance.missing'),
              render: (_: unknown, a) =>
                a.missing > 0 ? (
                  <Space size={4} wrap>
                    <TermTag tone="orange">{t('admin.compliance.missingN', { count: a.missing })}</TermTag>
                    {overdueOf(a) > 0 && (
                      <TermTag tone="red">{t('admin.compliance.overdueN', { count: overdueOf(a) })}</TermTag>
                    )}
                  </Space>
                ) : (
                  t('common.none')
                ),
            },
            {
              key: 'violations',
              title: t('admin.compliance.violations'),
              render: (_: unknown, a) =>
                a.violations.length > 0 ? (
                  <TermTag tone="red">{t('admin.compliance.violationsN', { count: a.violations.length })}</TermTag>
                ) : (
                  t('common.none')
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** One agency opened: its duties, problems first, and the entries the negative list covers. */
function AgencyDetail({ agency: a }: { agency: AgencyCompliance }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const duties = [...a.duties].sort((x, y) => dutyRank[x.status] - dutyRank[y.status]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {duties.length > 0 && (
        <Table<DutyCompliance>
          rowKey={(d) => d.duty.id}
          size="small"
          pagination={false}
          dataSource={duties}
          aria-label={`${a.agencyName} ${t('admin.compliance.dutyStatus')}`}
          columns={[
            {
              key: 'duty',
              title: t('admin.duties.name'),
              render: (_: unknown, d) => (
                <Space orientation="vertical" size={0}>
                  <span>{d.duty.name}</span>
                  <Typography.Text type="secondary" code>
                    {d.duty.classCode}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              key: 'status',
              title: t('admin.compliance.dutyStatus'),
              render: (_: unknown, d) => (
                <TermTag tone={dutyTone[d.status]}>{t(`admin.compliance.status.${d.status}`)}</TermTag>
              ),
            },
            {
              key: 'tier',
              title: t('admin.duties.sharingTier'),
              render: (_: unknown, d) =>
                d.duty.sharingTier ? <SharingTierTag tier={d.duty.sharingTier} /> : t('common.none'),
            },
            {
              key: 'due',
              title: t('admin.duties.dueDate'),
              render: (_: unknown, d) => (d.duty.dueDate ? formatDay(d.duty.dueDate, language) : t('common.none')),
            },
            {
              key: 'entry',
              title: t('admin.compliance.entry'),
              render: (_: unknown, d) =>
                d.resourceId ? (
                  <Link to={`/catalog/${encodeURIComponent(d.resourceId)}`}>{d.resourceId}</Link>
                ) : (
                  t('common.none')
                ),
            },
            {
              key: 'reason',
              title: t('admin.compliance.why'),
              render: (_: unknown, d) => <DutyExplanation duty={d} />,
            },
          ]}
        />
      )}
      {a.violations.length > 0 && (
        <Table
          rowKey="resourceId"
          size="small"
          pagination={false}
          dataSource={a.violations}
          aria-label={`${a.agencyName} ${t('admin.compliance.violations')}`}
          columns={[
            {
              key: 'entry',
              title: t('admin.compliance.violatingEntry'),
              render: (_: unknown, v) => (
                <Space orientation="vertical" size={0}>
                  <Space size={4} wrap>
                    <TermTag tone="red">{t('admin.compliance.standing.violation')}</TermTag>
                    <Link to={`/catalog/${encodeURIComponent(v.resourceId)}`}>{v.name}</Link>
                  </Space>
                  <Typography.Text type="secondary">{v.resourceId}</Typography.Text>
                </Space>
              ),
            },
            {
              key: 'line',
              title: t('admin.compliance.negativeLine'),
              render: (_: unknown, v) => v.negativeEntry.classCode ?? v.negativeEntry.resourceId ?? '',
            },
            { key: 'reason', title: t('admin.negative.reason'), render: (_: unknown, v) => v.negativeEntry.reason },
            {
              key: 'basis',
              title: t('admin.negative.legalBasis'),
              render: (_: unknown, v) => v.negativeEntry.legalBasis,
            },
          ]}
        />
      )}
    </Space>
  );
}

/**
 * Why a duty stands as it does, in the user's language, from what the service measured (the status,
 * the entry it read it from, the due date); the service's own sentence is kept as the tooltip.
 */
function DutyExplanation({ duty: d }: { duty: DutyCompliance }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const progress = d.resourceId
    ? t('admin.compliance.explain.catalogued', { id: d.resourceId })
    : t('admin.compliance.explain.nothing', { classCode: d.duty.classCode });
  const text =
    d.status === 'published'
      ? t('admin.compliance.explain.published', { id: d.resourceId ?? '' })
      : d.status === 'overdue'
        ? t('admin.compliance.explain.overdue', { day: formatDay(d.duty.dueDate ?? '', language), progress })
        : progress;
  return (
    <span title={d.reason} style={{ display: 'inline-block', maxWidth: 360 }}>
      {text}
    </span>
  );
}
