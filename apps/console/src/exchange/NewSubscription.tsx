import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { toShownProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import type { Subscription } from './types';

interface NewSubscriptionForm {
  grantId: string;
  resourceId: string;
  purpose: string;
}

/**
 * 新建订阅: under a grant (its entry and purpose filled in from the grant) or, for an unconditional
 * entry, with none. Whether the grant covers subscriptions is the services' to say.
 */
export function NewSubscription({
  grantId: initialGrantId,
  onCreated,
  onCancel,
}: {
  grantId: string;
  onCreated: (s: Subscription) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<NewSubscriptionForm>();
  const [lookedUp, setLookedUp] = useState(initialGrantId.trim());

  const grant = useQuery({
    queryKey: ['grant', lookedUp],
    enabled: lookedUp !== '',
    retry: false,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/consent/v1/grants/{id}', { params: { path: { id: lookedUp } }, signal })),
  });
  useEffect(() => {
    if (!grant.data) return;
    form.setFieldsValue({ resourceId: grant.data.resourceId, purpose: grant.data.purpose });
  }, [grant.data, form]);

  const create = useMutation({
    mutationFn: (v: NewSubscriptionForm) => {
      const grantId = v.grantId?.trim() ?? '';
      return unwrap(
        api.POST('/api/exchange/v1/subscriptions', {
          body: {
            resourceId: v.resourceId.trim(),
            purpose: v.purpose.trim(),
            ...(grantId ? { grantId } : {}),
          },
        }),
      );
    },
    onSuccess: onCreated,
  });
  const problem = create.error ? toShownProblem(create.error) : undefined;
  const issueAt = (field: keyof NewSubscriptionForm) =>
    problem?.kind === 'problem' ? problem.issues.find((i) => i.path === field)?.message : undefined;
  const atField = (field: keyof NewSubscriptionForm) => {
    const issue = issueAt(field);
    return issue ? { validateStatus: 'error' as const, help: issue } : {};
  };
  const shownAtFields = (['grantId', 'resourceId', 'purpose'] as const).some((f) => issueAt(f) !== undefined);

  return (
    <Card
      size="small"
      data-testid="new-subscription"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('exchange.subscriptions.newTitle')}</h2>}
    >
      <Form<NewSubscriptionForm>
        form={form}
        layout="vertical"
        initialValues={{ grantId: initialGrantId, resourceId: '', purpose: '' }}
        onFinish={(v) => create.mutate(v)}
        style={{ maxWidth: 720 }}
      >
        <Form.Item
          name="grantId"
          label={t('exchange.subscriptions.grantId')}
          extra={t('exchange.subscriptions.grantIdHint')}
          {...atField('grantId')}
        >
          <Input autoComplete="off" onBlur={(e) => setLookedUp(e.target.value.trim())} />
        </Form.Item>
        {grant.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={grant.error} />
          </div>
        )}
        {grant.data && (
          <Typography.Paragraph type="secondary" data-testid="grant-summary">
            {grant.data.items.join('、')}
          </Typography.Paragraph>
        )}
        <Form.Item
          name="resourceId"
          label={t('exchange.subscriptions.resourceId')}
          rules={[{ required: true, whitespace: true, message: t('exchange.subscriptions.resourceRequired') }]}
          {...atField('resourceId')}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('exchange.subscriptions.purpose')}
          rules={[{ required: true, whitespace: true, message: t('exchange.subscriptions.purposeRequired') }]}
          {...atField('purpose')}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        {create.error && !shownAtFields && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={create.error} />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('exchange.subscriptions.create')}
          </Button>
          <Button onClick={onCancel}>{t('exchange.subscriptions.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
