/**
 * `npm run bench:catalog`: bulk import and regional search over 100,000 catalogue entries.
 * Generates synthetic entries (Chinese names, summaries and items built from the vocabulary of
 * government data), writes them as CSV files of the import layout and imports each file through
 * the catalogue's own import (CSV parse, every rule checked, one transaction per file): import
 * throughput. Then publishes them and times a set of Chinese queries with facets (p50 / p95).
 * PGlite by default (in memory, or on disk in BENCH_PGLITE_DIR); BENCH_DATABASE_URL for PostgreSQL.
 * BENCH_REUSE=1 keeps the imported catalogue after the run and, when the database already holds the
 * BENCH_ENTRIES published entries, skips the import (the results keep the last measured import).
 * Results go to bench/RESULTS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHistogram } from 'node:perf_hooks';
import {
  CatalogApp,
  CatalogImports,
  CatalogRepo,
  catalogMigrations,
  classTable,
  columns,
  entryRows,
  readTableFile,
  type SearchFilters,
  writeTableFile,
} from '@yrd/catalog';
import { parseConfig, z } from '@yrd/config';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import type { catalogV1 } from '@yrd/proto';
import { makeCreditCode, type Province, provinceInfo, provinces } from '@yrd/region';
import { aDataItem, aPrincipal } from '@yrd/testing';
import { ensureDatabase } from './databases.js';
import { resultsFile, writeSection } from './results.js';

const config = parseConfig(
  z.object({
    BENCH_ENTRIES: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    BENCH_DATABASE_URL: z.string().url().optional(),
    /** entries per imported file (one agency's catalogue, say) */
    BENCH_FILE_ENTRIES: z.coerce.number().int().min(100).max(100_000).default(10_000),
    /** PGlite's data directory (the demo keeps PGlite on disk); absent = in memory */
    BENCH_PGLITE_DIR: z.string().optional(),
    /** 1 = keep the imported catalogue, and search an earlier run's instead of importing again */
    BENCH_REUSE: z.enum(['0', '1']).default('0'),
  }),
  process.env,
);

const regions = ['', '长三角', '市级', '区县', '跨省'];
const topics = [
  ['营业执照', '市场监管'],
  ['社保缴费', '人社'],
  ['危险品', '口岸'],
  ['客流', '文旅'],
  ['碳足迹', '生态环境'],
  ['不动产登记', '自然资源'],
  ['医保结算', '医疗保障'],
  ['公积金', '住房'],
  ['户籍', '公安'],
  ['学籍', '教育'],
  ['排污许可', '生态环境'],
  ['行政处罚', '市场监管'],
  ['出入境', '公安'],
  ['船舶', '交通'],
  ['电子证照', '政务服务'],
  ['食品抽检', '市场监管'],
  ['就业登记', '人社'],
  ['养老服务', '民政'],
  ['车辆', '交通'],
  ['水质监测', '水利'],
];
const kinds = ['信息', '记录', '数据', '统计', '目录', '明细', '台账', '结果'];
const phrases = [
  '用于跨省通办',
  '支撑一网统管',
  '按日更新',
  '提供核验接口',
  '含历史数据',
  '面向政府部门共享',
  '依申请共享',
];
const grades = ['general', 'important', 'core'] as const;
/** 细目 without a grade floor: the generated items are graded 一般 1–2 */
const classCodes = classTable()
  .filter((c) => c.level === '细目' && !c.floor)
  .map((c) => c.code);
const tiers = ['unconditional', 'conditional', 'none'] as const;

function entry(i: number): catalogV1.Resource {
  const p: Province = provinces[i % 4] as Province;
  const [topic, domain] = topics[(i * 7) % topics.length] as [string, string];
  const name = `${regions[i % regions.length]}${topic}${kinds[(i >> 2) % kinds.length]}`;
  // resource codes have five digits: a letter per hundred thousand keeps them unique
  const code = `${provinceInfo[p].adminCode}-BENCH${String.fromCharCode(65 + Math.floor(i / 100_000))}-${String(i % 100_000).padStart(5, '0')}`;
  return {
    id: `${p}.${code}`,
    resourceCode: code,
    classCode: classCodes[i % classCodes.length] ?? 'B01-01-01-01',
    name,
    province: p,
    provider: {
      creditCode: makeCreditCode('11', provinceInfo[p].adminCode, `B${String(i % 997).padStart(8, '0')}`),
      name: `${domain}部门${i % 997}`,
    },
    summary: `${name}，${phrases[i % phrases.length]}，${phrases[(i * 3) % phrases.length]}。`,
    format: '数据库',
    updateCycle: '每日',
    publishDate: '2026-01-01',
    relatedResources: [],
    items: [
      aDataItem('record_no', { label: `${topic}编号` }),
      aDataItem('holder_name', { label: '名称', subLevel: 2 }),
      aDataItem('status', { label: '状态' }),
    ],
    sharingTier: tiers[i % 3] as string,
    sharingConditions: '',
    sharingModes: ['interface'],
    openTier: tiers[(i >> 1) % 3] as string,
    grade: grades[i % 3] as string,
    legalBasis: i % 3 === 2 ? '《政务数据共享条例》' : '',
    version: 1,
    status: 'published',
    domain,
    updatedAt: '2026-01-01T00:00:00.000Z',
    keyItems: ['record_no'],
  };
}

async function main() {
  // PostgreSQL: the database is made here (anew unless BENCH_REUSE asks to keep what it holds)
  if (config.BENCH_DATABASE_URL) await ensureDatabase(config.BENCH_DATABASE_URL, config.BENCH_REUSE !== '1');
  const h = await openDatabase({ url: config.BENCH_DATABASE_URL, dataDir: config.BENCH_PGLITE_DIR });
  const storage = h.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const n = config.BENCH_ENTRIES;
  const title = `## Catalogue search over ${n.toLocaleString('en')} entries — ${storage}`;
  const reuse = config.BENCH_REUSE === '1';
  try {
    let imported: string;
    if (reuse && (await publishedEntries(h)) === n) {
      // an earlier run's catalogue, brought to the current migrations and searched as it is
      await migrate(h, 'catalog', catalogMigrations);
      await h.db.execute(sql`analyze catalog.search_entries`);
      console.log(`searching the ${n} entries an earlier run imported (${storage}, BENCH_REUSE=1)`);
      imported = lastImport(title) ?? '**Import:** not measured in this run (BENCH_REUSE=1).';
    } else {
      await h.db.execute(sql`drop schema if exists catalog cascade`);
      await migrate(h, 'catalog', catalogMigrations);
      imported = await importEntries(h, n, storage);
    }
    const repo = new CatalogRepo(h);

    // 跨省通办 is in the summary of 2 entries in 7 (~14,000 of 100,000): the broad query; the others
    // match 5 %, alone or narrowed by a facet filter as a user drills down
    const queries: { q: string; label?: string; filters?: Partial<SearchFilters> }[] = [
      ...['营业执照', '社保缴费', '危险品', '客流', '碳足迹', '不动产登记', '跨省通办', '长三角公积金'].map((q) => ({
        q,
      })),
      { q: '跨省通办', label: '跨省通办 + province zj', filters: { province: 'zj' } },
      { q: '碳', label: '碳 + sharing none, grade core', filters: { sharing: 'none', grade: 'core' } },
    ];
    const rows: string[] = [];
    const all = createHistogram();
    for (const { q, label, filters } of queries) {
      const hist = createHistogram();
      let total = 0;
      for (let run = 0; run < 23; run++) {
        const s = process.hrtime.bigint();
        const r = await repo.search({ q, page: 1, pageSize: 20, ...filters });
        const ns = process.hrtime.bigint() - s;
        total = r.total;
        if (run >= 3) {
          hist.record(ns);
          all.record(ns);
        }
      }
      rows.push(`| ${label ?? q} | ${total} | ${ms(hist.percentile(50))} | ${ms(hist.percentile(95))} |`);
      console.log(label ?? q, total, ms(hist.percentile(50)), ms(hist.percentile(95)));
    }
    writeSection(
      title,
      `${imported}

Search: each query page 1 of 20, ranked, with the total and the six facet counts over all matches (every agency
among them: 1,000–4,000 facet values), one statement over \`catalog.search_entries\` that reads the matches once (rank
and facet ids) and counts them by integer facet ids, named from the dictionary \`catalog.search_values\` (migration 0008);
20 timed runs after 3 warm-up runs.

| query | matches | p50 ms | p95 ms |
|---|---:|---:|---:|
${rows.join('\n')}
| all queries | | ${ms(all.percentile(50))} | ${ms(all.percentile(95))} |
`,
    );
  } finally {
    if (!reuse) await h.db.execute(sql`drop schema if exists catalog cascade`);
    await h.close();
  }
}

/** Entries in the search table (published), or undefined when there is no catalogue yet. */
async function publishedEntries(h: DatabaseHandle): Promise<number | undefined> {
  const [t] = await h.rows<{ t: string | null }>(sql`select to_regclass('catalog.search_entries')::text as t`);
  if (!t?.t) return undefined;
  const [c] = await h.rows<{ n: number }>(sql`select count(*)::int as n from catalog.search_entries`);
  return c?.n;
}

/** The import paragraph of this section's last run, kept when this run searched that run's catalogue. */
function lastImport(title: string): string | undefined {
  if (!existsSync(resultsFile)) return undefined;
  const section = readFileSync(resultsFile, 'utf8')
    .split(/\n(?=## )/)
    .find((part) => part.startsWith(title));
  return section?.match(/\*\*Import: [\s\S]*?(?=\n\n)/)?.[0];
}

/** Imports `n` generated entries through the catalogue's CSV import and publishes them: the paragraph on it. */
async function importEntries(h: DatabaseHandle, n: number, storage: string): Promise<string> {
  const repo = new CatalogRepo(h);
  const fileSize = config.BENCH_FILE_ENTRIES;
  const clock = () => new Date();
  const agencies = { nameOf: (code: string) => `单位${code.slice(8, 17)}` };
  const announcer = { announce: async () => {} };
  const importers = Object.fromEntries(
    provinces.map((p) => {
      const app = new CatalogApp(p, repo, agencies, announcer, clock);
      return [p, new CatalogImports(p, app, clock, () => `bench-${p}-${Math.random()}`)];
    }),
  ) as Record<Province, CatalogImports>;
  console.log(`importing ${n} entries (${storage}) in CSV files of ${fileSize} entries per province …`);
  let csvBytes = 0;
  let csvRows = 0;
  let checkMs = 0;
  let writeMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i += fileSize * 4) {
    for (const [k, p] of provinces.entries()) {
      const ids = [];
      for (let j = i + k; j < Math.min(n, i + fileSize * 4); j += 4) ids.push(j);
      if (ids.length === 0) continue;
      const rows = [columns.map((c) => c.header), ...ids.flatMap((j) => entryRows(entry(j)))];
      const file = await writeTableFile('csv', rows);
      csvBytes += file.length;
      csvRows += rows.length - 1;
      const admin = aPrincipal({ province: p, roles: ['admin'], sub: `${p}-bench-admin` });
      const { done } = importers[p].start('csv', () => readTableFile('csv', file), admin);
      const result = await done;
      if (result.status !== 'done') throw new Error(`import failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
      checkMs += result.phaseMs.reading + result.phaseMs.checking;
      writeMs += result.phaseMs.writing;
    }
    console.log(
      `  ${Math.min(n, i + fileSize * 4)} imported, ${Math.round(Math.min(n, i + fileSize * 4) / ((performance.now() - t0) / 1000))} entries/s`,
    );
  }
  const importSeconds = (performance.now() - t0) / 1000;
  // imported entries are drafts; the search is over published ones (the admin's review, in bulk)
  await h.db.execute(
    sql`update catalog.resources set status = 'published', doc = jsonb_set(doc, '{status}', '"published"')`,
  );
  await h.db.execute(sql`analyze catalog.resources`);
  await h.db.execute(sql`analyze catalog.search_entries`);
  return `**Import: ${Math.round(n / importSeconds)} entries/s** (${Math.round(csvRows / importSeconds)} item rows/s), ${importSeconds.toFixed(1)} s for
${n.toLocaleString('en')} entries in CSV files of ${fileSize.toLocaleString('en')} entries per province (${(csvBytes / 1e6).toFixed(1)} MB, ${csvRows.toLocaleString('en')} rows),
through the catalogue's import: CSV parse, every rule checked, then one transaction per file (row, weighted bigram
tsvector, version document and history row per entry). Parse and check ${(checkMs / 1000).toFixed(1)} s, write ${(writeMs / 1000).toFixed(1)} s.`;
}

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
