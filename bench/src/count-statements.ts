/**
 * `npm run bench:statements`: how many database statements and transactions one exchange costs,
 * per province, on PostgreSQL (pg_stat_database and pg_stat_user_tables counters before and after a
 * number of sequential queries). Needs a PostgreSQL URL template with {province}; the databases are
 * made anew.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { startRegion } from '@yrd/node';
import { provinces } from '@yrd/region';
import { demoBookingNo } from '@yrd/seeds';
import pg from 'pg';
import { adminUrl } from './databases.js';
import { booking, bookingGrant, json, purpose } from './journey.js';

const config = parseConfig(
  z.object({
    BENCH_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/yrd_stmt_{province}'),
    BENCH_REQUESTS: z.coerce.number().int().min(10).max(100_000).default(200),
  }),
  process.env,
);

async function counters(template: string) {
  const out: Record<string, { xact: number; tupIns: number; tupUpd: number; tupFetched: number }> = {};
  for (const p of provinces) {
    const c = new pg.Client({ connectionString: template.replaceAll('{province}', p) });
    await c.connect();
    try {
      // the counters are sent to the statistics collector with a delay: ask for a fresh snapshot
      await c.query('select pg_stat_clear_snapshot()');
      const r = await c.query<{ xact: string; ins: string; upd: string; fetched: string }>(
        `select xact_commit + xact_rollback as xact, tup_inserted as ins, tup_updated as upd, tup_fetched as fetched
           from pg_stat_database where datname = current_database()`,
      );
      const row = r.rows[0];
      out[p] = {
        xact: Number(row?.xact),
        tupIns: Number(row?.ins),
        tupUpd: Number(row?.upd),
        tupFetched: Number(row?.fetched),
      };
    } finally {
      await c.end();
    }
  }
  return out;
}

async function main() {
  const template = config.BENCH_DATABASE_URL;
  const admin = new pg.Client({ connectionString: adminUrl(template) });
  await admin.connect();
  for (const p of provinces) {
    const name = new URL(template.replaceAll('{province}', p)).pathname.slice(1);
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  }
  await admin.end();
  const dir = mkdtempSync(join(tmpdir(), 'yrd-stmt-'));
  const region = await startRegion({
    logger: createLogger({ name: 'bench', level: 'error' }),
    dataDir: dir,
    inMemory: true,
    databaseUrl: template,
    ports: 'random',
    devMode: true,
    seed: true,
  });
  try {
    const sh = region.nodes.sh.url;
    const { requester, grantId } = await bookingGrant(sh, region.nodes.zj.url, ['query']);
    const body = { resourceId: booking, purpose, key: { booking_no: demoBookingNo }, grantId };
    for (let i = 0; i < 20; i++) await json(`${sh}/api/exchange/v1/queries`, 'POST', body, requester);
    await new Promise((r) => setTimeout(r, 1500));
    const before = await counters(template);
    const n = config.BENCH_REQUESTS;
    for (let i = 0; i < n; i++) await json(`${sh}/api/exchange/v1/queries`, 'POST', body, requester);
    await new Promise((r) => setTimeout(r, 1500));
    const after = await counters(template);
    console.log(`per exchange (${n} sequential queries 上海 → 浙江):`);
    for (const p of provinces) {
      const a = after[p];
      const b = before[p];
      if (!a || !b) continue;
      const per = (k: keyof typeof a) => ((a[k] - b[k]) / n).toFixed(1);
      console.log(
        `  ${p}: transactions ${per('xact')}, rows inserted ${per('tupIns')}, updated ${per('tupUpd')}, fetched ${per('tupFetched')}`,
      );
    }
  } finally {
    await region.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
