import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/**
 * 申请共享: the way from a conditional entry to its application form, a link styled as a button (the
 * consent service decides whether the application stands).
 */
export function ApplyLink({ resourceId }: { resourceId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const to = `/catalog/${encodeURIComponent(resourceId)}/apply`;
  return (
    <Button
      type="primary"
      href={to}
      onClick={(e) => {
        e.preventDefault();
        void navigate(to);
      }}
    >
      {t('requester.apply.button')}
    </Button>
  );
}
