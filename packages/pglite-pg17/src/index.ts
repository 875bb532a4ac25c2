/**
 * The PGlite that wrote this project's data directories (PGlite 0.3.16, PostgreSQL 17) before it
 * moved to PGlite 0.6 (PostgreSQL 19), kept for one job: dumping such a directory so that `@yrd/db`
 * can restore it into the current PGlite. Nothing else should import it.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';

/** A cluster as this project's PGlite 0.3 opened it: on disk, with pg_trgm. */
const open = (dataDir: string) => PGlite.create({ dataDir, extensions: { pg_trgm } });

export interface ClusterDump {
  /** Plain SQL (`pg_dump --inserts`): schemas, tables, rows, sequences, indexes, constraints. */
  readonly sql: string;
  /** Rows in every table outside the system schemas, by `schema.table`, counted before the dump. */
  readonly rows: Readonly<Record<string, number>>;
}

/**
 * Dumps the cluster in `dataDir`. The directory is opened as PGlite 0.3 always did (which
 * checkpoints it on close) and its data is not changed.
 */
export async function dumpCluster(dataDir: string): Promise<ClusterDump> {
  const pg = await open(dataDir);
  try {
    const rows = await countRows(pg);
    const file = await pgDump({ pg, args: ['--no-owner', '--no-privileges'] });
    return { sql: await file.text(), rows };
  } finally {
    await pg.close();
  }
}

/** Writes a new cluster in `dataDir` as PGlite 0.3 did and runs `script` in it: for tests of the upgrade. */
export async function writeCluster(dataDir: string, script: string): Promise<void> {
  const pg = await open(dataDir);
  try {
    await pg.exec(script);
  } finally {
    await pg.close();
  }
}

/** Something that runs a statement and gives its rows: PGlite of either version. */
export interface Queryable {
  query<T>(text: string): Promise<{ rows: T[] }>;
}

/**
 * Rows in every table outside the system schemas, by `schema.table`: counted before a dump and
 * again after its restore, which must agree.
 */
export async function countRows(pg: Queryable): Promise<Record<string, number>> {
  const tables = await pg.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'
      order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await pg.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    out[name] = r.rows[0]?.n ?? 0;
  }
  return out;
}
