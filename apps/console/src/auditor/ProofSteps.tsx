import { Alert, Space, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, useLanguage } from '../i18n';
import { Hash, ProvinceName, StatusTag, useProvinceLabel } from './labels';
import type { ProofCheck, StepStatus } from './verify';

const edge: Record<StepStatus, string> = {
  passed: '#389e0d',
  failed: '#cf1322',
  incomplete: '#d46b08',
  skipped: '#8c8c8c',
};

function Step({
  name,
  title,
  status,
  children,
}: {
  name: string;
  title: string;
  status: StepStatus;
  children: ReactNode;
}) {
  return (
    <li
      data-testid={`proof-step-${name}`}
      data-status={status}
      style={{
        borderInlineStart: `4px solid ${edge[status]}`,
        paddingInlineStart: 12,
        marginBottom: 16,
        listStyle: 'none',
      }}
    >
      <Space size="small" align="center" wrap>
        <h3 style={{ fontSize: 15, margin: 0 }}>{title}</h3>
        <StatusTag status={status} />
      </Space>
      <div style={{ marginTop: 4 }}>{children}</div>
    </li>
  );
}

/**
 * The four steps of a record's proof as this browser checked them (叶子哈希, 包含证明, 树头签名,
 * 见证签名), each with what it computed and, when it failed, why; the verdict above them.
 */
export function ProofSteps({ check, compact = false }: { check: ProofCheck | undefined; compact?: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const provinceLabel = useProvinceLabel();
  if (!check) return <Spin aria-label={t('auditor.proof.checking')} />;
  const { leaf, inclusion, headSignature: head, witnesses } = check;
  const time = (seconds: number) => formatDateTime(new Date(seconds * 1000).toISOString(), language);
  const why = (text: string) => (
    <Typography.Text type="danger" strong style={{ color: '#a8071a' }}>
      {text}
    </Typography.Text>
  );
  return (
    <div data-testid="proof" data-verdict={check.verdict}>
      {!compact && (
        <Alert
          type={check.verdict === 'passed' ? 'success' : check.verdict === 'failed' ? 'error' : 'warning'}
          showIcon
          title={t(`auditor.proof.verdict.${check.verdict}`)}
          style={{ marginBottom: 16 }}
          role={check.verdict === 'failed' ? 'alert' : 'status'}
        />
      )}
      <ol style={{ padding: 0, margin: 0 }} aria-label={t('auditor.proof.title')}>
        <Step name="leaf" title={t('auditor.proof.step.leaf')} status={leaf.status}>
          {leaf.reason && why(t(`auditor.proof.leaf.${leaf.reason}`))}
          {!compact && (
            <div>
              {leaf.hash && (
                <div>
                  {t('auditor.proof.leaf.computed', { hash: leaf.hash })} <Hash value={leaf.computed ?? ''} />
                </div>
              )}
              <div>
                {t('auditor.proof.leaf.stated')} <Hash value={leaf.stated} />
              </div>
            </div>
          )}
        </Step>
        <Step name="inclusion" title={t('auditor.proof.step.inclusion')} status={inclusion.status}>
          {inclusion.reason && why(t(`auditor.proof.inclusion.${inclusion.reason}`))}
          {!compact && (
            <div>
              <div>
                {t('auditor.proof.inclusion.summary', { seq: inclusion.seq, count: inclusion.pathLength })}{' '}
                <Hash value={inclusion.computedRoot ?? ''} />
              </div>
              <div>
                {t('auditor.proof.inclusion.headRoot', { size: head.size })} <Hash value={inclusion.headRoot} />
              </div>
            </div>
          )}
        </Step>
        <Step name="headSignature" title={t('auditor.proof.step.headSignature')} status={head.status}>
          {head.reason && <div>{why(t(`auditor.proof.headSignature.${head.reason}`))}</div>}
          <Typography.Text>
            {t('auditor.proof.headSignature.summary', {
              province: provinceLabel(head.province),
              keyId: head.keyId,
              size: head.size,
              time: formatDateTime(head.timestamp, language),
            })}
          </Typography.Text>
        </Step>
        <Step name="witnesses" title={t('auditor.proof.step.witnesses')} status={witnesses.status}>
          {witnesses.status === 'skipped' ? (
            <Typography.Text type="secondary">
              {t(witnesses.reason ? `auditor.proof.witnesses.${witnesses.reason}` : 'auditor.proof.witnesses.skipped')}
            </Typography.Text>
          ) : (
            <>
              <div>
                {t('auditor.proof.witnesses.summary', { count: witnesses.witnesses.length, quorum: witnesses.quorum })}
                {witnesses.status === 'incomplete' && (
                  <>
                    {' · '}
                    {t('auditor.proof.witnesses.waiting')}
                  </>
                )}
              </div>
              <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                {witnesses.findings.map((f) => (
                  <li key={`${f.witness} ${f.keyId} ${f.time}`}>
                    <Space size="small" wrap>
                      <StatusTag
                        status={
                          f.valid
                            ? 'passed'
                            : f.reason === 'ownProvince' || f.reason === 'suiteUnsupported'
                              ? 'skipped'
                              : 'failed'
                        }
                      />
                      <span>
                        <ProvinceName province={f.witness} />
                        {' · '}
                        {t('auditor.proof.witnesses.finding', { keyId: f.keyId, time: time(f.time) })}
                      </span>
                      {f.reason && why(t(`auditor.proof.witnesses.${f.reason}`))}
                    </Space>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Step>
      </ol>
    </div>
  );
}
