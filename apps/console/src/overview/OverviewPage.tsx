import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Radio, Row, Space, Statistic, Typography } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { applicationsChart, latencyChart, matrixChart, refusalsChart, trendChart, windowText } from './charts';
import { OverviewChart } from './OverviewChart';

const ranges = ['day', 'week'] as const;
type Range = (typeof ranges)[number];
const isRange = (v: unknown): v is Range => typeof v === 'string' && (ranges as readonly string[]).includes(v);

/** A chart's card: its title is a heading of the page. */
function ChartCard({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
      style={{ height: '100%' }}
    >
      {extra}
      {children}
    </Card>
  );
}

/**
 * 一网统管总览: the exchanges this province took part in, from its audit trail — between which
 * provinces and when, how many refused and why, how long they took — and the applications each
 * province of the region has yet to answer. Last 24 hours by the hour, or last 7 days by the day.
 * The services count; this page draws.
 */
export default function OverviewPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const range: Range = isRange(params.get('range')) ? (params.get('range') as Range) : 'day';

  const exchanges = useQuery({
    queryKey: ['overview', 'exchanges', range],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/audit/v1/stats', {
          params: { query: { bucket: range === 'day' ? 'hour' : 'day' } },
          signal,
        }),
      ),
    refetchInterval: 60_000,
  });
  const applications = useQuery({
    queryKey: ['overview', 'applications'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/stats/applications', { signal })),
    refetchInterval: 60_000,
  });

  const s = exchanges.data;
  const a = applications.data;
  const charts = useMemo(
    () =>
      s
        ? {
            trend: trendChart(s, t, lang),
            matrix: matrixChart(s, t, lang),
            refusals: refusalsChart(s, t, lang),
            latency: latencyChart(s, t, lang),
          }
        : undefined,
    [s, t, lang],
  );
  const waiting = useMemo(() => (a ? applicationsChart(a, t, lang) : undefined), [a, t, lang]);
  const pending = a?.provinces.reduce((n, p) => n + p.pending, 0);
  const overdue = a?.provinces.reduce((n, p) => n + p.overdue, 0);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('overview.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('overview.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 960 }}>
        {t('overview.intro')}
      </Typography.Paragraph>
      <Space wrap size="middle" align="center">
        <Radio.Group
          aria-label={t('overview.range.label')}
          optionType="button"
          buttonStyle="solid"
          value={range}
          onChange={(e) =>
            setParams(
              (p) => {
                const next = new URLSearchParams(p);
                next.set('range', String(e.target.value));
                return next;
              },
              { replace: true },
            )
          }
          options={ranges.map((r) => ({ value: r, label: t(`overview.range.${r}`) }))}
        />
        {s && <Typography.Text type="secondary">{windowText(s, t, lang)}</Typography.Text>}
      </Space>
      {exchanges.error && <ProblemAlert error={exchanges.error} onRetry={() => void exchanges.refetch()} />}
      {applications.error && <ProblemAlert error={applications.error} onRetry={() => void applications.refetch()} />}
      <section aria-label={t('overview.totals.label')}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t('overview.totals.exchanges')}
              value={s?.totals.exchanges ?? '—'}
              loading={exchanges.isPending}
            />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t('overview.totals.allowed')}
              value={s?.totals.allowed ?? '—'}
              loading={exchanges.isPending}
            />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t('overview.totals.refused')}
              value={s?.totals.refused ?? '—'}
              loading={exchanges.isPending}
            />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('overview.totals.pending')} value={pending ?? '—'} loading={applications.isPending} />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('overview.totals.overdue')} value={overdue ?? '—'} loading={applications.isPending} />
          </Col>
        </Row>
      </section>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <ChartCard title={t('overview.trend.title')}>
            {charts && s && (
              <OverviewChart
                testId="chart-trend"
                option={charts.trend.option}
                title={t('overview.trend.title')}
                description={t('overview.trend.description', { bucket: t(`overview.bucket.${s.bucket}`) })}
                summary={charts.trend.summary}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={10}>
          <ChartCard title={t('overview.matrix.title')}>
            {charts && (
              <OverviewChart
                testId="chart-matrix"
                height={340}
                option={charts.matrix.option}
                title={t('overview.matrix.title')}
                description={t('overview.matrix.description')}
                summary={charts.matrix.summary}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={14}>
          <ChartCard title={t('overview.refusals.title')}>
            {charts && (
              <OverviewChart
                testId="chart-refusals"
                height={340}
                option={charts.refusals.option}
                title={t('overview.refusals.title')}
                description={t('overview.refusals.description')}
                summary={charts.refusals.summary}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.latency.title')}
            extra={
              <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 8 }}>
                {t('overview.latency.note')}
              </Typography.Paragraph>
            }
          >
            {charts && (
              <OverviewChart
                testId="chart-latency"
                option={charts.latency.option}
                title={t('overview.latency.title')}
                description={t('overview.latency.description')}
                summary={charts.latency.summary}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.applications.title')}
            extra={
              a && a.unanswered.length > 0 ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 8 }}
                  title={t('overview.applications.unansweredTitle')}
                  description={t('overview.applications.unanswered', {
                    provinces: a.unanswered.map((p) => t(`province.${p}`)).join(lang === 'en' ? ', ' : '、'),
                  })}
                />
              ) : undefined
            }
          >
            {waiting && (
              <OverviewChart
                testId="chart-applications"
                option={waiting.option}
                title={t('overview.applications.title')}
                description={t('overview.applications.description')}
                summary={waiting.summary}
              />
            )}
          </ChartCard>
        </Col>
      </Row>
    </Space>
  );
}
