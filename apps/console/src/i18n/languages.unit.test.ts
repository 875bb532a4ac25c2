import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, initialLanguage, rememberLanguage } from './languages';

describe('the language', () => {
  it('is 中文 unless English was chosen before', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => saved.set(k, v),
    };
    expect(initialLanguage(storage)).toBe('zh-CN');
    rememberLanguage(storage, 'en');
    expect(initialLanguage(storage)).toBe('en');
    saved.set([...saved.keys()][0] as string, 'fr');
    expect(initialLanguage(storage)).toBe('zh-CN');
    expect(initialLanguage(undefined)).toBe('zh-CN');
  });
});

describe('dates', () => {
  it('writes a day as the language does, never shifted by a time zone', () => {
    expect(formatDay('2026-01-05', 'zh-CN')).toBe('2026年1月5日');
    expect(formatDay('2026-01-05', 'en')).toBe('Jan 5, 2026');
  });

  it('writes an instant in Beijing time', () => {
    // ICU puts a narrow no-break space before AM
    expect(formatDateTime('2026-12-31T16:30:00Z', 'en')).toMatch(/^Jan 1, 2027, 12:30\sAM$/u);
    expect(formatDateTime('2026-12-31T16:30:00Z', 'zh-CN')).toContain('2027年1月1日');
  });

  it('leaves what is not a date as it came', () => {
    expect(formatDay('', 'zh-CN')).toBe('');
    expect(formatDateTime('soon', 'en')).toBe('soon');
  });
});
