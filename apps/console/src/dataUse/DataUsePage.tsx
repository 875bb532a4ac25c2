import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Select, Space, Spin, Timeline, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { useAgencyDirectory } from '../catalog/agencies';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { useLanguage } from '../i18n';
import { isPeriod, type Period, periodStart, periods } from './types';
import { UseEntry, type UseNames } from './UseEntry';

const pageSize = 20;
const timelineColour = { allowed: 'green', refused: 'red', failed: 'gray' } as const;

/**
 * 谁用了我的数据: for the data subject, every exchange that named them, from the audit logs of all four
 * provinces (the audit service asks them and merges both sides of an exchange), in plain words, the
 * refused attempts too, newest first, filtered by period. Names come from the catalogue (resources,
 * items, agencies) and the purposes from the person's own consents; the page decides nothing.
 */
export default function DataUsePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const asked = params.get('period');
  const period: Period = isPeriod(asked) ? asked : 'all';
  const choose = (p: Period) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (p === 'all') next.delete('period');
        else next.set('period', p);
        return next;
      },
      { replace: true },
    );

  const uses = useInfiniteQuery({
    queryKey: ['my-data-use', period],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => {
      const from = periodStart(period, new Date());
      return unwrap(
        api.GET('/api/audit/v1/my/data-use', {
          params: {
            query: { limit: pageSize, ...(from ? { from } : {}), ...(pageParam ? { after: pageParam } : {}) },
          },
          signal,
        }),
      );
    },
    getNextPageParam: (last) => last.next,
  });
  const lines = useMemo(() => (uses.data?.pages ?? []).flatMap((p) => p.uses), [uses.data]);
  const first = uses.data?.pages[0];

  // the names behind the ids: each resource once, from the regional catalogue
  const resourceIds = useMemo(() => [...new Set(lines.map((l) => l.resourceId))], [lines]);
  const resources = useQueries({
    queries: resourceIds.map((id) => ({
      queryKey: ['resource', id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id } }, signal })),
      retry: false,
      staleTime: 5 * 60_000,
    })),
  });
  const agencies = useAgencyDirectory();
  const consents = useQuery({
    queryKey: ['consents'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/consents', { signal })),
  });

  const names: UseNames = {
    resources: new Map(
      resources.flatMap((r) =>
        r.data ? [[r.data.id, { name: r.data.name, labels: new Map(r.data.items.map((i) => [i.name, i.label])) }]] : [],
      ),
    ),
    agencies,
    purposes: new Map((consents.data?.consents ?? []).map((c) => [c.id, c.purpose])),
  };
  const provinceList = (list: string[]) =>
    list.map((p) => provinceLabel(t, p)).join(language === 'zh-CN' ? '、' : ', ');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('dataUse.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('dataUse.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 880 }}>
        {t('dataUse.intro')}
      </Typography.Paragraph>
      <search aria-label={t('dataUse.filters.label')}>
        <Select
          aria-label={t('dataUse.filters.period')}
          style={{ minWidth: 200 }}
          value={period}
          onChange={(v: Period) => choose(v)}
          options={periods.map((p) => ({ value: p, label: t(`dataUse.filters.${p}`) }))}
        />
      </search>
      {first && first.incomplete.length > 0 && (
        <Alert type="warning" showIcon title={t('dataUse.incomplete', { provinces: provinceList(first.incomplete) })} />
      )}
      {first && first.truncated.length > 0 && (
        <Alert type="info" showIcon title={t('dataUse.truncated', { provinces: provinceList(first.truncated) })} />
      )}
      {uses.error ? (
        <ProblemAlert error={uses.error} onRetry={() => void uses.refetch()} />
      ) : (
        <Card
          size="small"
          title={
            <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
              {t('dataUse.list')}
            </Typography.Title>
          }
          extra={
            first && (
              <Typography.Text type="secondary">
                {t('dataUse.asked', { provinces: provinceList(first.provinces) })}
              </Typography.Text>
            )
          }
        >
          {uses.isPending ? (
            <Spin aria-label={t('common.loading')} />
          ) : lines.length === 0 ? (
            <Empty description={t('dataUse.empty')} />
          ) : (
            <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
              <Timeline
                items={lines.map((line) => ({
                  key: line.id,
                  color: timelineColour[line.outcome],
                  content: <UseEntry line={line} names={names} />,
                }))}
              />
              {uses.hasNextPage && (
                <Button onClick={() => void uses.fetchNextPage()} loading={uses.isFetchingNextPage}>
                  {t('dataUse.more')}
                </Button>
              )}
            </Space>
          )}
        </Card>
      )}
    </Space>
  );
}
