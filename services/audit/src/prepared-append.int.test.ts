/**
 * On PostgreSQL the audit append becomes a named statement (parsed once, its plan cached) only once
 * the records have been analysed at PREPARE_APPEND_FROM or more: a generic plan made on a small log
 * walks the whole table for the last record, and PostgreSQL keeps it while the log grows. Here a real
 * PGlite stands in, seen as PostgreSQL by the repository (PGlite itself runs every statement unnamed):
 * what is checked is which statements go out named, and that the analyse comes first.
 */
import { generateProvinceKey, loadProvinceKey } from '@yrd/auth';
import { type DatabaseHandle, migrate, openDatabase, type SQL, sql } from '@yrd/db';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditRepo, PREPARE_APPEND_FROM } from './adapters/db.js';
import { AuditLog } from './app/audit-log.js';
import { auditMigrations } from './service.js';
import { anExchangeEvent } from './test-events.js';

const key = loadProvinceKey('sh', generateProvinceKey('sh').privateJwk);
const dialect = new PgDialect();

const event = (i: number) => anExchangeEvent(i, {}, 'prepared');

/** The statements the repository sends, in order: what each starts with, and the name it gave. */
interface Sent {
  text: string;
  name: string | undefined;
}

async function seenAsPostgres(failAnalyze = false) {
  const pglite = await openDatabase();
  await migrate(pglite, 'audit', auditMigrations);
  const sent: Sent[] = [];
  const note = (q: SQL, name?: string) => {
    const text = dialect.sqlToQuery(q).sql.trim().replace(/\s+/g, ' ');
    sent.push({ text, name });
    if (failAnalyze && text.startsWith('analyze')) throw new Error('analyze refused (test)');
  };
  const db = new Proxy(pglite.db, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'execute' && typeof v === 'function') {
        return async (q: SQL) => {
          note(q);
          return Reflect.apply(v, target, [q]) as unknown;
        };
      }
      return v;
    },
  });
  const h: DatabaseHandle = {
    ...pglite,
    db,
    kind: 'postgres',
    rows: async <T>(q: SQL, name?: string) => {
      note(q, name);
      return pglite.rows<T>(q, name);
    },
  };
  const errors: unknown[] = [];
  const repo = new AuditRepo(h, (err) => errors.push(err));
  const log = new AuditLog({ province: 'sh', repo, key, clock: () => new Date('2025-01-02T00:00:00Z') });
  await log.init();
  return { pglite, repo, log, sent, errors };
}

const appends = (sent: Sent[]) => sent.filter((s) => s.text.startsWith('with cas as'));

describe('the audit append as a named statement', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('stays unnamed on a small log; is named after the records are analysed at the threshold', async () => {
    const { pglite, repo, log, sent, errors } = await seenAsPostgres();
    close = () => pglite.close();
    const batch = 200;
    for (let i = 0; i < PREPARE_APPEND_FROM - batch; i += batch) {
      await log.appendMany(Array.from({ length: batch }, (_, j) => event(i + j)));
    }
    expect(repo.appendNamed).toBe(false);
    expect(appends(sent).every((s) => s.name === undefined)).toBe(true);
    expect(sent.some((s) => s.text.startsWith('analyze'))).toBe(false);

    // the batch that takes the log to the threshold: appended unnamed, then the records analysed
    await log.appendMany(Array.from({ length: batch }, (_, j) => event(PREPARE_APPEND_FROM - batch + j)));
    expect(log.size).toBe(PREPARE_APPEND_FROM);
    const analysed = sent.findIndex((s) => s.text === 'analyze audit.records');
    expect(analysed).toBeGreaterThan(sent.lastIndexOf(appends(sent).at(-1) as Sent));
    expect(repo.appendNamed).toBe(true);

    await log.append(event(PREPARE_APPEND_FROM));
    await log.appendMany([event(PREPARE_APPEND_FROM + 1), event(PREPARE_APPEND_FROM + 2)]);
    expect(appends(sent.slice(analysed)).map((s) => s.name)).toEqual(['audit_append', 'audit_append']);
    expect(errors).toEqual([]);
    // one analyse, not one per append
    expect(sent.filter((s) => s.text.startsWith('analyze'))).toHaveLength(1);
  });

  it('an analyse that fails leaves the append unnamed, reports it and tries again later; the appends went in', async () => {
    const { pglite, repo, log, sent, errors } = await seenAsPostgres(true);
    close = () => pglite.close();
    await log.appendMany(Array.from({ length: PREPARE_APPEND_FROM }, (_, i) => event(i)));
    expect(log.size).toBe(PREPARE_APPEND_FROM);
    expect(repo.appendNamed).toBe(false);
    expect(errors).toHaveLength(1);
    const tries = () => sent.filter((s) => s.text.startsWith('analyze')).length;
    expect(tries()).toBe(1);
    // not at every append after: only after another PREPARE_APPEND_FROM records
    await log.appendMany(Array.from({ length: 10 }, (_, i) => event(PREPARE_APPEND_FROM + i)));
    expect(tries()).toBe(1);
    expect(appends(sent).every((s) => s.name === undefined)).toBe(true);
    const [row] = await pglite.rows<{ n: number }>(sql`select count(*)::int as n from audit.records`);
    expect(row?.n).toBe(PREPARE_APPEND_FROM + 10);
  });

  it('a log that starts with fresh statistics at the threshold or more is named at once (analyzeIfStale)', async () => {
    const { pglite, repo, log } = await seenAsPostgres();
    close = () => pglite.close();
    await log.appendMany(Array.from({ length: PREPARE_APPEND_FROM - 1 }, (_, i) => event(i)));
    expect(repo.appendNamed).toBe(false);
    await pglite.db.execute(sql`analyze audit.records`);
    // the statistics know PREPARE_APPEND_FROM - 1 records: below the threshold, still unnamed
    expect(await repo.analyzeIfStale(log.size)).toBe(false);
    expect(repo.appendNamed).toBe(false);

    const restarted = new AuditRepo({ ...pglite, kind: 'postgres' });
    await pglite.db.execute(sql`insert into audit.records (seq, event_id, leaf_hash, fields)
      select 100000 + g, 'pad-' || g, 'x', '{}'::jsonb from generate_series(1, 5) g`);
    await pglite.db.execute(sql`analyze audit.records`);
    expect(await restarted.analyzeIfStale(PREPARE_APPEND_FROM + 4)).toBe(false);
    expect(restarted.appendNamed).toBe(true);
  });

  it('on PGlite itself nothing is named and nothing extra is analysed', async () => {
    const db = await openDatabase();
    close = () => db.close();
    await migrate(db, 'audit', auditMigrations);
    const repo = new AuditRepo(db);
    const log = new AuditLog({ province: 'sh', repo, key, clock: () => new Date('2025-01-02T00:00:00Z') });
    await log.init();
    await log.appendMany(Array.from({ length: PREPARE_APPEND_FROM }, (_, i) => event(i)));
    expect(repo.appendNamed).toBe(false);
    expect(await repo.analyzeIfStale(log.size)).toBe(true);
    expect(repo.appendNamed).toBe(false);
  });
});
