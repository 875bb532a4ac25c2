import { Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAgencyNames } from '../catalog/agencies';
import { ApplicationStatusTag } from '../components/ApplicationStatusTag';
import { formatDateTime, useLanguage } from '../i18n';
import { type ApplicationStep, isStepAction } from './types';

/** 办理经过: every step of an application — who did what, when, and why — oldest first. */
export function StepTimeline({ steps }: { steps: readonly ApplicationStep[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const agencyName = useAgencyNames();
  const ordered = [...steps].sort((a, b) => a.seq - b.seq);
  return (
    <section aria-labelledby="application-steps">
      <h3 id="application-steps" style={{ fontSize: 15, fontWeight: 600, margin: '0 0 12px' }}>
        {t('review.steps')}
      </h3>
      <Timeline
        data-testid="application-steps"
        items={ordered.map((s) => ({
          key: s.seq,
          color: colourOf(s.action),
          content: (
            <div data-testid="application-step" data-action={s.action}>
              <Typography.Text strong>
                {isStepAction(s.action) ? t(`review.step.${s.action}`) : s.action}
              </Typography.Text>{' '}
              <ApplicationStatusTag status={s.toStatus} />
              <div>
                <Typography.Text type="secondary">
                  <time dateTime={s.at}>{formatDateTime(s.at, language)}</time>
                  {' · '}
                  {s.actorUser.startsWith('system:') ? t('review.system') : s.actorUser}
                  {s.actorAgency && ` · ${agencyName(s.actorAgency)}`}
                </Typography.Text>
              </div>
              {s.reason && (
                <div>
                  <Typography.Text type="secondary">{t('worklist.reason')}</Typography.Text> {s.reason}
                </div>
              )}
            </div>
          ),
        }))}
      />
    </section>
  );
}

function colourOf(action: string): 'blue' | 'green' | 'red' | 'gray' {
  if (/(^|_)approved$|passed$/.test(action)) return 'green';
  if (/rejected$|failed$|expired$/.test(action)) return 'red';
  return 'blue';
}
