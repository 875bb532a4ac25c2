/**
 * A problem's `detail` is written "中文 English" (the Chinese sentence, then the English one). The
 * console shows the part in the user's language: the Chinese part runs up to its last Chinese
 * character or full-width punctuation mark, the English part is the rest. A detail with no Chinese,
 * or nothing after it, is shown whole in both languages.
 */
import type { Language } from '../i18n/languages';

const chinese = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

export function splitDetail(detail: string): { zh: string; en: string } {
  const chars = [...detail];
  let last = -1;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chinese.test(chars[i] as string)) {
      last = i;
      break;
    }
  }
  const zh = chars
    .slice(0, last + 1)
    .join('')
    .trim();
  const en = chars
    .slice(last + 1)
    .join('')
    .trim();
  if (last < 0 || en === '' || zh === '') return { zh: detail.trim(), en: detail.trim() };
  return { zh, en };
}

export function detailFor(detail: string, language: Language): string {
  const parts = splitDetail(detail);
  return language === 'en' ? parts.en : parts.zh;
}
