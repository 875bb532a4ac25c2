import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Empty, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { Hash, KindLabel, OutcomeTag, useProvinceLabel } from './labels';
import { ProofSteps } from './ProofSteps';
import { useProofCheck } from './useProofCheck';
import { useTrustList } from './useTrustList';
import type { Cosignature, SignedHead, TracedRecord } from './verify';

interface Side {
  province: string;
  role: 'requester' | 'provider';
  records: TracedRecord[];
  head?: SignedHead;
  /** this province's own side: its head's co-signatures are at hand (the other's are at its own origin) */
  own: boolean;
  error?: string;
}

/**
 * Both sides of an exchange (交换双方): this province's records of the request and the other province's
 * (asked by this province's audit service over the audit lane, with proofs against that province's own
 * signed head), side by side — requester on the left, provider on the right — each checked here.
 */
export function ExchangeSides({ record }: { record: TracedRecord }) {
  const { t } = useTranslation();
  const api = useApi();
  const provinceLabel = useProvinceLabel();
  const requestId = record.requestId;
  const both = useQuery({
    queryKey: ['audit', 'exchange', requestId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/audit/v1/records', {
          params: { query: { requestId, counterpart: 'true', limit: 100 } },
          signal,
        }),
      ),
    enabled: requestId !== '',
  });

  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.counterpart.title')}</h2>;
  if (!requestId) {
    return (
      <Card size="small" title={title}>
        <Typography.Text type="secondary">{t('auditor.counterpart.noRequest')}</Typography.Text>
      </Card>
    );
  }

  const sides: Side[] = [];
  if (both.data) {
    const roles = [
      ['requester', record.requesterProvince],
      ['provider', record.providerProvince],
    ] as const;
    for (const [role, province] of roles) {
      if (!province) continue;
      if (province === record.province) {
        sides.push({ province, role, records: both.data.records, head: both.data.head, own: true });
        continue;
      }
      const other = both.data.counterparts?.[province];
      if (!other) sides.push({ province, role, records: [], own: false });
      else if ('error' in other) sides.push({ province, role, records: [], own: false, error: other.error });
      else sides.push({ province, role, records: other.records, head: other.head, own: false });
    }
  }

  return (
    <Card size="small" title={title} data-testid="exchange-sides">
      <Typography.Paragraph type="secondary">{t('auditor.counterpart.intro')}</Typography.Paragraph>
      {both.error && <ProblemAlert error={both.error} onRetry={() => void both.refetch()} />}
      {both.isPending && <Spin aria-label={t('common.loading')} />}
      <Row gutter={[24, 24]}>
        {sides.map((side) => (
          <Col xs={24} lg={12} key={side.role}>
            <section data-testid={`side-${side.role}`} data-province={side.province}>
              <h3 style={{ fontSize: 15 }}>
                {t(`auditor.counterpart.${side.role}`, { province: provinceLabel(side.province) })}
              </h3>
              {side.error && (
                <Alert type="error" showIcon title={t('auditor.counterpart.error', { code: side.error })} />
              )}
              {!side.error && side.records.length === 0 && (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('auditor.counterpart.none')} />
              )}
              {side.head && side.records.length > 0 && <SideRecords side={side} current={record} />}
            </section>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function SideRecords({ side, current }: { side: Side; current: TracedRecord }) {
  const api = useApi();
  const head = side.head;
  // co-signatures of this province's own head; the other province publishes its own at its origin
  const published = useQuery({
    queryKey: ['audit', 'head', head?.size],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/audit/v1/heads/{size}', { params: { path: { size: head?.size ?? 0 } }, signal })),
    enabled: side.own && head !== undefined,
  });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {side.records.map((r) => (
        <SideRecord
          key={`${r.province} ${r.seq}`}
          record={r}
          head={head}
          cosignatures={side.own ? published.data?.cosignatures : undefined}
          isCurrent={side.own && r.seq === current.seq}
          own={side.own}
        />
      ))}
    </Space>
  );
}

function SideRecord({
  record,
  head,
  cosignatures,
  isCurrent,
  own,
}: {
  record: TracedRecord;
  head: SignedHead | undefined;
  cosignatures: readonly Cosignature[] | undefined;
  isCurrent: boolean;
  own: boolean;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const trust = useTrustList();
  const check = useProofCheck({ record, head, cosignatures, trust: trust.data });
  return (
    <Card
      size="small"
      type="inner"
      data-testid="side-record"
      data-seq={record.seq}
      title={
        <Space size="small" wrap>
          {own ? <Link to={`/audit/records/${record.seq}`}>#{record.seq}</Link> : <span>#{record.seq}</span>}
          <KindLabel kind={record.kind} />
          {isCurrent && <TermTag tone="blue">{t('auditor.counterpart.thisRecord')}</TermTag>}
        </Space>
      }
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'occurredAt',
            label: t('auditor.field.occurredAt'),
            children: formatDateTime(record.occurredAt, language),
          },
          { key: 'outcome', label: t('auditor.field.outcome'), children: <OutcomeTag outcome={record.outcome} /> },
          { key: 'resourceId', label: t('auditor.field.resourceId'), children: record.resourceId || '—' },
          { key: 'actorAgency', label: t('auditor.field.actorAgency'), children: record.actorAgency || '—' },
          { key: 'items', label: t('auditor.field.items'), children: record.items.join('、') || '—' },
          { key: 'payloadHash', label: t('auditor.field.payloadHash'), children: <Hash value={record.payloadHash} /> },
        ]}
      />
      {check.error ? <ProblemAlert error={check.error} /> : <ProofSteps check={check.data} compact />}
    </Card>
  );
}
