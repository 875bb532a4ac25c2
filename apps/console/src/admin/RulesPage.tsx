import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { fieldHelp, placeProblem } from './fieldIssues';
import {
  approvalGrades,
  describeRule,
  isRuleField,
  type MaskableKind,
  type MaskChoice,
  maskableKinds,
  maskChoices,
  maskingOf,
  ruleFields,
} from './rules';
import type { PolicyRules, RulesVersion } from './types';

interface RulesValues {
  responseDays: number;
  complianceReview: { enabled: boolean; days: number };
  secondApprovalGrades: PolicyRules['secondApprovalGrades'];
  secondApprovalDays: number;
  coordinationDays: number;
  masking: Partial<Record<MaskableKind, MaskChoice | undefined>>;
  reason: string;
}

const valuesOf = (r: PolicyRules): RulesValues => ({
  responseDays: r.responseDays,
  complianceReview: { ...r.complianceReview },
  secondApprovalGrades: [...r.secondApprovalGrades],
  secondApprovalDays: r.secondApprovalDays,
  coordinationDays: r.coordinationDays,
  masking: { ...r.masking } as RulesValues['masking'],
  reason: '',
});

/**
 * 管理规则: the province's rules of the application workflow (deadlines, 符合性审查, 二级审批) and the
 * masking it chooses, edited field by field; a change needs a reason and becomes a new version. The
 * history says who changed what, when and why, and any earlier version can be read as it was.
 */
export default function RulesPage() {
  const { t } = useTranslation();
  const api = useApi();
  const [viewing, setViewing] = useState<number>();

  const inForce = useQuery({
    queryKey: ['admin-rules'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/rules', { signal })),
  });
  const history = useQuery({
    queryKey: ['admin-rules-history'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/rules/history', { signal })),
  });
  const defaults = useQuery({
    queryKey: ['admin-rules-version', 0],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/consent/v1/rules/versions/{version}', { params: { path: { version: 0 } }, signal })),
    staleTime: Number.POSITIVE_INFINITY,
  });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('admin.rules.title')}</PageTitle>
      <Space orientation="vertical" size={4}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('admin.rules.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('admin.rules.intro')}</Typography.Text>
      </Space>
      {inForce.error && <ProblemAlert error={inForce.error} onRetry={() => void inForce.refetch()} />}
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          {inForce.isPending ? (
            <Spin aria-label={t('common.loading')} />
          ) : (
            inForce.data && <RulesForm current={inForce.data} />
          )}
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.rules.history')}</h2>}>
            {history.error && <ProblemAlert error={history.error} onRetry={() => void history.refetch()} />}
            <RulesHistory
              versions={history.data?.versions ?? []}
              defaults={defaults.data}
              current={inForce.data?.version}
              loading={history.isPending}
              onView={setViewing}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={viewing !== undefined}
        title={viewing !== undefined ? t('admin.rules.versionTitle', { version: viewing }) : ''}
        onCancel={() => setViewing(undefined)}
        footer={<Button onClick={() => setViewing(undefined)}>{t('common.close')}</Button>}
        width={720}
        destroyOnHidden
      >
        {viewing !== undefined && <RulesVersionView version={viewing} />}
      </Modal>
    </Space>
  );
}

function RulesForm({ current }: { current: RulesVersion }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RulesValues>();
  const [notice, setNotice] = useState<string>();
  const reviewOn = Form.useWatch(['complianceReview', 'enabled'], form) ?? current.rules.complianceReview.enabled;

  // another tab or admin may have changed the rules: the form follows the version in force
  useEffect(() => form.setFieldsValue(valuesOf(current.rules)), [form, current]);

  const save = useMutation({
    mutationFn: (v: RulesValues) =>
      unwrap(
        api.PUT('/api/consent/v1/rules', {
          body: {
            reason: v.reason,
            rules: {
              responseDays: v.responseDays,
              complianceReview: v.complianceReview,
              secondApprovalGrades: v.secondApprovalGrades,
              secondApprovalDays: v.secondApprovalDays,
              coordinationDays: v.coordinationDays,
              masking: maskingOf(v.masking),
            },
          },
        }),
      ),
    onSuccess: async (saved) => {
      setNotice(
        saved.version === current.version
          ? t('admin.rules.unchanged')
          : t('admin.rules.saved', { version: saved.version }),
      );
      await queryClient.invalidateQueries({ queryKey: ['admin-rules'] });
      await queryClient.invalidateQueries({ queryKey: ['admin-rules-history'] });
    },
  });
  const placed = placeProblem(save.error, { 'CONSENT.REASON_REQUIRED': 'reason' }, language);
  const days = (name: string | string[], label: string, max: number, extra?: string) => (
    <Form.Item
      name={name}
      label={label}
      extra={extra}
      {...fieldHelp(placed, Array.isArray(name) ? (name[0] ?? '') : name)}
    >
      <InputNumber min={1} max={max} precision={0} suffix={t('admin.rules.daysUnit')} style={{ width: 180 }} />
    </Form.Item>
  );

  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.rules.inForce', { version: current.version })}</h2>}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={valuesOf(current.rules)}
        onFinish={(v) => {
          setNotice(undefined);
          save.mutate(v);
        }}
      >
        <Typography.Title level={3} style={{ fontSize: 15 }}>
          {t('admin.rules.workflow')}
        </Typography.Title>
        {days('responseDays', t('admin.rules.field.responseDays'), 60, t('admin.rules.hint.responseDays'))}
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name={['complianceReview', 'enabled']}
              label={t('admin.rules.field.complianceReview')}
              valuePropName="checked"
              extra={t('admin.rules.hint.complianceReview')}
            >
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            {reviewOn && days(['complianceReview', 'days'], t('admin.rules.field.complianceReviewDays'), 30)}
          </Col>
        </Row>
        <Form.Item
          name="secondApprovalGrades"
          label={t('admin.rules.field.secondApprovalGrades')}
          extra={t('admin.rules.hint.secondApprovalGrades')}
        >
          <Checkbox.Group options={approvalGrades.map((g) => ({ value: g, label: t(`grade.${g}`) }))} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            {days('secondApprovalDays', t('admin.rules.field.secondApprovalDays'), 30)}
          </Col>
          <Col xs={24} sm={12}>
            {days('coordinationDays', t('admin.rules.field.coordinationDays'), 30)}
          </Col>
        </Row>
        <Typography.Title level={3} style={{ fontSize: 15 }}>
          {t('admin.rules.field.masking')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('admin.rules.hint.masking')}</Typography.Paragraph>
        <Row gutter={16}>
          {maskableKinds.map((k) => (
            <Col xs={24} sm={12} key={k}>
              <Form.Item name={['masking', k]} label={t(`admin.rules.kind.${k}`)}>
                <Select
                  allowClear
                  placeholder={t('admin.rules.maskDefault')}
                  options={maskChoices.map((p) => ({ value: p, label: t(`admin.rules.profile.${p}`) }))}
                />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="reason" label={t('admin.rules.reason')} required {...fieldHelp(placed, 'reason')}>
          <Input.TextArea rows={2} maxLength={2000} placeholder={t('admin.rules.reasonPlaceholder')} />
        </Form.Item>
        {notice && (
          <Alert
            type="success"
            showIcon
            title={notice}
            closable={{ onClose: () => setNotice(undefined) }}
            style={{ marginBottom: 16 }}
            data-testid="rules-saved"
          />
        )}
        {placed.unplaced && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={save.error} />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('admin.rules.save')}
          </Button>
          <Button
            onClick={() => {
              save.reset();
              setNotice(undefined);
              form.setFieldsValue(valuesOf(current.rules));
            }}
          >
            {t('admin.rules.reset')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** Every version, newest first: who, when, why, and each changed field as it was and became. */
function RulesHistory({
  versions,
  defaults,
  current,
  loading,
  onView,
}: {
  versions: RulesVersion[];
  defaults: RulesVersion | undefined;
  current: number | undefined;
  loading: boolean;
  onView: (version: number) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const rows = [...versions].sort((a, b) => b.version - a.version);
  if (defaults && !byVersion.has(0)) rows.push(defaults);
  const before = (v: number) => (v <= 1 ? defaults : byVersion.get(v - 1));

  return (
    <Table<RulesVersion>
      rowKey="version"
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      aria-label={t('admin.rules.history')}
      columns={[
        {
          key: 'version',
          title: t('admin.rules.version'),
          render: (_: unknown, v) => (
            <Space orientation="vertical" size={2}>
              <span style={{ whiteSpace: 'nowrap' }}>{t('admin.rules.versionN', { version: v.version })}</span>
              {v.version === current && <TermTag tone="blue">{t('admin.rules.current')}</TermTag>}
              {v.version === 0 && <TermTag tone="grey">{t('admin.rules.defaults')}</TermTag>}
            </Space>
          ),
        },
        {
          key: 'who',
          title: t('admin.rules.changedBy'),
          render: (_: unknown, v) =>
            v.version === 0 ? (
              t('common.none')
            ) : (
              <Space orientation="vertical" size={0}>
                <span>{v.changedBy}</span>
                <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(v.changedAt, language)}
                </Typography.Text>
              </Space>
            ),
        },
        {
          key: 'what',
          title: t('admin.rules.changes'),
          render: (_: unknown, v) => {
            const prior = before(v.version);
            return (
              <Space orientation="vertical" size={2}>
                <span>{v.version === 0 ? t('admin.rules.defaultsReason') : v.reason}</span>
                {v.changedFields.filter(isRuleField).map((f) => (
                  <Typography.Text key={f} type="secondary">
                    {t(`admin.rules.field.${f}`)}：{prior ? `${describeRule(f, prior.rules, t)} → ` : ''}
                    {describeRule(f, v.rules, t)}
                  </Typography.Text>
                ))}
              </Space>
            );
          },
        },
        {
          key: 'view',
          title: t('admin.common.actions'),
          render: (_: unknown, v) => (
            <Button
              size="small"
              type="link"
              aria-label={t('admin.rules.viewVersion', { version: v.version })}
              onClick={() => onView(v.version)}
            >
              {t('admin.rules.view')}
            </Button>
          ),
        },
      ]}
    />
  );
}

/** One version of the rules as it was. */
function RulesVersionView({ version }: { version: number }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const answer = useQuery({
    queryKey: ['admin-rules-version', version],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/consent/v1/rules/versions/{version}', { params: { path: { version } }, signal })),
  });
  if (answer.error) return <ProblemAlert error={answer.error} />;
  if (!answer.data) return <Spin aria-label={t('common.loading')} />;
  const v = answer.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="rules-version">
      {v.version > 0 && (
        <Typography.Text type="secondary">
          {v.changedBy} · {formatDateTime(v.changedAt, language)} · {t('admin.rules.reason')}：{v.reason}
        </Typography.Text>
      )}
      <Descriptions
        bordered
        size="small"
        column={1}
        items={ruleFields.map((f) => ({
          key: f,
          label: t(`admin.rules.field.${f}`),
          children: describeRule(f, v.rules, t),
        }))}
      />
    </Space>
  );
}
