import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language, useLanguage } from '../i18n';

const names: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

/** 中文 / English: each name in its own language, so either can be found whatever is showing. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  return (
    <Segmented<Language>
      aria-label={t('header.language')}
      size="small"
      value={language}
      options={(Object.keys(names) as Language[]).map((l) => ({ value: l, label: <span lang={l}>{names[l]}</span> }))}
      onChange={(v) => {
        if (isLanguage(v)) void i18n.changeLanguage(v);
      }}
    />
  );
}
