import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { splitDetail } from '../api/detail';
import { isWorthRetrying, toShownProblem } from '../api/problem';
import { useLanguage } from '../i18n';

/**
 * A refusal or failure from the API in the user's language: the part of the problem's detail for
 * the locale — in English with the Chinese wording under it, as the services state it (中文 first) —
 * the fields at fault, and the code and request id to quote when asking for help.
 */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const p = toShownProblem(error);
  // a refusal would only be repeated: trying again is offered for outages and unreachable services
  const retry =
    onRetry && isWorthRetrying(error) ? (
      <Typography.Link onClick={onRetry} role="button">
        {t('common.retry')}
      </Typography.Link>
    ) : undefined;
  if (p.kind !== 'problem') {
    return (
      <Alert
        type="error"
        showIcon
        title={p.kind === 'network' ? t('problem.network') : t('problem.unexpected')}
        action={retry}
      />
    );
  }
  // the services write each detail 中文 first, then English (api/detail.ts)
  const { zh, en } = splitDetail(p.detail);
  return (
    <div data-testid="problem" data-code={p.code}>
      <Alert
        type={p.status >= 500 ? 'error' : 'warning'}
        showIcon
        title={language === 'en' ? en : zh}
        action={retry}
        description={
          <>
            {language === 'en' && zh !== en && (
              <div lang="zh-CN" data-testid="problem-zh">
                {zh}
              </div>
            )}
            {p.issues.length > 0 && (
              <ul>
                {p.issues.map((i) => (
                  <li key={`${i.path} ${i.message}`}>
                    <Typography.Text code>{i.path}</Typography.Text> {i.message}
                  </li>
                ))}
              </ul>
            )}
            <Typography.Text type="secondary">
              {t('problem.code')}: <Typography.Text copyable>{p.code}</Typography.Text>
              {p.requestId && (
                <>
                  {' · '}
                  {t('problem.requestId')}: <Typography.Text copyable>{p.requestId}</Typography.Text>
                </>
              )}
            </Typography.Text>
          </>
        }
      />
    </div>
  );
}
