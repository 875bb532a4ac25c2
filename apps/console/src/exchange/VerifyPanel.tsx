import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Form, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { itemLabeller } from './QueryPanel';
import { RequestId } from './RequestId';
import { useRereadGrantOnRefusal } from './rereadGrant';
import type { Grant, Resource, VerificationAnswer } from './types';

interface Outcome {
  item: string;
  match: boolean;
}

interface VerifyForm {
  key: Record<string, string>;
  claims: Record<string, string>;
}

const filled = (values: Record<string, string> | undefined) =>
  Object.fromEntries(
    Object.entries(values ?? {})
      .map(([k, v]) => [k, (v ?? '').trim()] as const)
      .filter(([, v]) => v !== ''),
  );

/**
 * 核验: the entry's lookup keys and the values to check in; per claim 一致 / 不一致 out, and no data.
 * Which claims may be checked is the grant's (the service refuses the others).
 */
export function VerifyPanel({ grant, resource }: { grant: Grant; resource: Resource }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<VerifyForm>();
  const [noClaim, setNoClaim] = useState(false);
  const [claimed, setClaimed] = useState<Record<string, string>>({});
  const labelOf = itemLabeller(resource);
  const claimable = grant.items.filter((i) => !resource.keyItems.includes(i));

  const rereadGrant = useRereadGrantOnRefusal(grant.id);
  const run = useMutation({
    mutationFn: (body: { key: Record<string, string>; claims: Record<string, string> }) =>
      unwrap(
        api.POST('/api/exchange/v1/verifications', {
          body: { resourceId: grant.resourceId, grantId: grant.id, purpose: grant.purpose, ...body },
        }),
      ),
    onError: rereadGrant,
  });

  const submit = (v: VerifyForm) => {
    const claims = filled(v.claims);
    setNoClaim(Object.keys(claims).length === 0);
    if (Object.keys(claims).length === 0) return;
    setClaimed(claims);
    run.mutate({ key: filled(v.key), claims });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Form<VerifyForm> form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 720 }}>
        <Typography.Title level={3} style={{ fontSize: 15 }}>
          {t('exchange.query.keys')}
        </Typography.Title>
        {resource.keyItems.map((k) => (
          <Form.Item
            key={k}
            name={['key', k]}
            label={`${labelOf(k)} (${k})`}
            rules={[
              { required: true, whitespace: true, message: t('exchange.query.keyRequired', { label: labelOf(k) }) },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        ))}
        <Typography.Title level={3} style={{ fontSize: 15 }}>
          {t('exchange.verify.claims')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('exchange.verify.claimsHint')}</Typography.Paragraph>
        {claimable.map((i) => (
          <Form.Item key={i} name={['claims', i]} label={`${labelOf(i)} (${i})`}>
            <Input autoComplete="off" />
          </Form.Item>
        ))}
        {noClaim && (
          <Alert type="warning" showIcon title={t('exchange.verify.claimRequired')} style={{ marginBottom: 16 }} />
        )}
        <Button type="primary" htmlType="submit" loading={run.isPending}>
          {t('exchange.verify.submit')}
        </Button>
      </Form>
      {run.error && <ProblemAlert error={run.error} />}
      {run.data && !run.error && <VerifyResult answer={run.data} claimed={claimed} labelOf={labelOf} />}
    </Space>
  );
}

function VerifyResult({
  answer,
  claimed,
  labelOf,
}: {
  answer: VerificationAnswer;
  claimed: Record<string, string>;
  labelOf: (item: string) => string;
}) {
  const { t } = useTranslation();
  const rows: Outcome[] = Object.entries(answer.results).map(([item, match]) => ({ item, match }));
  return (
    <section data-testid="verify-result" aria-labelledby="verify-result-title">
      <Space orientation="vertical" size="small" style={{ width: '100%' }}>
        <Typography.Title level={3} id="verify-result-title" style={{ fontSize: 15, margin: 0 }}>
          {t('exchange.verify.result')}
        </Typography.Title>
        <Descriptions
          size="small"
          items={[
            { key: 'requestId', label: t('exchange.query.requestId'), children: <RequestId id={answer.requestId} /> },
          ]}
        />
        <Table<Outcome>
          size="small"
          rowKey="item"
          pagination={false}
          aria-label={t('exchange.verify.result')}
          dataSource={rows}
          columns={[
            {
              key: 'item',
              title: t('exchange.verify.item'),
              render: (_: unknown, r: Outcome) => `${labelOf(r.item)} (${r.item})`,
            },
            {
              key: 'claimed',
              title: t('exchange.verify.claimed'),
              render: (_: unknown, r: Outcome) => claimed[r.item] ?? '—',
            },
            {
              key: 'outcome',
              title: t('exchange.verify.outcome'),
              render: (_: unknown, r: Outcome) =>
                r.match ? (
                  <TermTag tone="green">{t('exchange.verify.match')}</TermTag>
                ) : (
                  <TermTag tone="red">{t('exchange.verify.noMatch')}</TermTag>
                ),
            },
          ]}
        />
      </Space>
    </section>
  );
}
