import { useMutation } from '@tanstack/react-query';
import { Button, Checkbox, Descriptions, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { toShownProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { MaskedRecords } from './MaskedRecords';
import { RequestId } from './RequestId';
import { useRereadGrantOnRefusal } from './rereadGrant';
import type { Grant, QueryAnswer, Resource } from './types';

interface QueryForm {
  key: Record<string, string>;
  items: string[];
}

/** A label for an item: its name in the catalogue entry, or the item's own name. */
export function itemLabeller(resource: Resource): (item: string) => string {
  return (item) => resource.items.find((i) => i.name === item)?.label ?? item;
}

/**
 * 查询: the entry's lookup keys in, the records out — granted items only, masked by the provider as
 * the answer says, with the request id the auditor traces the call by.
 */
export function QueryPanel({ grant, resource }: { grant: Grant; resource: Resource }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<QueryForm>();
  const labelOf = itemLabeller(resource);

  const rereadGrant = useRereadGrantOnRefusal(grant.id);
  const run = useMutation({
    mutationFn: (v: QueryForm) =>
      unwrap(
        api.POST('/api/exchange/v1/queries', {
          body: {
            resourceId: grant.resourceId,
            grantId: grant.id,
            purpose: grant.purpose,
            key: Object.fromEntries(resource.keyItems.map((k) => [k, (v.key?.[k] ?? '').trim()])),
            ...(v.items && v.items.length > 0 ? { items: v.items } : {}),
          },
        }),
      ),
    onError: rereadGrant,
  });
  const problem = run.error ? toShownProblem(run.error) : undefined;
  const issueAt = (path: string) =>
    problem?.kind === 'problem' ? problem.issues.find((i) => i.path === path)?.message : undefined;
  const keyIssues = resource.keyItems.map((k) => issueAt(`key.${k}`)).filter((m) => m !== undefined);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Form<QueryForm>
        form={form}
        layout="vertical"
        initialValues={{ key: {}, items: [] }}
        onFinish={(v) => run.mutate(v)}
        style={{ maxWidth: 720 }}
      >
        <Typography.Title level={3} style={{ fontSize: 15 }}>
          {t('exchange.query.keys')}
        </Typography.Title>
        {resource.keyItems.map((k) => {
          const issue = issueAt(`key.${k}`);
          return (
            <Form.Item
              key={k}
              name={['key', k]}
              label={`${labelOf(k)} (${k})`}
              rules={[
                { required: true, whitespace: true, message: t('exchange.query.keyRequired', { label: labelOf(k) }) },
              ]}
              {...(issue ? { validateStatus: 'error' as const, help: issue } : {})}
            >
              <Input autoComplete="off" />
            </Form.Item>
          );
        })}
        <Form.Item name="items" label={t('exchange.query.items')} extra={t('exchange.query.itemsHint')}>
          <Checkbox.Group options={grant.items.map((i) => ({ value: i, label: `${labelOf(i)} (${i})` }))} />
        </Form.Item>
        <Form.Item label={t('exchange.use.purpose')} extra={t('exchange.query.purposeHint')}>
          <Typography.Text>{grant.purpose}</Typography.Text>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={run.isPending}>
          {t('exchange.query.submit')}
        </Button>
      </Form>
      {run.error && keyIssues.length === 0 && <ProblemAlert error={run.error} />}
      {run.data && !run.error && <QueryResult answer={run.data} labelOf={labelOf} />}
    </Space>
  );
}

function QueryResult({ answer, labelOf }: { answer: QueryAnswer; labelOf: (item: string) => string }) {
  const { t } = useTranslation();
  return (
    <section data-testid="query-result" aria-labelledby="query-result-title">
      <Space orientation="vertical" size="small" style={{ width: '100%' }}>
        <Typography.Title level={3} id="query-result-title" style={{ fontSize: 15, margin: 0 }}>
          {t('exchange.query.result')}
        </Typography.Title>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'requestId',
              label: t('exchange.query.requestId'),
              span: 2,
              children: <RequestId id={answer.requestId} />,
            },
            {
              key: 'provider',
              label: t('exchange.use.provider'),
              children: provinceLabel(t, answer.provider),
            },
            {
              key: 'count',
              label: t('exchange.query.records'),
              children: t('exchange.query.recordsCount', { count: answer.records.length }),
            },
          ]}
        />
        <MaskedRecords
          label={t('exchange.query.records')}
          items={answer.items}
          masking={answer.masking}
          records={answer.records.map((fields, n) => ({ key: String(n), fields }))}
          labelOf={labelOf}
          emptyText={t('exchange.query.empty')}
        />
      </Space>
    </section>
  );
}
