/**
 * Storage speaks PostgreSQL: PGlite (embedded, no server) by default, PostgreSQL when a URL is
 * given. One SQL dialect, one set of migrations per service, each service in its own schema.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { AppError, invalid } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { analyzeNeverAnalyzed } from './growth.js';
import { DRIZZLE_TEXT_TYPES, forDrizzle, withDrizzleParsers } from './pglite-parsers.js';
import { prepareDataDir } from './upgrade.js';

export { GrowthAnalyzer } from './growth.js';
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

/**
 * A statement the database refused, told without its parameters: the driver's own error (and
 * drizzle's wrapper around it) quotes the statement's parameters, which may be personal data, so
 * neither travels on as a cause.
 */
export class DatabaseQueryError extends Error {
  override readonly name = 'DatabaseQueryError';
  constructor(
    /** SQLSTATE, e.g. 23505 */
    readonly sqlState: string,
    /** the statement's text with its $n placeholders (never the values) */
    readonly query: string,
    readonly constraint: string | undefined,
  ) {
    super(
      `database refused a statement: SQLSTATE ${sqlState}${constraint ? ` (constraint ${constraint})` : ''}: ${query.replace(/\s+/g, ' ').slice(0, 300)}`,
    );
  }
}

interface DriverError {
  code: string;
  severity?: unknown;
  constraint?: unknown;
}

/** The database's own error along a cause chain (drizzle wraps it), recognised by its SQLSTATE. */
function driverErrorIn(err: unknown): DriverError | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const c = e as { code?: unknown; severity?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code) && typeof c.severity === 'string') {
      return c as DriverError;
    }
    e = c.cause;
  }
  return undefined;
}

/**
 * What a failed statement means to the caller. A value the database cannot take (SQLSTATE class
 * 22, data exception: a malformed date, an untranslatable character, a number out of range) or
 * cannot handle at that size (class 54, program limit exceeded) is the request's fault: 400, not
 * 500. Anything else stays an internal failure. Either way, no SQL parameter is kept.
 */
export function databaseError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const driver = driverErrorIn(err);
  if (!driver) return carriesParameters(err) ? new DatabaseQueryError('XX000', queryTextOf(err), undefined) : err;
  const state = driver.code;
  if (state.startsWith('22')) {
    return invalid(
      'REQUEST.INVALID_VALUE',
      `请求中的值无法被存储或比较 a value in the request cannot be stored or compared (SQLSTATE ${state})`,
      { details: { sqlState: state } },
    );
  }
  if (state.startsWith('54')) {
    return invalid(
      'REQUEST.VALUE_TOO_LARGE',
      `请求中的值过大 a value in the request is too large (SQLSTATE ${state})`,
      {
        details: { sqlState: state },
      },
    );
  }
  const query = typeof (err as { query?: unknown }).query === 'string' ? (err as { query: string }).query : '';
  return new DatabaseQueryError(state, query, typeof driver.constraint === 'string' ? driver.constraint : undefined);
}

/** Whether an error or any of its causes holds a statement's parameters (drizzle's wrapper does). */
function carriesParameters(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 8 && typeof e === 'object' && e !== null; i++) {
    const c = e as { params?: unknown; parameters?: unknown; message?: unknown; cause?: unknown };
    if (c.params !== undefined || c.parameters !== undefined) return true;
    if (typeof c.message === 'string' && /\n\s*params:/.test(c.message)) return true;
    e = c.cause;
  }
  return false;
}

/** The statement text (placeholders only) of a failed drizzle query, or ''. */
function queryTextOf(err: unknown): string {
  const q = typeof err === 'object' && err !== null ? (err as { query?: unknown }).query : undefined;
  return typeof q === 'string' ? q : '';
}

async function mapped<T>(run: () => PromiseLike<T> | T): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw databaseError(err);
  }
}

/**
 * The drizzle handle whose `execute` and `transaction` fail with `databaseError`. Statements inside
 * a transaction fail with the driver's error, so the transaction's own code can still tell them
 * apart; what leaves the transaction is mapped.
 */
function guarded(db: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if ((prop === 'execute' || prop === 'transaction') && typeof v === 'function') {
        return (...args: unknown[]): Promise<unknown> => mapped(() => Reflect.apply(v, target, args) as unknown);
      }
      return v;
    },
  });
}

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /**
   * Rows of a raw statement (both drivers return `{ rows }`). With `prepared`, PostgreSQL keeps the
   * statement on each connection under that name (parsed once, its plan cached); PGlite ignores it.
   * One name, one statement text.
   */
  rows<T>(query: SQL, prepared?: string): Promise<T[]>;
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
  /** told when a PGlite data directory is upgraded */
  logger?: Logger | undefined;
}

const dialect = new PgDialect();

/** pg's parsers, but dates, times and intervals left as text, as drizzle reads them. */
const asDrizzle = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    DRIZZLE_TEXT_TYPES.includes(oid)
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openDatabase(opts: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // fail fast on a wrong URL instead of at the first request
    const c = await pool.connect();
    c.release();
    const db = guarded(drizzlePg(pool) as unknown as Db);
    return {
      db,
      kind: 'postgres',
      rows: async <T>(q: SQL, prepared?: string) => {
        if (!prepared) return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
        const { sql: text, params } = dialect.sqlToQuery(q);
        return mapped(async () => (await pool.query({ name: prepared, text, values: params, types: asDrizzle })).rows);
      },
      script: (text, after) =>
        mapped(async () => {
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
        }),
      close: () => pool.end(),
    };
  }
  const client = await openPglite(opts.dataDir, opts.logger);
  withDrizzleParsers(client);
  const db = guarded(drizzlePglite(forDrizzle(client)) as unknown as Db);
  return {
    db,
    kind: 'pglite',
    rows: async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows,
    script: (text, after) =>
      mapped(() =>
        client.transaction(async (tx) => {
          await tx.exec(text);
          const q = new PgDialect().sqlToQuery(after);
          await tx.query(q.sql, q.params);
        }),
      ),
    close: () => client.close(),
  };
}

/**
 * A new cluster, as `initdb` leaves it, kept as a dump: the first PGlite this process creates on an
 * empty directory (or in memory) runs `initdb` and is dumped right after; the ones after it start
 * from the dump, which takes half the CPU (~0.9 s instead of ~1.8 s here). The demo creates four new
 * clusters at its first start; each test file creates one or more. The dump is a gzipped tar (~4 MB)
 * as processes hand it on, or a plain tar (~40 MB) as the test runner hands it to its test files:
 * PGlite gunzips a dump at every cluster it starts from it (~0.15 s here).
 */
interface Dump {
  bytes: Uint8Array;
  gzipped: boolean;
}
let emptyCluster: Promise<Dump | undefined> | undefined;

const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;

/**
 * A dump for PGlite's `loadDataDir`, which it reads through `arrayBuffer()`. Node's own Blob copies
 * itself out there in small pieces (~0.1 s for a plain tar's 40 MB); this one hands over a copy of
 * the bytes at once (PGlite may keep what it is given, and the dump serves every cluster after).
 */
class DumpBlob extends Blob {
  constructor(private readonly dump: Dump) {
    // PGlite gunzips what says it is gzip; a plain tar it reads as it is
    super([], dump.gzipped ? { type: 'application/gzip' } : {});
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.dump.bytes.slice().buffer);
  }
}

/** What every PGlite cluster is opened with (a dump carries only the data directory). */
const extensions = { pg_trgm };

/**
 * A cluster in memory (the tests' and the benches' own) gets 16 MB of shared buffers instead of
 * PostgreSQL's 128 MB: PGlite zeroes them at every start, ~0.4 s of a cluster's ~1.1 s. A cluster on
 * disk (the demo's) keeps the default, for the data a deployment grows.
 */
const inMemoryStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Starts this process's new PGlite clusters from `tarball` — `dumpDataDir()` of a cluster nothing
 * has written to yet, made by the same PGlite, gzipped or not — instead of running `initdb` for the
 * first one too. The test runner makes one per run and hands it to each test file as a plain tar.
 */
export function startClustersFrom(tarball: Uint8Array): void {
  emptyCluster = Promise.resolve({ bytes: tarball, gzipped: isGzip(tarball) });
}

/** gzipped copies of plain dumps this process was given, made once each */
const gzippedCopies = new WeakMap<Uint8Array, Uint8Array>();

/**
 * A new, empty PGlite cluster as a gzipped tarball, for `startClustersFrom` in other processes: the
 * one this process starts its own clusters from when it has one, else made now (`initdb`) and kept
 * for both.
 */
export async function emptyClusterTarball(): Promise<Uint8Array> {
  const known = await emptyCluster;
  if (known?.gzipped) return known.bytes;
  if (known) {
    const copy = gzippedCopies.get(known.bytes) ?? gzipSync(known.bytes, { level: 1 });
    gzippedCopies.set(known.bytes, copy);
    return copy;
  }
  const made = (async () => {
    const client = await PGlite.create({ extensions, startParams: inMemoryStartParams });
    try {
      return await dumpOf(client);
    } finally {
      await client.close();
    }
  })();
  emptyCluster = made.then(
    (bytes) => ({ bytes, gzipped: true }),
    () => undefined,
  );
  return made;
}

async function dumpOf(client: PGlite): Promise<Uint8Array> {
  return new Uint8Array(await (await client.dumpDataDir('gzip')).arrayBuffer());
}

async function openPglite(dataDir: string | undefined, logger: Logger | undefined): Promise<PGlite> {
  if (dataDir) {
    await prepareDataDir(dataDir, { extensions }, logger);
    mkdirSync(dataDir, { recursive: true });
  }
  const options = {
    ...(dataDir ? { dataDir } : { startParams: inMemoryStartParams }),
    extensions,
  };
  // a directory that already holds a cluster opens as it is
  if (dataDir && existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create(options);
  if (emptyCluster) {
    const dump = await emptyCluster;
    if (dump) return PGlite.create({ ...options, loadDataDir: new DumpBlob(dump) });
    return PGlite.create(options);
  }
  // the first new cluster: later ones wait for its dump rather than each running initdb
  let done: (d: Dump | undefined) => void = () => {};
  emptyCluster = new Promise((resolve) => {
    done = resolve;
  });
  let client: PGlite;
  try {
    client = await PGlite.create(options);
  } catch (err) {
    // the next new cluster tries again
    emptyCluster = undefined;
    done(undefined);
    throw err;
  }
  done(
    await dumpOf(client).then(
      (bytes) => ({ bytes, gzipped: true }),
      () => undefined,
    ),
  );
  return client;
}

/** Shares one handle between services of a process; `close` is a no-op for borrowers. */
export function borrow(handle: DatabaseHandle): DatabaseHandle {
  return { ...handle, close: async () => {} };
}

/**
 * Applies `NNNN_name.sql` files from `dir` in order, each in a transaction, recording them in
 * `<schema>.schema_migrations`, then analyses the schema's tables that hold rows but were never
 * analysed (`analyzeNeverAnalyzed`). Safe to run at every start and from several processes (an
 * advisory lock serialises them on PostgreSQL).
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
    await analyzeNeverAnalyzed(handle, schema);
    return applied;
  } finally {
    if (handle.kind === 'postgres') await handle.rows(sql`select pg_advisory_unlock(hashtext(${schema}))`);
  }
}
