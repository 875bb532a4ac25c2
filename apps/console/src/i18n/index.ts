/**
 * The console's languages: 中文 (zh-CN) first, English second. Every UI string lives in the JSON
 * files beside this one and in areas/; the chosen language is remembered in localStorage and followed by antd's
 * locale (app/Providers.tsx), the page's `lang` and the date formats (languages.ts).
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import commonEn from './en.json';
import { initialLanguage, isLanguage, type Language, languages, rememberLanguage } from './languages';
import commonZh from './zh-CN.json';

/**
 * The strings: the common ones (zh-CN.json, en.json) load with the console; each area's
 * (areas/<area>.<language>.json, holding the one top-level key `<area>`) loads with the first page
 * that needs it (`withStrings` in the area's routes), so the first screen does not parse every
 * screen's words. Their types are the files' (type-only imports: nothing is bundled by them).
 */
const zhCN = commonZh;
const en = commonEn;

type AreaStrings = typeof import('./areas/publisher.zh-CN.json') &
  typeof import('./areas/admin.zh-CN.json') &
  typeof import('./areas/requester.zh-CN.json') &
  typeof import('./areas/exchange.zh-CN.json') &
  typeof import('./areas/auditor.zh-CN.json') &
  typeof import('./areas/dataUse.zh-CN.json') &
  typeof import('./areas/overview.zh-CN.json') &
  typeof import('./areas/review.zh-CN.json');

export type Area = 'publisher' | 'admin' | 'requester' | 'exchange' | 'auditor' | 'dataUse' | 'overview' | 'review';

type StringsModule = { default: Record<string, unknown> };
const areaLoaders: Record<Area, Record<Language, () => Promise<StringsModule>>> = {
  publisher: { 'zh-CN': () => import('./areas/publisher.zh-CN.json'), en: () => import('./areas/publisher.en.json') },
  admin: { 'zh-CN': () => import('./areas/admin.zh-CN.json'), en: () => import('./areas/admin.en.json') },
  requester: { 'zh-CN': () => import('./areas/requester.zh-CN.json'), en: () => import('./areas/requester.en.json') },
  exchange: { 'zh-CN': () => import('./areas/exchange.zh-CN.json'), en: () => import('./areas/exchange.en.json') },
  auditor: { 'zh-CN': () => import('./areas/auditor.zh-CN.json'), en: () => import('./areas/auditor.en.json') },
  dataUse: { 'zh-CN': () => import('./areas/dataUse.zh-CN.json'), en: () => import('./areas/dataUse.en.json') },
  overview: { 'zh-CN': () => import('./areas/overview.zh-CN.json'), en: () => import('./areas/overview.en.json') },
  review: { 'zh-CN': () => import('./areas/review.zh-CN.json'), en: () => import('./areas/review.en.json') },
};

const loaded = new Map<Area, Promise<void>>();

/** Loads an area's strings in both languages (so switching language needs no wait); once per area. */
export function loadStrings(area: Area): Promise<void> {
  let done = loaded.get(area);
  if (!done) {
    done = Promise.all(
      languages.map(async (lng) => {
        const strings = await areaLoaders[area][lng]();
        i18n.addResourceBundle(lng, 'translation', strings.default, true, true);
      }),
    ).then(() => undefined);
    loaded.set(area, done);
  }
  return done;
}

/** A lazy page's module, once it and the strings of its areas are loaded (for React.lazy). */
export async function withStrings<M>(areas: readonly Area[], page: () => Promise<M>): Promise<M> {
  const [module] = await Promise.all([page(), ...areas.map(loadStrings)]);
  return module;
}

export * from './languages';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN & AreaStrings };
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
