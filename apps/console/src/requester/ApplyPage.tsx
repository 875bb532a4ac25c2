import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  ConfigProvider,
  Descriptions,
  Form,
  Input,
  Space,
  Spin,
  Typography,
} from 'antd';
import { type ReactNode, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { GradeTag } from '../components/GradeTag';
import { PageTitle } from '../components/PageTitle';
import { PersonalInfoTag } from '../components/PersonalInfoTag';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { SharingModeTags } from '../components/SharingModeTags';
import { SharingTierTag } from '../components/SharingTierTag';
import { useLanguage } from '../i18n';
import { isSharingMode } from '../vocabulary';
import { type ApplicationMode, endOfBeijingDay, fieldErrors, fieldErrorTheme, modesOffered } from './types';

/** 128 random bits in hex (getRandomValues, unlike randomUUID, works on a console served over plain http) */
function idempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

interface Fields {
  items: string[];
  purpose: string;
  legalBasis: string;
  validUntil: string;
  modes: ApplicationMode[];
}

/**
 * 共享申请: a requester applies for a conditional entry — the data items it needs (with their grades
 * and personal-information labels), purpose, legal basis, validity and the modes the entry's 共享方式
 * carry. The consent service judges the application; its refusals are shown at the fields they are
 * about. Once submitted, 我的申请 shows it with the provider's deadline.
 */
export default function ApplyPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const navigate = useNavigate();
  const id = useParams().id ?? '';
  const [form] = Form.useForm<Fields>();

  const entry = useQuery({
    queryKey: ['catalog-entry', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id } }, signal })),
  });
  // one Idempotency-Key per submission: sent again unchanged (after a timeout, say) it is the same
  // key, so the consent service answers the application it filed instead of filing a second one
  const lastSent = useRef<{ body: string; key: string } | undefined>(undefined);
  const apply = useMutation({
    mutationFn: (f: Fields) => {
      const body = {
        resourceId: id,
        items: f.items ?? [],
        purpose: f.purpose ?? '',
        legalBasis: f.legalBasis ?? '',
        validUntil: f.validUntil ? endOfBeijingDay(f.validUntil) : '',
        modes: f.modes ?? [],
      };
      const text = JSON.stringify(body);
      if (lastSent.current?.body !== text) lastSent.current = { body: text, key: idempotencyKey() };
      return unwrap(
        api.POST('/api/consent/v1/applications', {
          params: { header: { 'idempotency-key': lastSent.current.key } },
          body,
        }),
      );
    },
    onSuccess: (created) =>
      navigate(`/my/applications?open=${encodeURIComponent(created.id)}`, { state: { submitted: created.id } }),
  });
  const placed = fieldErrors(apply.error, language);
  const help = (field: keyof Fields) => {
    const message = placed.fields[field];
    return message ? { validateStatus: 'error' as const, help: message } : {};
  };

  const crumbs = (name: string) => (
    <Breadcrumb
      items={[
        { title: <Link to="/catalog">{t('search.title')}</Link> },
        { title: <Link to={`/catalog/${encodeURIComponent(id)}`}>{name}</Link> },
        { title: t('requester.apply.title') },
      ]}
    />
  );
  const heading = (
    <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
      {t('requester.apply.title')}
    </Typography.Title>
  );

  if (entry.error) {
    return (
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <PageTitle>{t('requester.apply.title')}</PageTitle>
        {crumbs(id)}
        {heading}
        <ProblemAlert error={entry.error} onRetry={() => void entry.refetch()} />
      </Space>
    );
  }
  if (entry.isPending) return <Spin aria-label={t('common.loading')} />;
  const e = entry.data;
  const offered = modesOffered(e.sharingModes);
  const sharingModeNames = e.sharingModes.map((m) => (isSharingMode(m) ? t(`mode.${m}`) : m)).join('、');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{`${t('requester.apply.title')} · ${e.name}`}</PageTitle>
      {crumbs(e.name)}
      {heading}
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 880 }}>
        {t('requester.apply.intro')}
      </Typography.Paragraph>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('requester.apply.entry')}</h2>}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'name',
              label: t('requester.apply.entry'),
              children: (
                <Space size={[4, 4]} wrap>
                  <Link to={`/catalog/${encodeURIComponent(e.id)}`}>{e.name}</Link>
                  <Typography.Text type="secondary">{e.id}</Typography.Text>
                </Space>
              ),
            },
            {
              key: 'provider',
              label: t('resource.provider'),
              children: `${provinceLabel(t, e.province)} · ${e.provider?.name ?? ''}`,
            },
            {
              key: 'tier',
              label: t('resource.sharingTier'),
              children: (
                <Space size={[0, 4]} wrap>
                  <SharingTierTag tier={e.sharingTier} />
                  <GradeTag grade={e.grade} />
                </Space>
              ),
            },
            { key: 'modes', label: t('resource.sharingModes'), children: <SharingModeTags modes={e.sharingModes} /> },
            {
              key: 'conditions',
              label: t('requester.apply.conditions'),
              span: 2,
              children: e.sharingConditions || t('common.none'),
            },
          ]}
        />
      </Card>
      {e.sharingTier !== 'conditional' && <Alert type="info" showIcon title={t('requester.apply.notConditional')} />}
      <Card size="small">
        <ConfigProvider theme={fieldErrorTheme}>
          <Form<Fields>
            form={form}
            layout="vertical"
            initialValues={{ items: [], modes: offered.slice(0, 1) }}
            onFinish={(f) => apply.mutate(f)}
            onValuesChange={() => {
              // the refusal was about what was sent: once the form changes, it no longer stands
              if (apply.error) apply.reset();
            }}
            style={{ maxWidth: 880 }}
          >
            <Form.Item
              name="items"
              label={t('requester.apply.items')}
              extra={t('requester.apply.itemsHint')}
              {...help('items')}
            >
              <ItemChoice
                options={e.items.map((i) => ({
                  value: i.name,
                  label: (
                    <Space size={4} wrap>
                      <span>
                        {i.label}（{i.name}）
                      </span>
                      <GradeTag grade={i.grade} subLevel={i.subLevel} />
                      <PersonalInfoTag personal={i.personalInfo} sensitive={i.sensitivePersonalInfo} />
                    </Space>
                  ),
                }))}
              />
            </Form.Item>
            <Form.Item name="purpose" label={t('requester.apply.purpose')} {...help('purpose')}>
              <Input maxLength={500} placeholder={t('requester.apply.purposePlaceholder')} />
            </Form.Item>
            <Form.Item name="legalBasis" label={t('requester.apply.legalBasis')} {...help('legalBasis')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('requester.apply.legalBasisPlaceholder')} />
            </Form.Item>
            <Space size="large" wrap align="start">
              <Form.Item
                name="validUntil"
                label={t('requester.apply.validUntil')}
                extra={t('requester.apply.validUntilHint')}
                {...help('validUntil')}
              >
                <Input type="date" style={{ width: 200 }} />
              </Form.Item>
              <Form.Item
                name="modes"
                label={t('requester.apply.modes')}
                extra={t('requester.apply.modesHint', { modes: sharingModeNames || t('common.none') })}
                {...help('modes')}
              >
                <ItemChoice options={offered.map((m) => ({ value: m, label: t(`requester.mode.${m}`) }))} />
              </Form.Item>
            </Space>
            {apply.error && !placed.placed && <ProblemAlert error={apply.error} />}
            <Form.Item style={{ marginTop: 8, marginBottom: 0 }}>
              {/* filed, the page moves to 我的申请: until it has, 提交申请 stays busy, or a second click on
                  a slow machine would file the application twice */}
              <Button type="primary" htmlType="submit" loading={apply.isPending || apply.isSuccess}>
                {t('requester.apply.submit')}
              </Button>
            </Form.Item>
          </Form>
        </ConfigProvider>
      </Card>
    </Space>
  );
}

/**
 * Checkboxes for a Form.Item. Form.Item gives its control `aria-required`, which a checkbox group
 * (role="group") may not carry (axe: aria-allowed-attr); the choice is named by the label.
 */
function ItemChoice<T extends string>({
  value,
  onChange,
  options,
}: {
  value?: T[];
  onChange?: (v: T[]) => void;
  options: { value: T; label: ReactNode }[];
}) {
  return (
    <Checkbox.Group<T>
      value={value}
      onChange={onChange}
      options={options}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
    />
  );
}
