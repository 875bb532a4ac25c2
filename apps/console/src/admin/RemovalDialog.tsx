import { Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLanguage } from '../i18n';
import { fieldHelp, placeProblem } from './fieldIssues';

// antd's danger red (#ff4d4f) is 3.3:1 on white: a darker red for WCAG AA, as the consents page's
const dangerRed = '#a8071a';

/**
 * 移出清单: taking a line off a list is confirmed with a reason, which the list keeps with the line
 * (the service refuses a removal without one; the form says so first).
 */
export function RemovalDialog({
  open,
  title,
  what,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  /** the line being removed, as the user knows it */
  what: string;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [form] = Form.useForm<{ reason: string }>();
  const placed = placeProblem(error, { 'CATALOG.REASON_REQUIRED': 'reason' }, language);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      okText={t('admin.removal.confirm')}
      cancelText={t('admin.common.cancel')}
      okButtonProps={{ danger: true, loading: pending, style: { background: dangerRed, borderColor: dangerRed } }}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>{what}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => onConfirm(v.reason)} initialValues={{ reason: '' }}>
        <Form.Item
          name="reason"
          label={t('admin.removal.reason')}
          rules={[{ required: true, whitespace: true, message: t('admin.removal.reasonRequired') }]}
          {...fieldHelp(placed, 'reason')}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
      {placed.unplaced && <ProblemAlert error={error} />}
    </Modal>
  );
}
