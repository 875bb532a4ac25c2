import { useMutation } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Radio } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { toShownProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';

export interface StepBody<D extends string> {
  decision: D;
  reason: string;
  legalDuty?: boolean;
}

interface StepFormProps<D extends string> {
  /** the step's name, a heading (审核, 符合性审查, 二级审批, 协调结论) */
  title: string;
  decisionLabel: string;
  options: readonly { value: D; label: string }[];
  submitLabel: string;
  /** the label of the 履行法定职责 option, where the step records one */
  legalDutyLabel?: string;
  send: (body: StepBody<D>) => Promise<unknown>;
  onDone: () => void;
}

/**
 * One step of the workflow as a form: a decision and its reason (and, for a coordination, whether the
 * requester performs a statutory duty). The page checks nothing itself: the consent service decides
 * whether the step may be taken, by whom and with what reason, and its refusal is shown — a field
 * it names at the field, anything else as the problem.
 */
export function StepForm<D extends string>({
  title,
  decisionLabel,
  options,
  submitLabel,
  legalDutyLabel,
  send,
  onDone,
}: StepFormProps<D>) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ decision: D; reason: string; legalDuty: boolean }>();
  const step = useMutation({ mutationFn: send, onSuccess: onDone });
  const problem = step.error ? toShownProblem(step.error) : undefined;
  const reasonIssue =
    problem?.kind === 'problem' ? problem.issues.find((i) => i.path.startsWith('reason'))?.message : undefined;
  const headingId = useId();

  return (
    <section aria-labelledby={headingId} data-testid="step-form">
      <h3 id={headingId} style={{ fontSize: 15, fontWeight: 600, margin: '0 0 12px' }}>
        {title}
      </h3>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ decision: options[0]?.value, reason: '', legalDuty: false }}
        onFinish={(v) =>
          step.mutate({
            decision: v.decision,
            reason: v.reason ?? '',
            ...(legalDutyLabel ? { legalDuty: v.legalDuty } : {}),
          })
        }
      >
        <Form.Item name="decision" label={decisionLabel}>
          <Radio.Group options={options.map((o) => ({ value: o.value, label: o.label }))} />
        </Form.Item>
        {legalDutyLabel && (
          <Form.Item name="legalDuty" valuePropName="checked">
            <Checkbox>{legalDutyLabel}</Checkbox>
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('worklist.reason')}
          {...(reasonIssue ? { validateStatus: 'error' as const, help: reasonIssue } : {})}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        {step.error && !reasonIssue && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={step.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" loading={step.isPending}>
          {submitLabel}
        </Button>
      </Form>
    </section>
  );
}
