import { useMutation } from '@tanstack/react-query';
import { Button, Card, Col, Form, Input, Radio, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLanguage } from '../i18n';
import { useClassTable } from './directory';
import { fieldHelp, placeProblem } from './fieldIssues';

type Target = 'class' | 'entry';

interface NegativeValues {
  target: Target;
  classCode?: string;
  resourceId: string;
  reason: string;
  legalBasis: string;
}

/**
 * 列入负面清单: a class (any level, covering everything under it) or one entry, with the reason and
 * the legal basis. The catalogue service decides whether the line stands.
 */
export function NegativeEntryForm({ onAdded, onCancel }: { onAdded: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const [form] = Form.useForm<NegativeValues>();
  const target = Form.useWatch('target', form) ?? 'class';
  const classes = useClassTable();
  const add = useMutation({
    mutationFn: (v: NegativeValues) =>
      unwrap(
        api.POST('/api/catalog/v1/negative-list', {
          body: {
            reason: v.reason,
            legalBasis: v.legalBasis,
            ...(v.target === 'class' ? { classCode: v.classCode ?? '' } : { resourceId: v.resourceId }),
          },
        }),
      ),
    onSuccess: onAdded,
  });
  const targetField = target === 'class' ? 'classCode' : 'resourceId';
  const placed = placeProblem(
    add.error,
    {
      'CATALOG.UNKNOWN_CLASS_CODE': 'classCode',
      'CATALOG.UNKNOWN_RESOURCE': 'resourceId',
      'CATALOG.NEGATIVE_TARGET': targetField,
      'CATALOG.DUPLICATE_NEGATIVE_ENTRY': targetField,
      'CATALOG.REASON_REQUIRED': 'reason',
      'CATALOG.LEGAL_BASIS_REQUIRED': 'legalBasis',
    },
    language,
  );

  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.negative.addTitle')}</h2>}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ target: 'class', resourceId: '', reason: '', legalBasis: '' }}
        onFinish={(v) => add.mutate(v)}
      >
        <Form.Item name="target" label={t('admin.negative.targetKind')}>
          <Radio.Group
            options={[
              { value: 'class', label: t('admin.negative.byClass') },
              { value: 'entry', label: t('admin.negative.byEntry') },
            ]}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            {target === 'class' ? (
              <Form.Item
                name="classCode"
                label={t('admin.negative.classCode')}
                required
                {...fieldHelp(placed, 'classCode')}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={classes.isPending}
                  placeholder={t('admin.negative.classPlaceholder')}
                  options={[...(classes.data?.values() ?? [])].map((c) => ({
                    value: c.code,
                    label: `${c.code} ${c.name}（${c.level}）`,
                  }))}
                />
              </Form.Item>
            ) : (
              <Form.Item
                name="resourceId"
                label={t('admin.negative.resourceId')}
                required
                {...fieldHelp(placed, 'resourceId')}
              >
                <Input maxLength={100} placeholder={t('admin.negative.resourcePlaceholder')} />
              </Form.Item>
            )}
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="reason" label={t('admin.negative.reason')} required {...fieldHelp(placed, 'reason')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="legalBasis"
              label={t('admin.negative.legalBasis')}
              required
              {...fieldHelp(placed, 'legalBasis')}
            >
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('admin.negative.legalBasisPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        {placed.unplaced && <ProblemAlert error={add.error} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('admin.negative.submit')}
          </Button>
          <Button onClick={onCancel}>{t('admin.common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
