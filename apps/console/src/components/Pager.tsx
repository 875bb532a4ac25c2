import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';

/** Previous / next through the pages of a result list, with where one is. */
export function Pager({
  page,
  pageSize,
  total,
  onChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  onChange: (page: number) => void;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav aria-label={t('pager.label')}>
      <Space>
        <Button disabled={page <= 1} onClick={() => onChange(page - 1)}>
          {t('pager.previous')}
        </Button>
        <span aria-live="polite">{t('pager.position', { page, pages })}</span>
        <Button disabled={page >= pages} onClick={() => onChange(page + 1)}>
          {t('pager.next')}
        </Button>
      </Space>
    </nav>
  );
}
