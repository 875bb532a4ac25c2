import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { AuditNav } from './AuditNav';
import { ExchangeSides } from './ExchangeSides';
import { ProofSteps } from './ProofSteps';
import { RecordFields } from './RecordFields';
import { useProofCheck } from './useProofCheck';
import { useTrustList } from './useTrustList';

/** How long a fresh head is given to gather its co-signatures before the page stops asking. */
const WITNESS_POLLS = 30;

/**
 * 留痕记录: one record with every field, its proof checked in this browser step by step against the
 * signed head, the head's signature and its co-signatures (keys from the regional trust list), and —
 * when it belongs to an exchange — both sides of that exchange, each province's records side by side.
 */
export default function AuditRecordPage() {
  const { t } = useTranslation();
  const api = useApi();
  const { seq: seqParam = '' } = useParams();
  const seq = Number(seqParam);
  const valid = /^\d+$/.test(seqParam) && Number.isSafeInteger(seq);
  const trust = useTrustList();

  // the record of that seq: the first after seq - 1, with its proof against the latest head
  const traced = useQuery({
    queryKey: ['audit', 'record', seq],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/audit/v1/records', {
          params: { query: { ...(seq > 0 ? { after: seq - 1 } : {}), limit: 1 } },
          signal,
        }),
      ),
    enabled: valid,
  });
  const record = traced.data?.records[0]?.seq === seq ? traced.data.records[0] : undefined;
  const head = traced.data?.head;

  // the co-signatures over that head (public): a fresh head gets them within seconds, so ask again until the quorum
  const published = useQuery({
    queryKey: ['audit', 'head', head?.size],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/audit/v1/heads/{size}', { params: { path: { size: head?.size ?? 0 } }, signal })),
    enabled: head !== undefined,
    refetchInterval: (q) => {
      const quorum = trust.data?.cosignatureQuorum ?? 2;
      const others = new Set(q.state.data?.cosignatures.map((c) => c.witness).filter((w) => w !== head?.province));
      return others.size >= quorum || q.state.dataUpdateCount > WITNESS_POLLS ? false : 1000;
    },
  });

  const check = useProofCheck({
    record,
    head,
    cosignatures: published.data?.cosignatures,
    trust: trust.data,
  });

  const title = t('auditor.record.title', { seq: valid ? seq : '?' });
  const error = traced.error ?? trust.error ?? published.error;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{title}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {title}
      </Typography.Title>
      <AuditNav />
      <Link to="/audit">{t('auditor.record.back')}</Link>
      {error && <ProblemAlert error={error} onRetry={() => void traced.refetch()} />}
      {traced.isPending && valid && <Spin aria-label={t('common.loading')} />}
      {(!valid || (traced.data && !record)) && (
        <Alert type="warning" showIcon title={t('auditor.record.notFound', { seq: seqParam })} />
      )}
      {record && (
        <Row gutter={[24, 24]}>
          <Col xs={24} xl={12}>
            <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.record.fields')}</h2>}>
              <RecordFields record={record} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card
              size="small"
              data-testid="record-proof"
              title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.proof.title')}</h2>}
            >
              <Typography.Paragraph type="secondary">{t('auditor.proof.intro')}</Typography.Paragraph>
              {check.error ? <ProblemAlert error={check.error} /> : <ProofSteps check={check.data} />}
            </Card>
          </Col>
          <Col span={24}>
            <ExchangeSides record={record} />
          </Col>
        </Row>
      )}
    </Space>
  );
}
