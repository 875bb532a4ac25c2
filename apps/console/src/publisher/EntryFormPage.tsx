import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { useSignedIn } from '../auth';
import type { Entry } from '../catalog/types';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLanguage } from '../i18n';
import { grades, isEntryStatus, itemTypes, piiKinds, sharingModes, tiers } from '../vocabulary';
import { EntryStatusTag } from './EntryStatusTag';
import { placeIssues } from './formIssues';
import type { EntryInput, ItemInput } from './types';

/** The entry's fields as the form names them (an issue on any other path is shown whole). */
const formFields = new Set([
  'resourceCode',
  'classCode',
  'name',
  'providerCreditCode',
  'summary',
  'format',
  'updateCycle',
  'publishDate',
  'relatedResources',
  'items',
  'keyItems',
  'sharingTier',
  'sharingConditions',
  'sharingModes',
  'openTier',
  'grade',
  'legalBasis',
  'domain',
]);

const newItem: ItemInput = {
  name: '',
  label: '',
  type: 'string',
  description: '',
  grade: 'general',
  subLevel: 1,
  personalInfo: false,
  sensitivePersonalInfo: false,
  piiKind: 'none',
};

/** A stored entry as the body that would write it again. */
function inputOf(e: Entry): EntryInput {
  return {
    resourceCode: e.resourceCode,
    classCode: e.classCode,
    name: e.name,
    providerCreditCode: e.provider?.creditCode ?? '',
    summary: e.summary,
    format: e.format,
    updateCycle: e.updateCycle,
    publishDate: e.publishDate,
    relatedResources: e.relatedResources,
    items: e.items.map((i) => ({
      name: i.name,
      label: i.label,
      type: (itemTypes as readonly string[]).includes(i.type) ? (i.type as ItemInput['type']) : 'string',
      description: i.description,
      grade: i.grade as ItemInput['grade'],
      subLevel: i.subLevel,
      personalInfo: i.personalInfo,
      sensitivePersonalInfo: i.sensitivePersonalInfo,
      piiKind: i.piiKind as ItemInput['piiKind'],
    })),
    keyItems: e.keyItems,
    sharingTier: e.sharingTier as EntryInput['sharingTier'],
    sharingConditions: e.sharingConditions,
    sharingModes: e.sharingModes as NonNullable<EntryInput['sharingModes']>,
    openTier: e.openTier as EntryInput['openTier'],
    grade: e.grade as EntryInput['grade'],
    legalBasis: e.legalBasis,
    domain: e.domain,
  };
}

/**
 * 编目 / 编辑: a new entry (`my/entries/new`) or a change to one (`my/entries/:id/edit`), with its data
 * items. The catalogue checks everything; what it refuses is shown at the field it is about — a data
 * item's at its row — and anything else above the buttons. A saved draft is submitted from here.
 */
export default function EntryFormPage() {
  const { t } = useTranslation();
  const api = useApi();
  const id = useParams().id;
  const entry = useQuery({
    queryKey: ['catalog-entry', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id: id ?? '' } }, signal })),
    enabled: id !== undefined,
  });
  const title = id ? t('publisher.form.editTitle', { name: entry.data?.name ?? id }) : t('publisher.form.newTitle');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{title}</PageTitle>
      <Breadcrumb items={[{ title: <Link to="/my/entries">{t('publisher.entries.title')}</Link> }, { title: title }]} />
      <Space wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {title}
        </Typography.Title>
        {entry.data && <EntryStatusTag status={entry.data.status} />}
        {entry.data && (
          <Typography.Text type="secondary">{t('resource.versionN', { version: entry.data.version })}</Typography.Text>
        )}
      </Space>
      {entry.error && <ProblemAlert error={entry.error} onRetry={() => void entry.refetch()} />}
      {id && entry.isPending && <Spin aria-label={t('common.loading')} />}
      {(!id || entry.data) && <EntryForm key={`${id ?? 'new'}`} stored={entry.data} />}
    </Space>
  );
}

function EntryForm({ stored }: { stored: Entry | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { claims } = useSignedIn();
  const [form] = Form.useForm<EntryInput>();
  const [saved, setSaved] = useState<Entry>();
  const location = useLocation();

  const current = saved ?? stored;

  const classes = useQuery({
    queryKey: ['resource-classes'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/catalog/v1/classes', { signal })),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const classOptions = useMemo(
    () =>
      (classes.data?.classes ?? [])
        .filter((c) => c.level === '细目')
        .map((c) => ({ value: c.code, label: `${c.code} ${c.path.join(' / ')}` })),
    [classes.data],
  );

  const save = useMutation({
    mutationFn: (body: EntryInput) =>
      current
        ? unwrap(api.PUT('/api/catalog/v1/resources/{id}', { params: { path: { id: current.id } }, body }))
        : unwrap(api.POST('/api/catalog/v1/resources', { body })),
    onSuccess: async (e) => {
      // a new entry is edited under its id from now on, and only the page there says it was saved
      // and offers 提交审核: this form leaves with nothing to act on, or a quick click on it (the move
      // can take a moment) would submit from a form whose confirmation is never seen
      if (current) setSaved(e);
      queryClient.setQueryData(['catalog-entry', e.id], e);
      await queryClient.invalidateQueries({ queryKey: ['own-entries'] });
      if (!current) navigate(`/my/entries/${encodeURIComponent(e.id)}/edit`, { replace: true, state: { saved: true } });
    },
  });
  const submit = useMutation({
    mutationFn: (entryId: string) =>
      unwrap(api.POST('/api/catalog/v1/resources/{id}/submit', { params: { path: { id: entryId } } })),
    onSuccess: async (e) => {
      setSaved(e);
      queryClient.setQueryData(['catalog-entry', e.id], e);
      await queryClient.invalidateQueries({ queryKey: ['own-entries'] });
    },
  });

  const justCreated =
    save.isIdle && typeof location.state === 'object' && location.state !== null && 'saved' in location.state;

  const placed = useMemo(
    () => (save.error ? placeIssues(save.error, formFields, language) : undefined),
    [save.error, language],
  );
  useEffect(() => {
    if (!placed || placed.fields.length === 0) return;
    // the API names fields by path; the form's typed NamePath cannot know which paths those are
    const byPath: FormInstance = form;
    byPath.setFields(placed.fields.map((f) => ({ name: f.name, errors: f.errors })));
    const first = placed.fields[0];
    if (first) byPath.scrollToField(first.name, { block: 'center' });
  }, [placed, form]);

  const sharingTier = Form.useWatch('sharingTier', form);
  const items = Form.useWatch('items', form);
  const itemNames = (items ?? []).map((i) => i?.name).filter((n): n is string => Boolean(n));

  const initial: EntryInput = stored
    ? inputOf(stored)
    : {
        resourceCode: '',
        classCode: '',
        name: '',
        providerCreditCode: claims.agency,
        summary: '',
        format: '数据库',
        updateCycle: '不定期',
        publishDate: '',
        relatedResources: [],
        items: [newItem],
        keyItems: [],
        sharingTier: 'conditional',
        sharingConditions: '',
        sharingModes: ['interface'],
        openTier: 'none',
        grade: 'general',
        legalBasis: '',
        domain: '',
      };

  const statusName = (s: string) => (isEntryStatus(s) ? t(`status.${s}`) : s);

  return (
    <Form<EntryInput>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={(values) => {
        // the last refusal's messages go; the catalogue answers this attempt afresh
        if (placed) (form as FormInstance).setFields(placed.fields.map((f) => ({ name: f.name, errors: [] })));
        submit.reset();
        save.mutate(values);
      }}
      scrollToFirstError
    >
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.form.basics')}</h2>}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="name" label={t('publisher.entries.name')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="resourceCode"
                label={t('resource.resourceCode')}
                extra={t('publisher.form.resourceCodeHint')}
              >
                <Input readOnly={Boolean(current)} placeholder="330000-DSJ-00021" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="classCode" label={t('resource.classCode')}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={classOptions}
                  loading={classes.isPending}
                  placeholder={t('publisher.form.classPlaceholder')}
                  aria-label={t('resource.classCode')}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="providerCreditCode"
                label={t('resource.provider')}
                extra={t('publisher.form.providerHint')}
              >
                <Input readOnly={Boolean(current)} maxLength={18} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="summary" label={t('resource.summary')}>
                <Input.TextArea rows={3} maxLength={4000} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="domain" label={t('resource.domain')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="format" label={t('resource.format')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="updateCycle" label={t('resource.updateCycle')}>
                <Input maxLength={20} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                name="publishDate"
                label={t('resource.publishDate')}
                extra={t('publisher.form.publishDateHint')}
              >
                <Input placeholder="YYYY-MM-DD" maxLength={10} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="relatedResources" label={t('resource.relatedResources')}>
                <Select
                  mode="tags"
                  open={false}
                  suffixIcon={null}
                  placeholder={t('publisher.form.relatedPlaceholder')}
                  aria-label={t('resource.relatedResources')}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.form.sharing')}</h2>}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="sharingTier" label={t('resource.sharingTier')}>
                <Radio.Group options={tiers.map((v) => ({ value: v, label: t(`tier.${v}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="openTier" label={t('resource.openTier')}>
                <Radio.Group options={tiers.map((v) => ({ value: v, label: t(`openTier.${v}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="sharingModes" label={t('resource.sharingModes')}>
                <Checkbox.Group options={sharingModes.map((v) => ({ value: v, label: t(`mode.${v}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="grade" label={t('resource.grade')}>
                <Radio.Group options={grades.map((v) => ({ value: v, label: t(`grade.${v}`) }))} />
              </Form.Item>
            </Col>
            <Col span={24} style={sharingTier === 'none' ? { display: 'none' } : undefined}>
              <Form.Item name="sharingConditions" label={t('resource.sharingConditions')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </Col>
            <Col span={24} style={sharingTier === 'none' ? undefined : { display: 'none' }}>
              <Form.Item name="legalBasis" label={t('resource.legalBasis')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card
          size="small"
          title={
            <h2 style={{ fontSize: 16, margin: 0 }}>
              {t('publisher.form.items')}（{t('resource.itemsCount', { count: items?.length ?? 0 })}）
            </h2>
          }
        >
          <Form.List name="items">
            {(rows, { add, remove }) => (
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                {rows.map((row, i) => (
                  <DataItemRow
                    key={row.key}
                    row={row.name}
                    n={i + 1}
                    onRemove={rows.length > 1 ? () => remove(row.name) : undefined}
                  />
                ))}
                <Button onClick={() => add({ ...newItem })}>{t('publisher.form.addItem')}</Button>
              </Space>
            )}
          </Form.List>
          <Form.Item name="keyItems" label={t('resource.keyItems')} style={{ marginTop: 16, marginBottom: 0 }}>
            <Select
              mode="multiple"
              options={itemNames.map((n) => ({ value: n, label: n }))}
              placeholder={t('publisher.form.keyItemsPlaceholder')}
              aria-label={t('resource.keyItems')}
            />
          </Form.Item>
        </Card>

        {placed && placed.fields.length > 0 && !placed.unplaced && (
          <Alert type="warning" showIcon title={t('publisher.form.fixFields')} data-testid="fix-fields" />
        )}
        {save.error && placed?.unplaced && <ProblemAlert error={save.error} />}
        {(save.isSuccess || justCreated) && current && !submit.isSuccess && (
          <Alert
            type="success"
            showIcon
            data-testid="saved"
            title={t('publisher.form.saved', { version: current.version, status: statusName(current.status) })}
          />
        )}
        {submit.isSuccess && (
          <Alert type="success" showIcon data-testid="entry-submitted" title={t('publisher.form.submitted')} />
        )}
        {submit.error && <ProblemAlert error={submit.error} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending || (!current && save.isSuccess)}>
            {t('publisher.form.save')}
          </Button>
          {current?.status === 'draft' && (
            <Button loading={submit.isPending} onClick={() => submit.mutate(current.id)}>
              {t('publisher.form.submit')}
            </Button>
          )}
          {current && (
            <Link to={`/my/entries/${encodeURIComponent(current.id)}/history`}>{t('publisher.form.history')}</Link>
          )}
          <Link to="/my/entries">{t('publisher.form.toList')}</Link>
          {current && <Typography.Text type="secondary">{t('publisher.form.unchangedHint')}</Typography.Text>}
        </Space>
      </Space>
    </Form>
  );
}

/** One data item (信息项) as one row of fields; each field named with its row for screen readers. */
function DataItemRow({ row, n, onRemove }: { row: number; n: number; onRemove: (() => void) | undefined }) {
  const { t } = useTranslation();
  const label = (what: string) => `${what} ${n}`;
  const compact = { marginBottom: 8 };
  return (
    <div data-testid={`item-${n}`} style={{ borderBottom: '1px solid #f0f0f0', paddingBottom: 8 }}>
      <Typography.Text strong>{t('publisher.form.itemN', { n })}</Typography.Text>
      <Row gutter={12} style={{ marginTop: 4 }}>
        <Col xs={24} md={12} xl={5}>
          <Form.Item name={[row, 'label']} label={t('item.label')} style={compact}>
            <Input aria-label={label(t('item.label'))} maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={5}>
          <Form.Item name={[row, 'name']} label={t('item.name')} style={compact}>
            <Input aria-label={label(t('item.name'))} maxLength={64} placeholder="booking_no" />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Form.Item name={[row, 'type']} label={t('item.type')} style={compact}>
            <Select
              aria-label={label(t('item.type'))}
              options={itemTypes.map((v) => ({ value: v, label: t(`itemType.${v}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Form.Item name={[row, 'grade']} label={t('item.grade')} style={compact}>
            <Select
              aria-label={label(t('item.grade'))}
              options={grades.map((v) => ({ value: v, label: t(`grade.${v}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Form.Item name={[row, 'subLevel']} label={t('publisher.form.subLevel')} style={compact}>
            <InputNumber aria-label={label(t('publisher.form.subLevel'))} min={0} max={4} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Form.Item name={[row, 'piiKind']} label={t('publisher.form.piiKind')} style={compact}>
            <Select
              aria-label={label(t('publisher.form.piiKind'))}
              options={piiKinds.map((v) => ({ value: v, label: t(`publisher.pii.${v}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8} xl={6}>
          <Form.Item label=" " style={compact} colon={false}>
            <Space wrap>
              <Form.Item name={[row, 'personalInfo']} valuePropName="checked" noStyle>
                <Checkbox aria-label={label(t('item.personal'))}>{t('item.personal')}</Checkbox>
              </Form.Item>
              <Form.Item name={[row, 'sensitivePersonalInfo']} valuePropName="checked" noStyle>
                <Checkbox aria-label={label(t('publisher.form.sensitive'))}>{t('publisher.form.sensitive')}</Checkbox>
              </Form.Item>
            </Space>
          </Form.Item>
        </Col>
        <Col xs={24} md={16} xl={9}>
          <Form.Item name={[row, 'description']} label={t('item.description')} style={compact}>
            <Input aria-label={label(t('item.description'))} maxLength={2000} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6} xl={4}>
          <Form.Item label=" " colon={false} style={compact}>
            <Button danger disabled={!onRemove} onClick={onRemove}>
              {t('publisher.form.removeItem', { n })}
            </Button>
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}
