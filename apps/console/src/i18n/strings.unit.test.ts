import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const read = (file: string): unknown => JSON.parse(readFileSync(join(here, file), 'utf8'));

/** every key path of a strings file, `a.b.c` */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const pairs: [string, string][] = [
  ['zh-CN.json', 'en.json'],
  ...readdirSync(join(here, 'areas'))
    .filter((f) => f.endsWith('.zh-CN.json'))
    .map((f): [string, string] => [`areas/${f}`, `areas/${f.replace('.zh-CN.json', '.en.json')}`]),
];

/** the key a plural form belongs to: English says `n item_one` / `n items_other` where Chinese has one form */
const unplural = (paths: string[]) =>
  [...new Set(paths.map((p) => p.replace(/_(zero|one|two|few|many|other)$/, '')))].sort();

describe('the strings', () => {
  it.each(pairs)('%s and %s say the same things', (zh, en) => {
    expect(unplural(keys(read(en)))).toEqual(unplural(keys(read(zh))));
  });

  it.each(pairs)('%s holds no empty string', (zh, en) => {
    for (const file of [zh, en]) {
      const empty = keys(read(file)).filter((path) => {
        const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], read(file));
        return typeof v === 'string' && v.trim() === '';
      });
      expect(empty, file).toEqual([]);
    }
  });

  it('each area file holds only its own area, so no file overrides another', () => {
    const top = pairs.flatMap(([zh]) => Object.keys(read(zh) as object));
    expect(new Set(top).size).toBe(top.length);
    for (const [zh, en] of pairs.slice(1)) {
      const area = zh.replace(/^areas\//, '').replace('.zh-CN.json', '');
      expect(Object.keys(read(zh) as object)).toEqual([area]);
      expect(Object.keys(read(en) as object)).toEqual([area]);
    }
  });
});
