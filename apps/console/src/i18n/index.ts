/**
 * The console's languages: 中文 (zh-CN) first, English second. Every UI string lives in the two JSON
 * files beside this one; the chosen language is remembered in localStorage and followed by antd's
 * locale (app/Providers.tsx), the page's `lang` and the date formats (languages.ts).
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from './en.json';
import { initialLanguage, isLanguage, type Language, languages, rememberLanguage } from './languages';
import zhCN from './zh-CN.json';

export * from './languages';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

export const i18n: I18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(storage),
  fallbackLng: 'zh-CN',
  supportedLngs: [...languages],
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  if (!isLanguage(lng)) return;
  rememberLanguage(storage, lng);
  document.documentElement.lang = lng;
});

/** The user's language, re-rendering when it changes. */
export function useLanguage(): Language {
  const { i18n: current } = useTranslation();
  return isLanguage(current.language) ? current.language : 'zh-CN';
}
