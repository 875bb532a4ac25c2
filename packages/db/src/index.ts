/**
 * Storage speaks PostgreSQL: PGlite (embedded, no server) by default, PostgreSQL when a URL is
 * given. One SQL dialect, one set of migrations per service, each service in its own schema.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

export type { SQL };
export { sql };

/**
 * A timestamp column as ISO 8601: it comes back as a Date (PGlite, pg) or a string; null, empty or
 * unreadable is ''.
 */
export function isoTimestamp(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export type Db = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Rows of a raw statement (both drivers return `{ rows }`). */
  rows<T>(query: SQL): Promise<T[]>;
  /** Runs a multi-statement script and `after` in one transaction (migrations). */
  script(text: string, after: SQL): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — when absent, PGlite is used */
  url?: string | undefined;
  /** PGlite data directory; absent = in memory */
  dataDir?: string | undefined;
  /** max pool size for PostgreSQL */
  poolSize?: number;
}

export async function openDatabase(opts: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // fail fast on a wrong URL instead of at the first request
    const c = await pool.connect();
    c.release();
    const db = drizzlePg(pool) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      rows: async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows,
      script: async (text, after) => {
        const c = await pool.connect();
        try {
          await c.query('begin');
          await c.query(text);
          await drizzlePg(c).execute(after);
          await c.query('commit');
        } catch (err) {
          await c.query('rollback');
          throw err;
        } finally {
          c.release();
        }
      },
      close: () => pool.end(),
    };
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(client) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    rows: async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows,
    script: async (text, after) => {
      await client.transaction(async (tx) => {
        await tx.exec(text);
        const q = new PgDialect().sqlToQuery(after);
        await tx.query(q.sql, q.params);
      });
    },
    close: () => client.close(),
  };
}

/** Shares one handle between services of a process; `close` is a no-op for borrowers. */
export function borrow(handle: DatabaseHandle): DatabaseHandle {
  return { ...handle, close: async () => {} };
}

/**
 * Applies `NNNN_name.sql` files from `dir` in order, each in a transaction, recording them in
 * `<schema>.schema_migrations`. Safe to run at every start and from several processes
 * (an advisory lock serialises them on PostgreSQL).
 */
export async function migrate(handle: DatabaseHandle, schema: string, dir: string): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  if (handle.kind === 'postgres') {
    // serialise concurrent starts of the same service
    await handle.rows(sql`select pg_advisory_lock(hashtext(${schema}))`);
  }
  try {
    await handle.db.execute(sql.raw(`create schema if not exists ${schema}`));
    await handle.db.execute(
      sql.raw(
        `create table if not exists ${schema}.schema_migrations (version text primary key, applied_at timestamptz not null default now())`,
      ),
    );
    const done = await handle.rows<{ version: string }>(sql.raw(`select version from ${schema}.schema_migrations`));
    const have = new Set(done.map((r) => r.version));
    const applied: string[] = [];
    for (const f of files) {
      const version = f.slice(0, -4);
      if (have.has(version)) continue;
      await handle.script(
        readFileSync(join(dir, f), 'utf8'),
        sql`insert into ${sql.raw(schema)}.schema_migrations (version) values (${version})`,
      );
      applied.push(version);
    }
    return applied;
  } finally {
    if (handle.kind === 'postgres') await handle.rows(sql`select pg_advisory_unlock(hashtext(${schema}))`);
  }
}
