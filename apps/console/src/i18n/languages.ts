/** The console's two languages and the formats that follow them; pure, so they are unit-tested. */

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'yrd.console.language';

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (languages as readonly string[]).includes(v);
}

/** The remembered language, else 中文: the platform's users work in Chinese. */
export function initialLanguage(storage: Pick<Storage, 'getItem'> | undefined): Language {
  const saved = storage?.getItem(storageKey);
  return isLanguage(saved) ? saved : 'zh-CN';
}

export function rememberLanguage(storage: Pick<Storage, 'setItem'> | undefined, language: Language) {
  storage?.setItem(storageKey, language);
}

// The platform keeps time in Beijing time (deadlines end at the end of a Beijing working day).
const timeZone = 'Asia/Shanghai';

/** An instant (ISO 8601 with an offset) as the user's language writes it, in Beijing time. */
export function formatDateTime(iso: string, language: Language): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}

/** A calendar day (YYYY-MM-DD), never shifted by a time zone; a full instant is shown as one. */
export function formatDay(day: string, language: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day.length > 10 ? formatDateTime(day, language) : day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}
