import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { detailFor } from '../api/detail';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, useLanguage } from '../i18n';
import { AuditNav } from './AuditNav';
import { Hash, ProvinceName, useProvinceLabel } from './labels';

/**
 * 见证: what this province witnessed of the other provinces' logs — the largest head of each it
 * checked and co-signed — and, first and in red, any alarm: a head that did not verify, a fork, a
 * history rewritten since a head this province holds.
 */
export default function WitnessPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const provinceLabel = useProvinceLabel();
  const report = useQuery({
    queryKey: ['audit', 'witness'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/audit/v1/witness', { signal })),
    refetchInterval: 15_000,
  });
  const alarms = report.data?.alarms ?? [];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('auditor.witness.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('auditor.witness.title')}
      </Typography.Title>
      <AuditNav />
      <Typography.Paragraph style={{ margin: 0 }}>{t('auditor.witness.intro')}</Typography.Paragraph>
      {report.error && <ProblemAlert error={report.error} onRetry={() => void report.refetch()} />}
      {report.data && (
        <section aria-labelledby="witness-alarms" data-testid="witness-alarms" data-count={alarms.length}>
          <h2 id="witness-alarms" style={{ fontSize: 16 }}>
            {t('auditor.witness.alarms')}
          </h2>
          {alarms.length === 0 ? (
            <Alert type="success" showIcon title={t('auditor.witness.noAlarms')} />
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {alarms.map((a) => (
                <Alert
                  key={`${a.province} ${a.head.size} ${a.raisedAt}`}
                  type="error"
                  showIcon
                  role="alert"
                  style={{ borderWidth: 2 }}
                  title={t('auditor.witness.alarm', { province: provinceLabel(a.province), code: a.code })}
                  description={
                    <>
                      <div>{detailFor(a.message, language)}</div>
                      <Typography.Text type="secondary">
                        {t('auditor.witness.alarmAt', {
                          time: formatDateTime(a.raisedAt, language),
                          size: a.head.size,
                        })}
                      </Typography.Text>
                    </>
                  }
                />
              ))}
            </Space>
          )}
        </section>
      )}
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.witness.witnessed')}</h2>}>
        <Table
          size="small"
          rowKey="province"
          loading={report.isPending}
          dataSource={report.data?.witnessed ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          aria-label={t('auditor.witness.witnessed')}
          locale={{ emptyText: t('auditor.witness.empty') }}
          columns={[
            {
              title: t('auditor.witness.province'),
              dataIndex: 'province',
              render: (p: string) => <ProvinceName province={p} />,
            },
            { title: t('auditor.witness.size'), dataIndex: 'size' },
            { title: t('auditor.witness.rootHash'), dataIndex: 'rootHash', render: (h: string) => <Hash value={h} /> },
            {
              title: t('auditor.witness.timestamp'),
              dataIndex: 'timestamp',
              render: (v: string) => formatDateTime(v, language),
            },
            {
              title: t('auditor.witness.seenAt'),
              dataIndex: 'seenAt',
              render: (v: string) => formatDateTime(v, language),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
