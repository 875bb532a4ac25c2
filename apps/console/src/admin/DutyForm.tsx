import { useMutation } from '@tanstack/react-query';
import { Button, Card, Col, Form, Input, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLanguage } from '../i18n';
import { tiers } from '../vocabulary';
import { useClassTable, useProvinceAgencies } from './directory';
import { fieldHelp, placeProblem } from './fieldIssues';

interface DutyValues {
  agencyCreditCode?: string;
  classCode?: string;
  name: string;
  sharingTier?: (typeof tiers)[number];
  dueDate: string;
  note: string;
}

/** The service's refusals that are about one field of the form. */
const fieldOfCode = {
  'CATALOG.UNKNOWN_AGENCY': 'agencyCreditCode',
  'CATALOG.INVALID_CREDIT_CODE': 'agencyCreditCode',
  'CATALOG.UNKNOWN_CLASS_CODE': 'classCode',
  'CATALOG.DUPLICATE_DUTY': 'name',
};

/**
 * 列入责任清单: an agency, the 细目 it must catalogue under, the resource as the list names it, and
 * optionally the least open sharing attribute and the due date. The catalogue service checks it all.
 */
export function DutyForm({ onAdded, onCancel }: { onAdded: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const [form] = Form.useForm<DutyValues>();
  const agencies = useProvinceAgencies();
  const classes = useClassTable();
  const add = useMutation({
    mutationFn: (v: DutyValues) =>
      unwrap(
        api.POST('/api/catalog/v1/duties', {
          body: {
            agencyCreditCode: v.agencyCreditCode ?? '',
            classCode: v.classCode ?? '',
            name: v.name,
            note: v.note,
            ...(v.sharingTier ? { sharingTier: v.sharingTier } : {}),
            ...(v.dueDate ? { dueDate: v.dueDate } : {}),
          },
        }),
      ),
    onSuccess: onAdded,
  });
  const placed = placeProblem(add.error, fieldOfCode, language);

  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.duties.addTitle')}</h2>}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: '', dueDate: '', note: '' }}
        onFinish={(v) => add.mutate(v)}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="agencyCreditCode"
              label={t('admin.duties.agency')}
              required
              {...fieldHelp(placed, 'agencyCreditCode')}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={agencies.isPending}
                placeholder={t('admin.duties.agencyPlaceholder')}
                options={[...(agencies.data?.values() ?? [])].map((a) => ({
                  value: a.creditCode,
                  label: `${a.name}（${a.creditCode}）`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="classCode"
              label={t('admin.duties.classCode')}
              required
              {...fieldHelp(placed, 'classCode')}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={classes.isPending}
                placeholder={t('admin.duties.classPlaceholder')}
                options={[...(classes.data?.values() ?? [])]
                  .filter((c) => c.level === '细目')
                  .map((c) => ({ value: c.code, label: `${c.code} ${c.path.join(' / ')}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('admin.duties.name')} required {...fieldHelp(placed, 'name')}>
              <Input maxLength={200} placeholder={t('admin.duties.namePlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="sharingTier" label={t('admin.duties.sharingTier')} {...fieldHelp(placed, 'sharingTier')}>
              <Select
                allowClear
                placeholder={t('admin.duties.anyTier')}
                options={tiers.map((tier) => ({ value: tier, label: t(`tier.${tier}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="dueDate" label={t('admin.duties.dueDate')} {...fieldHelp(placed, 'dueDate')}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="note" label={t('admin.duties.note')} {...fieldHelp(placed, 'note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
        {placed.unplaced && <ProblemAlert error={add.error} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('admin.duties.submit')}
          </Button>
          <Button onClick={onCancel}>{t('admin.common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
