/**
 * drizzle hands PGlite the same parsers with every statement: dates, times and intervals (and their
 * arrays) left as PostgreSQL's text. PGlite then merges them into a copy of its table of ~320 type
 * parsers before reading a row — on every statement, the busiest function in the region's profile
 * on PGlite. Here those parsers are set once on the instance, and the statements drizzle runs reach
 * PGlite without them, so it reads rows with its own table: same values, no copy.
 */
import { type PGlite, type QueryOptions, type Transaction, types } from '@electric-sql/pglite';

const text = (value: string) => value;

/** drizzle-orm/pglite's per-statement parsers (its `PglitePreparedQuery`): each returns its input. */
export const DRIZZLE_TEXT_TYPES: readonly number[] = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
];

/**
 * Puts drizzle's parsers in the instance's own table. Set after the instance is ready: PGlite builds
 * its array types' parsers as it starts, over any given at creation.
 */
export function withDrizzleParsers<C extends Pick<PGlite, 'parsers'>>(client: C): C {
  for (const t of DRIZZLE_TEXT_TYPES) client.parsers[t] = text;
  return client;
}

type Queries = Pick<Transaction, 'query'>;

/** drizzle's options, minus its parsers: one object for each row mode, not one for each statement. */
const rowModeOnly: Record<NonNullable<QueryOptions['rowMode']>, QueryOptions> = {
  object: { rowMode: 'object' },
  array: { rowMode: 'array' },
};

/** A statement's options without the parsers the instance already has (drizzle passes nothing else). */
const withoutParsers = (options: QueryOptions | undefined): QueryOptions | undefined =>
  options?.parsers ? (options.rowMode ? rowModeOnly[options.rowMode] : undefined) : options;

function queries(client: Queries): Queries {
  return {
    query: (text, params, options) => client.query(text, params, withoutParsers(options)),
  };
}

/**
 * What drizzle is given in place of the PGlite instance: its statements and transactions, minus
 * the per-statement parsers. drizzle's session uses nothing else of the client.
 */
export function forDrizzle(client: PGlite): PGlite {
  const adapter: Queries & Pick<PGlite, 'transaction'> = {
    ...queries(client),
    // the transaction's other members (rollback, closed, …) stay those of PGlite's own object
    transaction: (callback) => client.transaction((tx) => callback(Object.assign(Object.create(tx), queries(tx)))),
  };
  // drizzle's `drizzle()` is typed for the whole instance; it calls only these two methods
  return adapter as unknown as PGlite;
}
