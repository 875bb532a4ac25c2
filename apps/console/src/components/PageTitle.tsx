import { useTranslation } from 'react-i18next';

/** The browser tab's title for a screen (React 19 hoists <title> into the document head). */
export function PageTitle({ children }: { children: string }) {
  const { t } = useTranslation();
  return <title>{`${children} · ${t('app.title')}`}</title>;
}
