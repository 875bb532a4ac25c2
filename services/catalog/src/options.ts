/**
 * The catalogue's options, as the node (or a test) hands them to `buildCatalog`: one zod schema,
 * parsed once at build. Functions and objects pass through as given (checked for their shape, not
 * wrapped); a bad option stops the build with an error that names it.
 */
import { parseOptions, publicBaseUrl, timerMs } from '@yrd/config';
import type { catalogV1 } from '@yrd/proto';
import { z } from 'zod';
import type { AgencyDirectory } from './app/catalog.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A URL (checked, without its trailing slash) or a function that gives one once it is known. */
const baseUrl = z
  .custom<string | (() => string)>((v) => typeof v === 'string' || typeof v === 'function', {
    error: '须为网址或返回网址的函数 must be a URL or a function returning one',
  })
  .transform((v, ctx) => {
    if (typeof v === 'function') return v;
    try {
      return publicBaseUrl(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `公共地址无效 not a usable public base URL: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

const shape = {
  /** the province's agency register (机构名录): who may provide an entry, and its name */
  agencies: z.custom<AgencyDirectory>((v) => isObject(v) && typeof v.nameOf === 'function', {
    error: '须为带 nameOf(creditCode) 的机构名录 must be an agency directory with nameOf(creditCode)',
  }),
  /** entries loaded once, as published, when this province's catalogue is empty */
  seed: z
    .array(
      z.custom<catalogV1.Resource>(
        (v) => isObject(v) && typeof v.id === 'string' && v.id !== '' && typeof v.province === 'string',
        { error: '须为目录条目（含 id 与 province） must be a catalogue entry with an id and a province' },
      ),
      { error: '须为目录条目列表 must be a list of catalogue entries' },
    )
    .optional(),
  /** how often the regional view is reconciled with the other provinces' snapshots (default 30 s) */
  resyncMs: timerMs().optional(),
  /**
   * Where users reach this catalogue (the province's edge or the gateway in front of it), without a
   * trailing slash: every link it hands out (DCAT, `Location`) starts with it. A function when the
   * origin is known only once it listens. Absent: `startCatalog` uses the catalogue's own HTTP origin,
   * which is right only when callers talk to the catalogue directly (a service on its own, in
   * tests); a catalogue only built, never listening, hands out links without an origin.
   */
  publicBaseUrl: baseUrl.optional(),
} satisfies Record<string, z.ZodType>;

export const catalogOptionsSchema = z.strictObject(shape, {
  error: (iss) =>
    iss.code === 'unrecognized_keys'
      ? `未知选项 unknown option(s): ${iss.keys.join(', ')}`
      : '目录服务选项须为对象 catalogue options must be an object',
});

/** What the catalogue is built with (as given; see catalogOptionsSchema). */
export type CatalogOptions = z.input<typeof catalogOptionsSchema>;
export type ParsedCatalogOptions = z.output<typeof catalogOptionsSchema>;

/** The options checked once; a bad one throws a ConfigError naming each field at fault. */
export function parseCatalogOptions(value: unknown): ParsedCatalogOptions {
  return parseOptions(catalogOptionsSchema, value, '目录服务选项无效 invalid catalog options');
}
