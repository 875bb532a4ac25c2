/**
 * A PGlite data directory written before this project moved to PostgreSQL 19 (PGlite 0.3,
 * PostgreSQL 17) is upgraded when it is opened: dumped by the PGlite that wrote it, restored into a
 * new cluster beside it, checked table by table, and only then put in its place. The old directory
 * is kept beside the new one (`pgdata.pg17-<time>`), so nothing is lost if anything goes wrong; a
 * process stopped half-way leaves the old directory in place, or a marker that the next start reads
 * to finish the swap.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Logger } from '@yrd/logger';

/** The PostgreSQL major version of the clusters the current PGlite writes and opens. */
export const POSTGRES_MAJOR = '19';

/** The earlier major version this project's data directories may hold, and can be upgraded from. */
const UPGRADABLE_FROM = '17';

/** The PostgreSQL major version of the cluster in `dataDir`, or undefined when there is none. */
export function clusterMajor(dataDir: string): string | undefined {
  const file = join(dataDir, 'PG_VERSION');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

const restoring = (dataDir: string) => `${dataDir}.upgrading`;
const marker = (dataDir: string) => `${dataDir}.upgraded.json`;

interface Marker {
  /** where the old directory goes (or went) */
  readonly backup: string;
}

/**
 * Makes `dataDir` hold a cluster the current PGlite opens, or nothing: finishes an upgrade a
 * stopped process left half-done, and upgrades a PostgreSQL 17 cluster. A directory of any other
 * version is refused, untouched.
 */
export async function prepareDataDir(
  dataDir: string,
  options: Pick<PGliteOptions, 'extensions'>,
  logger: Logger | undefined,
): Promise<void> {
  // a process stopped after the restore: finish what it started
  if (existsSync(marker(dataDir))) finishSwap(dataDir, logger);
  const major = clusterMajor(dataDir);
  if (major === undefined || major === POSTGRES_MAJOR) return;
  if (major !== UPGRADABLE_FROM) {
    throw new Error(
      `数据目录 ${dataDir} 由 PostgreSQL ${major} 写入，本版本只能打开 PostgreSQL ${POSTGRES_MAJOR} 或升级 PostgreSQL ${UPGRADABLE_FROM} 的数据目录；目录未作改动 — ` +
        `the data directory ${dataDir} was written by PostgreSQL ${major}; this version opens PostgreSQL ${POSTGRES_MAJOR} and upgrades PostgreSQL ${UPGRADABLE_FROM} only. Nothing was changed`,
    );
  }
  await upgrade(dataDir, options, logger);
}

async function upgrade(dataDir: string, options: Pick<PGliteOptions, 'extensions'>, logger: Logger | undefined) {
  const started = performance.now();
  const target = restoring(dataDir);
  // a restore that did not finish (no marker was written): start it again
  rmSync(target, { recursive: true, force: true });
  logger?.info(
    { dataDir, from: UPGRADABLE_FROM, to: POSTGRES_MAJOR },
    '升级数据目录 upgrading a PGlite data directory',
  );
  // loaded only here: it carries the earlier PGlite and a WebAssembly pg_dump
  const { dumpCluster, countRows } = await import('@yrd/pglite-pg17');
  const dump = await dumpCluster(dataDir);
  const pg = await PGlite.create({ ...options, dataDir: target });
  try {
    await pg.exec(dump.sql);
    const restored = await countRows(pg);
    const differ = [...new Set([...Object.keys(dump.rows), ...Object.keys(restored)])].filter(
      (t) => dump.rows[t] !== restored[t],
    );
    if (differ.length > 0) {
      throw new Error(
        `升级后的数据与原数据不一致，原目录未作改动 — the restored data differs from the original (${differ
          .map((t) => `${t}: ${dump.rows[t] ?? 'absent'} → ${restored[t] ?? 'absent'}`)
          .join(', ')}); ${dataDir} was not changed`,
      );
    }
  } catch (err) {
    await pg.close().catch(() => {});
    rmSync(target, { recursive: true, force: true });
    throw err;
  }
  await pg.close();
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  const m: Marker = { backup: join(dirname(dataDir), `${basename(dataDir)}.pg${UPGRADABLE_FROM}-${stamp}`) };
  writeFileSync(marker(dataDir), JSON.stringify(m));
  finishSwap(dataDir, undefined);
  logger?.info(
    {
      dataDir,
      backup: m.backup,
      tables: Object.keys(dump.rows).length,
      rows: Object.values(dump.rows).reduce((a, b) => a + b, 0),
      ms: Math.round(performance.now() - started),
    },
    '数据目录已升级，原目录保留 the data directory was upgraded; the old one is kept',
  );
}

/**
 * Puts a restored cluster in place of the old one; safe to run again after a stop at any step. Told
 * to `logger` when it finishes what a stopped process left.
 */
function finishSwap(dataDir: string, logger: Logger | undefined): void {
  const m = JSON.parse(readFileSync(marker(dataDir), 'utf8')) as Marker;
  const target = restoring(dataDir);
  if (existsSync(target)) {
    if (existsSync(dataDir)) {
      if (!existsSync(m.backup)) renameSync(dataDir, m.backup);
      // the old directory already moved: what is left is empty (rmdir refuses anything else)
      else if (readdirSync(dataDir).length === 0) rmdirSync(dataDir);
    }
    renameSync(target, dataDir);
    logger?.info({ dataDir, backup: m.backup }, '数据目录升级完成 the upgraded data directory is in place');
  }
  rmSync(marker(dataDir));
}
