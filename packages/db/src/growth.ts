import { type SQL, sql } from 'drizzle-orm';

/** What it needs of a `DatabaseHandle`: rows of a statement. */
interface Statements {
  rows<T>(query: SQL): Promise<T[]>;
}

/**
 * Keeps a growing table's planner statistics in step with its size where nothing else does: PGlite
 * runs no autovacuum, and a PostgreSQL may run with it off. A table the planner has no statistics for
 * is costed as a few hundred rows, so a range read ordered and limited on an index (a page after a
 * cursor) becomes a scan of every row past the cursor and a sort, and a key lookup a walk of the table.
 *
 * `grew(n)` is told of the rows a write added; once the table gained as many as it held at the last
 * analyse (and at least `minRows`), it is analysed again, off the caller's path, one at a time. A
 * failed analyse is reported and tried again at the next growth.
 */
export class GrowthAnalyzer {
  private sinceAnalyze = 0;
  private analyzedRows = 0;
  private analyzing: Promise<void> | undefined;

  constructor(
    private readonly h: Statements,
    /** schema-qualified, e.g. `exchange.feed_published` (a name from the code, never from input) */
    private readonly table: string,
    private readonly onError: (err: unknown) => void,
    private readonly minRows = 500,
  ) {
    if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  }

  grew(added: number): void {
    this.sinceAnalyze += added;
    if (this.analyzing || this.sinceAnalyze < Math.max(this.minRows, this.analyzedRows)) return;
    this.sinceAnalyze = 0;
    this.analyzing = this.analyze()
      .catch((err: unknown) => {
        this.onError(err);
      })
      .finally(() => {
        this.analyzing = undefined;
      });
  }

  /** Resolves once the analyse under way, if any, has ended. */
  settled(): Promise<void> {
    return this.analyzing ?? Promise.resolve();
  }

  private async analyze() {
    await this.h.rows(sql.raw(`analyze ${this.table}`));
    const rows = await this.h.rows<{ n: number | string }>(
      sql`select reltuples::bigint as n from pg_class where oid = ${this.table}::regclass`,
    );
    this.analyzedRows = Math.max(0, Number(rows[0]?.n ?? 0));
  }
}

/**
 * Analyses the schema's tables that hold rows but were never analysed (`migrate` does, at every
 * start). A `GrowthAnalyzer` counts from zero in each process, so a table that grew without an
 * analyse (a data folder written before its analyser existed) would be planned as empty after a
 * restart — a page after a cursor read as a scan and a sort of everything past it — until the
 * analyser's first threshold. Empty tables are left alone: there is nothing for the planner to learn.
 */
export async function analyzeNeverAnalyzed(h: Statements, schema: string): Promise<void> {
  const tables = await h.rows<{ name: string }>(sql`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r' and c.reltuples < 0 and pg_relation_size(c.oid) > 0`);
  for (const { name } of tables) await h.rows(sql.raw(`analyze ${name}`));
}
