import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  ConfigProvider,
  Descriptions,
  Form,
  Input,
  Space,
  Spin,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { ApplicationStatusTag } from '../components/ApplicationStatusTag';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDateTime, useLanguage } from '../i18n';
import { ModeTags } from './ModeTags';
import { ProviderDeadline } from './ProviderDeadline';
import { type Application, fieldErrors, fieldErrorTheme } from './types';

const stepActions = [
  'submitted',
  'compliance_passed',
  'compliance_failed',
  'approved',
  'first_level_approved',
  'rejected',
  'second_level_approved',
  'second_level_rejected',
  'coordination_requested',
  'coordinated_approved',
  'coordinated_rejected',
  'expired',
] as const;
type StepAction = (typeof stepActions)[number];
const isStepAction = (v: string): v is StepAction => (stepActions as readonly string[]).includes(v);

/**
 * One of my agency's applications, read from the provider province: what was asked, the steps so far
 * (who did what when, and why), and after a refusal a request for coordination (协调) to the
 * provider province's data authority — which the consent service accepts or refuses.
 */
export function OutgoingApplicationCard({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [sent, setSent] = useState(false);
  const [reason, setReason] = useState('');

  const application = useQuery({
    queryKey: ['application', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/applications/{id}', { params: { path: { id } }, signal })),
  });
  const coordinate = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/consent/v1/applications/{id}/coordination', { params: { path: { id } }, body: { reason } }),
      ),
    onSuccess: (updated) => {
      setSent(true);
      setReason('');
      queryClient.setQueryData(['application', id], updated);
      return queryClient.invalidateQueries({ queryKey: ['outgoing-applications'] });
    },
  });
  const placed = fieldErrors(coordinate.error, language, { 'CONSENT.REASON_REQUIRED': 'reason' });

  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{t('requester.application.title')}</h2>;
  const close = (
    <Button size="small" onClick={onClose}>
      {t('requester.application.close')}
    </Button>
  );
  if (application.error) {
    return (
      <Card size="small" title={title} extra={close}>
        <ProblemAlert error={application.error} onRetry={() => void application.refetch()} />
      </Card>
    );
  }
  if (application.isPending) {
    return (
      <Card size="small" title={title} extra={close}>
        <Spin aria-label={t('common.loading')} />
      </Card>
    );
  }
  const a: Application = application.data;

  return (
    <Card size="small" title={title} extra={close}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'id',
              label: t('requester.application.id'),
              children: <Typography.Text code>{a.id}</Typography.Text>,
            },
            {
              key: 'status',
              label: t('requester.applications.status'),
              children: <ApplicationStatusTag status={a.status} />,
            },
            { key: 'purpose', label: t('requester.application.purpose'), children: a.purpose },
            { key: 'legalBasis', label: t('requester.application.legalBasis'), children: a.legalBasis },
            { key: 'items', label: t('requester.application.items'), children: a.items.join('、') },
            { key: 'modes', label: t('requester.application.modes'), children: <ModeTags modes={a.modes} /> },
            {
              key: 'validUntil',
              label: t('requester.application.validUntil'),
              children: formatDateTime(a.validUntil, language),
            },
            { key: 'dueAt', label: t('requester.application.dueAt'), children: <ProviderDeadline application={a} /> },
            ...(a.reason
              ? [{ key: 'reason', label: t('requester.application.reason'), span: 2, children: a.reason }]
              : []),
            ...(a.grantId
              ? [
                  {
                    key: 'grant',
                    label: t('requester.application.grant'),
                    span: 2,
                    children: (
                      <Space size={8} wrap>
                        <Typography.Text code>{a.grantId}</Typography.Text>
                        <Link to="/my/grants">{t('requester.application.viewGrant')}</Link>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
        <section aria-label={t('requester.application.steps')}>
          <h3 style={{ fontSize: 14, margin: '0 0 12px' }}>{t('requester.application.steps')}</h3>
          <Timeline
            items={a.steps.map((s) => ({
              key: s.seq,
              color: s.toStatus === 'approved' ? 'green' : s.toStatus === 'rejected' ? 'red' : 'blue',
              content: (
                <Space orientation="vertical" size={0}>
                  <Space size={8} wrap>
                    <Typography.Text strong>
                      {isStepAction(s.action) ? t(`requester.application.step.${s.action}`) : s.action}
                    </Typography.Text>
                    <ApplicationStatusTag status={s.toStatus} />
                  </Space>
                  <Typography.Text type="secondary">
                    {formatDateTime(s.at, language)} · {t('requester.application.by')} {s.actorUser}
                    {s.actorAgency ? `（${s.actorAgency}）` : ''}
                  </Typography.Text>
                  {s.reason && (
                    <Typography.Text>
                      {t('requester.application.stepReason')}：{s.reason}
                    </Typography.Text>
                  )}
                </Space>
              ),
            }))}
          />
        </section>
        {sent && <Alert type="success" showIcon title={t('requester.application.coordinationSent')} />}
        {a.status === 'rejected' && (
          <section aria-label={t('requester.application.coordination')}>
            <h3 style={{ fontSize: 14, margin: '0 0 8px' }}>{t('requester.application.coordination')}</h3>
            <Typography.Paragraph type="secondary">{t('requester.application.coordinationIntro')}</Typography.Paragraph>
            <ConfigProvider theme={fieldErrorTheme}>
              <Form layout="vertical" onFinish={() => coordinate.mutate()} style={{ maxWidth: 720 }}>
                <Form.Item
                  label={t('requester.application.coordinationReason')}
                  htmlFor={`coordination-${a.id}`}
                  {...(placed.fields.reason ? { validateStatus: 'error' as const, help: placed.fields.reason } : {})}
                >
                  <Input.TextArea
                    id={`coordination-${a.id}`}
                    rows={3}
                    maxLength={2000}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    placeholder={t('requester.application.coordinationPlaceholder')}
                  />
                </Form.Item>
                {coordinate.error && !placed.placed && <ProblemAlert error={coordinate.error} />}
                <Button htmlType="submit" type="primary" loading={coordinate.isPending}>
                  {t('requester.application.coordinationSubmit')}
                </Button>
              </Form>
            </ConfigProvider>
          </section>
        )}
      </Space>
    </Card>
  );
}
