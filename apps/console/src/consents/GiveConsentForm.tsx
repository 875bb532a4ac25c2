import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Checkbox, type CheckboxOptionType, Form, Input, Radio, Select, Space, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { provinceLabel } from '../components/ProvinceName';
import { isProvince, type Province, provinces } from '../vocabulary';
import { type Consent, endOfBeijingDay, type FetchType, fetchTypes } from './types';

interface Fields {
  requesterProvince: Province;
  requesterAgency: string;
  resourceId: string;
  items: string[];
  purpose: string;
  validUntil: string;
  fetchType: FetchType;
}

/**
 * 出具授权书: the person names who may use which of their data, for what and until when. The
 * requester agencies come from the regional catalogue's agency facet of the chosen province, the
 * resource from the catalogue search, the items from the chosen entry; the consent service judges.
 */
export function GiveConsentForm({ onGiven }: { onGiven: (consent: Consent) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<Fields>();
  const province = Form.useWatch('requesterProvince', form);
  const resourceId = Form.useWatch('resourceId', form);
  const [q, setQ] = useState('');

  const agencies = useQuery({
    queryKey: ['catalog-agencies', province],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources', { params: { query: { province, pageSize: 1 } }, signal })),
    enabled: province !== undefined,
    select: (answer) => answer.facets.agency ?? [],
  });
  const resources = useQuery({
    queryKey: ['catalog-search', { q, pageSize: 20 }],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources', { params: { query: { q: q || undefined, pageSize: 20 } }, signal })),
  });
  const entry = useQuery({
    queryKey: ['catalog-entry', resourceId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id: resourceId } }, signal })),
    enabled: Boolean(resourceId),
  });

  const give = useMutation({
    mutationFn: (f: Fields) =>
      unwrap(
        api.POST('/api/consent/v1/consents', {
          body: { ...f, purpose: f.purpose.trim(), validUntil: endOfBeijingDay(f.validUntil) },
        }),
      ),
    onSuccess: (consent) => {
      form.resetFields();
      onGiven(consent);
    },
  });

  return (
    <Form<Fields>
      form={form}
      layout="vertical"
      initialValues={{ fetchType: 'periodic', items: [] }}
      onFinish={(f) => give.mutate(f)}
      onValuesChange={(changed: Partial<Fields>) => {
        if (changed.requesterProvince) form.setFieldValue('requesterAgency', undefined);
        if (changed.resourceId) form.setFieldValue('items', []);
      }}
    >
      <Space size="middle" wrap style={{ width: '100%' }} align="start">
        <Form.Item
          name="requesterProvince"
          label={t('consents.requesterProvince')}
          rules={[{ required: true, message: t('consents.required') }]}
          style={{ minWidth: 160 }}
        >
          <Select
            aria-label={t('consents.requesterProvince')}
            options={provinces.map((p) => ({ value: p, label: t(`province.${p}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="requesterAgency"
          label={t('consents.requesterAgency')}
          rules={[{ required: true, message: t('consents.required') }]}
          style={{ minWidth: 320 }}
        >
          <Select
            aria-label={t('consents.requesterAgency')}
            disabled={!isProvince(province)}
            loading={agencies.isFetching}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={isProvince(province) ? undefined : t('consents.provinceFirst')}
            options={(agencies.data ?? []).map((a) => ({ value: a.value, label: a.label || a.value }))}
          />
        </Form.Item>
      </Space>
      <Form.Item
        name="resourceId"
        label={t('consents.resource')}
        rules={[{ required: true, message: t('consents.required') }]}
      >
        <Select
          aria-label={t('consents.resource')}
          showSearch={{ filterOption: false, onSearch: setQ }}
          loading={resources.isFetching}
          placeholder={t('consents.resourcePlaceholder')}
          notFoundContent={resources.isFetching ? <Spin size="small" /> : undefined}
          options={(resources.data?.items ?? []).map((r) => ({
            value: r.id,
            label: `${r.name}（${provinceLabel(t, r.province)} · ${r.id}）`,
          }))}
        />
      </Form.Item>
      <Form.Item
        name="items"
        label={t('consents.items')}
        rules={[{ required: true, type: 'array', min: 1, message: t('consents.itemsRequired') }]}
      >
        <ItemChoice
          disabled={entry.isFetching}
          options={(entry.data?.items ?? []).map((i) => ({ value: i.name, label: `${i.label}（${i.name}）` }))}
        />
      </Form.Item>
      {entry.error && <ProblemAlert error={entry.error} />}
      <Form.Item
        name="purpose"
        label={t('consents.purpose')}
        extra={t('consents.purposeHint')}
        rules={[{ required: true, whitespace: true, message: t('consents.required') }]}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Space size="middle" wrap align="start">
        <Form.Item
          name="validUntil"
          label={t('consents.validUntil')}
          rules={[{ required: true, message: t('consents.required') }]}
        >
          <Input type="date" />
        </Form.Item>
        <Form.Item name="fetchType" label={t('consents.fetchType')}>
          <Radio.Group options={fetchTypes.map((f) => ({ value: f, label: t(`consents.fetch.${f}`) }))} />
        </Form.Item>
      </Space>
      {give.error && <ProblemAlert error={give.error} />}
      <Form.Item style={{ marginTop: 16, marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" loading={give.isPending}>
          {t('consents.give')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/**
 * The entry's data items as checkboxes. Form.Item gives its control `aria-required`, which a
 * checkbox group (role="group") may not carry (axe: aria-allowed-attr); the choice is named by the label.
 */
function ItemChoice({
  value,
  onChange,
  disabled,
  options,
}: {
  value?: string[];
  onChange?: (items: string[]) => void;
  disabled: boolean;
  options: CheckboxOptionType<string>[];
}) {
  return <Checkbox.Group value={value} onChange={onChange} disabled={disabled} options={options} />;
}
