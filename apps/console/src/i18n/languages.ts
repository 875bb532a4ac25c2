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

/**
 * The formats, made once per language: a new Intl.DateTimeFormat costs far more than a format (the
 * first search page writes ten dates; making ten formatters took 40 ms of its first render).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'instant' | 'day', language: Language): Intl.DateTimeFormat {
  const key = `${kind} ${language}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === 'instant'
        ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone })
        : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
    formatters.set(key, f);
  }
  return f;
}

/** An instant (ISO 8601 with an offset) as the user's language writes it, in Beijing time. */
export function formatDateTime(iso: string, language: Language): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter('instant', language).format(d);
}

/** A calendar day (YYYY-MM-DD), never shifted by a time zone; a full instant is shown as one. */
export function formatDay(day: string, language: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day.length > 10 ? formatDateTime(day, language) : day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return formatter('day', language).format(d);
}
