/**
 * Traditional → simplified Chinese for the search index (醫療機構 → 医疗机构), with OpenCC's
 * dictionaries (opencc-js): Taiwan and Hong Kong variant forms first (臺 → 台, 衞 → 卫), then
 * traditional to simplified, phrases before characters. Only the t2cn build is loaded (~110 kB, not
 * the 1 MB simplified → traditional phrase list), once, on first use: building its tries takes
 * ~40 ms, which no process that never searches should pay.
 */
import type { Fold } from './search.js';

let loading: Promise<Fold> | undefined;

/** The converter, loaded on the first call and shared by every later one. */
export function simplifier(): Promise<Fold> {
  loading ??= import('opencc-js/t2cn').then(({ ConverterFactory, Locale }) => {
    const { tw, hk } = Locale.from;
    const { cn } = Locale.to;
    if (!tw || !hk || !cn) throw new Error('opencc-js t2cn lacks the tw/hk → cn dictionaries');
    const convert = ConverterFactory(tw, hk, cn);
    return (text: string) => convert(text);
  });
  return loading;
}
