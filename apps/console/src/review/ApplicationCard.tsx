import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Spin } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { useSignedIn } from '../auth';
import { useAgencyNames } from '../catalog/agencies';
import { ApplicationStatusTag } from '../components/ApplicationStatusTag';
import { GradeTag } from '../components/GradeTag';
import { ProblemAlert } from '../components/ProblemAlert';
import { ProvinceName } from '../components/ProvinceName';
import { TermTag } from '../components/TermTag';
import { isApplicationStatus } from '../vocabulary';
import { type StepBody, StepForm } from './StepForm';
import { StepTimeline } from './StepTimeline';
import type { Application } from './types';

/**
 * One application: who asks for which items, why and on what basis, until when; the steps so far; and
 * the step its state is waiting for, offered to the role the API gives it to — the providing agency's
 * reviewer (审核), the province's data authority (符合性审查, 二级审批, 协调结论). Whether this user may
 * take it is the consent service's to decide; its refusal is shown.
 */
export function ApplicationCard({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const agencyName = useAgencyNames();
  const [done, setDone] = useState<string>();
  const application = useQuery({
    queryKey: ['application', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/consent/v1/applications/{id}', { params: { path: { id } }, signal })),
  });
  const stepped = (message: string) => async () => {
    setDone(message);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['worklist'] }),
      queryClient.invalidateQueries({ queryKey: ['application', id] }),
    ]);
  };

  const a = application.data;
  return (
    <Card
      data-testid="application"
      size="small"
      title={
        <h2 style={{ fontSize: 16, margin: 0 }}>
          {t('worklist.application')} {id}
        </h2>
      }
      extra={<Button onClick={onClose}>{t('common.close')}</Button>}
    >
      {application.error && <ProblemAlert error={application.error} />}
      {application.isPending && <Spin aria-label={t('common.loading')} />}
      {a && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'requester',
                label: t('worklist.requester'),
                children: (
                  <>
                    <ProvinceName province={a.requesterProvince} /> · {agencyName(a.requesterAgency)} ·{' '}
                    {a.requesterUser}
                  </>
                ),
              },
              { key: 'resource', label: t('worklist.resource'), children: a.resourceId },
              { key: 'grade', label: t('review.grade'), children: <GradeTag grade={a.grade} /> },
              { key: 'items', label: t('worklist.items'), children: a.items.join('、') },
              { key: 'purpose', label: t('worklist.purpose'), children: a.purpose },
              { key: 'legalBasis', label: t('worklist.legalBasis'), children: a.legalBasis },
              { key: 'validUntil', label: t('worklist.validUntil'), children: a.validUntil.slice(0, 10) },
              {
                key: 'status',
                label: t('worklist.status'),
                children: (
                  <Space size={4} wrap>
                    <ApplicationStatusTag status={a.status} />
                    {isApplicationStatus(a.status) && <span>{t(`review.waiting.${a.status}`)}</span>}
                  </Space>
                ),
              },
              ...(a.dueAt
                ? [
                    {
                      key: 'dueAt',
                      label: t('worklist.dueAt'),
                      children: (
                        <Space size={4} wrap>
                          <span>{a.dueAt.slice(0, 10)}</span>
                          {a.overdue && <TermTag tone="red">{t('worklist.overdue')}</TermTag>}
                          {a.escalated && <TermTag tone="red">{t('review.escalated')}</TermTag>}
                        </Space>
                      ),
                    },
                  ]
                : []),
              ...(a.firstApprovedBy
                ? [{ key: 'firstApprovedBy', label: t('review.firstApprovedBy'), children: a.firstApprovedBy }]
                : []),
              ...(a.reason ? [{ key: 'reason', label: t('worklist.reason'), children: a.reason }] : []),
            ]}
          />
          <StepTimeline steps={a.steps} />
          {done && <Alert type="success" showIcon title={done} data-testid="decided" />}
          <NextStep application={a} onDone={stepped} />
        </Space>
      )}
    </Card>
  );
}

/** The form for the step the application waits for, if the user holds the role the API gives it to. */
function NextStep({
  application: a,
  onDone,
}: {
  application: Application;
  onDone: (message: string) => () => Promise<void>;
}): ReactNode {
  const { t } = useTranslation();
  const api = useApi();
  const { roles } = useSignedIn().claims;
  const path = { id: a.id };
  const reviewer = roles.includes('reviewer');
  const dataAuthority = roles.includes('admin');

  switch (a.status) {
    case 'submitted':
      return reviewer ? (
        <StepForm
          key={a.status}
          title={t('review.provider.title')}
          decisionLabel={t('worklist.decision')}
          options={[
            { value: 'approve', label: t('worklist.approve') },
            { value: 'reject', label: t('worklist.reject') },
          ]}
          submitLabel={t('worklist.submit')}
          send={(body: StepBody<'approve' | 'reject'>) =>
            unwrap(api.POST('/api/consent/v1/applications/{id}/decision', { params: { path }, body }))
          }
          onDone={onDone(t('worklist.decided'))}
        />
      ) : null;
    case 'compliance_review':
      return dataAuthority ? (
        <StepForm
          key={a.status}
          title={t('review.compliance.title')}
          decisionLabel={t('review.compliance.decision')}
          options={[
            { value: 'pass', label: t('review.compliance.pass') },
            { value: 'fail', label: t('review.compliance.fail') },
          ]}
          submitLabel={t('review.compliance.submit')}
          send={({ decision, reason }: StepBody<'pass' | 'fail'>) =>
            unwrap(
              api.POST('/api/consent/v1/applications/{id}/compliance', {
                params: { path },
                body: { decision, reason },
              }),
            )
          }
          onDone={onDone(t('review.compliance.done'))}
        />
      ) : null;
    case 'second_approval':
      return dataAuthority ? (
        <StepForm
          key={a.status}
          title={t('review.secondApproval.title')}
          decisionLabel={t('review.secondApproval.decision')}
          options={[
            { value: 'approve', label: t('review.secondApproval.approve') },
            { value: 'reject', label: t('review.secondApproval.reject') },
          ]}
          submitLabel={t('review.secondApproval.submit')}
          send={({ decision, reason }: StepBody<'approve' | 'reject'>) =>
            unwrap(
              api.POST('/api/consent/v1/applications/{id}/second-approval', {
                params: { path },
                body: { decision, reason },
              }),
            )
          }
          onDone={onDone(t('review.secondApproval.done'))}
        />
      ) : null;
    case 'coordination':
    case 'expired':
      return dataAuthority ? (
        <StepForm
          key={a.status}
          title={t('review.coordination.title')}
          decisionLabel={t('review.coordination.decision')}
          options={[
            { value: 'approve', label: t('review.coordination.approve') },
            { value: 'reject', label: t('review.coordination.reject') },
          ]}
          submitLabel={t('review.coordination.submit')}
          legalDutyLabel={t('review.coordination.legalDuty')}
          send={(body: StepBody<'approve' | 'reject'>) =>
            unwrap(api.POST('/api/consent/v1/applications/{id}/coordination/decision', { params: { path }, body }))
          }
          onDone={onDone(t('review.coordination.done'))}
        />
      ) : null;
    default:
      return null;
  }
}
