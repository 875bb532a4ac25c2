/**
 * The console's languages: 中文 (zh-CN) first, English second. Every UI string lives in the JSON
 * files beside this one and in areas/; the chosen language is remembered in localStorage and followed by antd's
 * locale (app/Providers.tsx), the page's `lang` and the date formats (languages.ts).
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import adminEn from './areas/admin.en.json';
import adminZh from './areas/admin.zh-CN.json';
import auditorEn from './areas/auditor.en.json';
import auditorZh from './areas/auditor.zh-CN.json';
import dataUseEn from './areas/dataUse.en.json';
import dataUseZh from './areas/dataUse.zh-CN.json';
import exchangeEn from './areas/exchange.en.json';
import exchangeZh from './areas/exchange.zh-CN.json';
import overviewEn from './areas/overview.en.json';
import overviewZh from './areas/overview.zh-CN.json';
import publisherEn from './areas/publisher.en.json';
import publisherZh from './areas/publisher.zh-CN.json';
import requesterEn from './areas/requester.en.json';
import requesterZh from './areas/requester.zh-CN.json';
import reviewEn from './areas/review.en.json';
import reviewZh from './areas/review.zh-CN.json';
import commonEn from './en.json';
import { initialLanguage, isLanguage, type Language, languages, rememberLanguage } from './languages';
import commonZh from './zh-CN.json';

/**
 * The strings: the common ones (zh-CN.json, en.json) and one pair of files per area of the console
 * (areas/<area>.<language>.json, each holding the one top-level key `<area>`).
 */
const zhCN = {
  ...commonZh,
  ...publisherZh,
  ...adminZh,
  ...requesterZh,
  ...exchangeZh,
  ...auditorZh,
  ...dataUseZh,
  ...overviewZh,
  ...reviewZh,
};
const en = {
  ...commonEn,
  ...publisherEn,
  ...adminEn,
  ...requesterEn,
  ...exchangeEn,
  ...auditorEn,
  ...dataUseEn,
  ...overviewEn,
  ...reviewEn,
};

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
