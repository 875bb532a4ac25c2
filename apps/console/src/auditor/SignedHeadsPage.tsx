import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Spin, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { AuditNav } from './AuditNav';
import { Hash, ProvinceName, StatusTag, useProvinceLabel } from './labels';
import { useHeadCheck } from './useProofCheck';
import { useTrustList } from './useTrustList';
import { type CosignatureFinding, checkCosignatures, type SignedHead, type TrustList } from './verify';

/**
 * 签名树头: the province's latest signed head (a C2SP checkpoint), its signature and the other
 * provinces' co-signatures over exactly it — each checked in this browser against the regional trust
 * list — the checkpoint as a signed note, and the trust list itself with its fingerprint.
 */
export default function SignedHeadsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const provinceLabel = useProvinceLabel();
  const trust = useTrustList();
  const latest = useQuery({
    queryKey: ['audit', 'head', 'latest'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/audit/v1/heads/latest', { signal })),
    refetchInterval: 10_000,
  });
  const head = latest.data;
  const signature = useHeadCheck(head, trust.data);
  const witnesses = useQuery({
    queryKey: ['audit', 'cosignature-check', head, trust.data],
    queryFn: () => checkCosignatures(head as SignedHead, head?.cosignatures ?? [], trust.data as TrustList),
    enabled: head !== undefined && trust.data !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const findingOf = (witness: string, keyId: string, time: number): CosignatureFinding | undefined =>
    witnesses.data?.findings.find((f) => f.witness === witness && f.keyId === keyId && f.time === time);

  const keys = Object.entries(trust.data?.provinces ?? {}).flatMap(([province, p]) =>
    p.keys.map((k) => ({ province, ...k })),
  );
  const error = latest.error ?? trust.error;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('auditor.heads.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('auditor.heads.title')}
      </Typography.Title>
      <AuditNav />
      <Typography.Paragraph style={{ margin: 0 }}>{t('auditor.heads.intro')}</Typography.Paragraph>
      {error && <ProblemAlert error={error} onRetry={() => void latest.refetch()} />}
      {latest.isPending && <Spin aria-label={t('common.loading')} />}
      {head && (
        <Card
          size="small"
          data-testid="latest-head"
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.heads.latest')}</h2>}
        >
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Descriptions
              size="small"
              bordered
              column={1}
              styles={{ label: { width: 200 } }}
              items={[
                {
                  key: 'province',
                  label: t('auditor.heads.province'),
                  children: <ProvinceName province={head.province} />,
                },
                { key: 'size', label: t('auditor.heads.size'), children: head.size },
                { key: 'root', label: t('auditor.heads.rootHash'), children: <Hash value={head.rootHash} /> },
                {
                  key: 'time',
                  label: t('auditor.heads.timestamp'),
                  children: formatDateTime(head.timestamp, language),
                },
                { key: 'key', label: t('auditor.heads.keyId'), children: `${head.keyId} · ${head.alg}` },
                {
                  key: 'signature',
                  label: t('auditor.heads.signature'),
                  children: (
                    <Space size="small" wrap data-testid="head-signature" data-status={signature.data?.status}>
                      {signature.data ? <StatusTag status={signature.data.status} /> : <Spin size="small" />}
                      {signature.data?.reason && (
                        <Typography.Text style={{ color: '#a8071a' }}>
                          {t(`auditor.proof.headSignature.${signature.data.reason}`)}
                        </Typography.Text>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
            <h3 style={{ fontSize: 15, margin: 0 }}>
              {t('auditor.heads.cosignatures')} {witnesses.data && <StatusTag status={witnesses.data.status} />}
            </h3>
            {trust.data && (
              <Typography.Text type="secondary">
                {t('auditor.heads.quorum', { quorum: trust.data.cosignatureQuorum })}
              </Typography.Text>
            )}
            <Table
              size="small"
              rowKey={(c) => `${c.witness} ${c.keyId} ${c.time}`}
              dataSource={head.cosignatures}
              pagination={false}
              scroll={{ x: 'max-content' }}
              aria-label={t('auditor.heads.cosignatures')}
              locale={{ emptyText: t('auditor.heads.noCosignatures') }}
              columns={[
                {
                  title: t('auditor.heads.witness'),
                  dataIndex: 'witness',
                  render: (w: string) => <ProvinceName province={w} />,
                },
                { title: t('auditor.heads.kid'), dataIndex: 'keyId' },
                {
                  title: t('auditor.heads.cosignedAt'),
                  dataIndex: 'time',
                  render: (s: number) => formatDateTime(new Date(s * 1000).toISOString(), language),
                },
                {
                  title: t('auditor.heads.check'),
                  key: 'check',
                  render: (_: unknown, c) => {
                    const f = findingOf(c.witness, c.keyId, c.time);
                    if (!f) return <Spin size="small" />;
                    return (
                      <Space size="small">
                        <StatusTag status={f.valid ? 'passed' : f.reason === 'ownProvince' ? 'skipped' : 'failed'} />
                        {f.reason && t(`auditor.proof.witnesses.${f.reason}`)}
                      </Space>
                    );
                  },
                },
              ]}
            />
            {head.note && (
              <>
                <h3 style={{ fontSize: 15, margin: 0 }}>{t('auditor.heads.checkpoint')}</h3>
                <pre
                  data-testid="checkpoint"
                  style={{ background: '#f5f5f5', padding: 12, margin: 0, overflowX: 'auto', fontSize: 12 }}
                >
                  {head.note}
                </pre>
              </>
            )}
          </Space>
        </Card>
      )}
      {trust.data && (
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('auditor.heads.trustList')}</h2>}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <div>
              {t('auditor.heads.trustListHash')}: <Hash value={trust.data.sha256} />
            </div>
            <Table
              size="small"
              rowKey={(k) => `${k.province} ${k.kid}`}
              dataSource={keys}
              pagination={false}
              scroll={{ x: 'max-content' }}
              aria-label={t('auditor.heads.trustList')}
              columns={[
                {
                  title: t('auditor.heads.province'),
                  dataIndex: 'province',
                  render: (p: string) => provinceLabel(p),
                },
                { title: t('auditor.heads.kid'), dataIndex: 'kid' },
                {
                  title: t('auditor.heads.keyStatus'),
                  dataIndex: 'status',
                  render: (s: string) => (
                    <TermTag tone={s === 'current' ? 'green' : 'grey'}>
                      {s === 'retired' ? t('auditor.heads.retired') : t('auditor.heads.current')}
                    </TermTag>
                  ),
                },
                {
                  title: t('auditor.heads.validFrom'),
                  dataIndex: 'validFrom',
                  render: (v: string) => formatDateTime(v, language),
                },
                {
                  title: t('auditor.heads.validUntil'),
                  dataIndex: 'validUntil',
                  render: (v: string | undefined) => (v ? formatDateTime(v, language) : '—'),
                },
              ]}
            />
          </Space>
        </Card>
      )}
    </Space>
  );
}
