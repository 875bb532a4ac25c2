/**
 * A data directory written by the PGlite this project used before (0.3, PostgreSQL 17) is upgraded
 * when opened: its rows, sequences, indexes and triggers come across, the old directory is kept,
 * a stop half-way is finished at the next start, and a directory of another version is refused.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCluster } from '@yrd/pglite-pg17';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, sql } from './index.js';
import { POSTGRES_MAJOR } from './upgrade.js';

const root = mkdtempSync(join(tmpdir(), 'yrd-db-upgrade-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A PostgreSQL 17 cluster as a service's migrations would leave it, with rows in it. */
const OLD_CLUSTER = `
  create extension if not exists pg_trgm;
  create schema svc;
  create table svc.entries (
    seq bigint generated always as identity primary key,
    title text not null,
    body jsonb not null,
    at timestamptz not null,
    digest bytea not null
  );
  create index entries_title_trgm on svc.entries using gin (title gin_trgm_ops);
  create function svc.append_only() returns trigger language plpgsql as
    $$ begin raise exception 'append-only' using errcode = '55000'; end $$;
  create trigger entries_append_only before update or delete on svc.entries
    for each row execute function svc.append_only();
  create table svc.schema_migrations (version text primary key);
  insert into svc.schema_migrations values ('0001_init'), ('0002_entries');
  insert into svc.entries (title, body, at, digest) values
    ('营业执照 电子证照', '{"province":"上海","n":1}', '2026-10-01T10:00:00.123456+08:00', '\\x00ff10'),
    ('长三角 跨省通办', '{"province":"江苏","n":2.5}', '2026-10-02T00:00:00Z', '\\xdeadbeef');
`;

async function oldDirectory(name: string): Promise<string> {
  const dir = join(root, name, 'pgdata');
  mkdirSync(dir, { recursive: true });
  await writeCluster(dir, OLD_CLUSTER);
  return dir;
}

const major = (dir: string) => readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
const backups = (dir: string) =>
  readdirSync(join(dir, '..'))
    .filter((f) => f.startsWith('pgdata.pg17-'))
    .map((f) => join(dir, '..', f));

describe('a PostgreSQL 17 data directory', () => {
  it('is upgraded when opened: rows, identity, index, trigger and the migrations record come across', async () => {
    const dir = await oldDirectory('whole');
    expect(major(dir)).toBe('17');
    const h = await openDatabase({ dataDir: dir });
    try {
      expect(major(dir)).toBe(POSTGRES_MAJOR);
      const rows = await h.rows<{ seq: string; title: string; body: unknown; at: string; digest: string }>(
        sql`select seq::text, title, body, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at, encode(digest, 'hex') as digest from svc.entries order by seq`,
      );
      expect(rows).toEqual([
        {
          seq: '1',
          title: '营业执照 电子证照',
          body: { province: '上海', n: 1 },
          at: '2026-10-01T02:00:00.123456',
          digest: '00ff10',
        },
        {
          seq: '2',
          title: '长三角 跨省通办',
          body: { province: '江苏', n: 2.5 },
          at: '2026-10-02T00:00:00.000000',
          digest: 'deadbeef',
        },
      ]);
      // the identity goes on from where it was
      const [next] = await h.rows<{ seq: string }>(
        sql`insert into svc.entries (title, body, at, digest) values ('新', '{}', now(), '\\x01') returning seq::text`,
      );
      expect(next?.seq).toBe('3');
      // the trigger still guards the rows
      await expect(h.db.execute(sql`delete from svc.entries where seq = 1`)).rejects.toThrow();
      // the trigram index is there and used by a similarity search
      const [hit] = await h.rows<{ title: string }>(
        sql`select title from svc.entries where title % '营业执照' order by similarity(title, '营业执照') desc limit 1`,
      );
      expect(hit?.title).toBe('营业执照 电子证照');
      const [index] = await h.rows<{ n: number }>(
        sql`select count(*)::int as n from pg_indexes where schemaname = 'svc' and indexname = 'entries_title_trgm'`,
      );
      expect(index?.n).toBe(1);
      const versions = await h.rows<{ version: string }>(sql`select version from svc.schema_migrations order by 1`);
      expect(versions.map((v) => v.version)).toEqual(['0001_init', '0002_entries']);
    } finally {
      await h.close();
    }
    // the old directory is kept beside it, as PostgreSQL 17 left it; nothing of the upgrade remains
    const [backup, ...more] = backups(dir);
    expect(more).toEqual([]);
    expect(backup && major(backup)).toBe('17');
    expect(existsSync(`${dir}.upgrading`)).toBe(false);
    expect(existsSync(`${dir}.upgraded.json`)).toBe(false);
    // a second open does not upgrade again
    const again = await openDatabase({ dataDir: dir });
    const [count] = await again.rows<{ n: number }>(sql`select count(*)::int as n from svc.entries`);
    await again.close();
    expect(count?.n).toBe(3);
    expect(backups(dir)).toHaveLength(1);
  });

  it('after a stop between the restore and the swap, the next open finishes the swap', async () => {
    const dir = await oldDirectory('stopped');
    // what the upgrade leaves just before it swaps: the restored cluster beside the old one, and the marker
    const restored = join(root, 'restored-elsewhere');
    const h0 = await openDatabase({ dataDir: restored });
    await h0.script(OLD_CLUSTER, sql`insert into svc.schema_migrations values ('only-in-the-restored-cluster')`);
    await h0.close();
    renameSync(restored, `${dir}.upgrading`);
    const backup = `${dir}.pg17-stopped`;
    writeFileSync(`${dir}.upgraded.json`, JSON.stringify({ backup }));

    const h = await openDatabase({ dataDir: dir });
    const versions = await h.rows<{ version: string }>(sql`select version from svc.schema_migrations order by 1`);
    await h.close();
    expect(versions.map((v) => v.version)).toContain('only-in-the-restored-cluster');
    expect(major(backup)).toBe('17');
    expect(existsSync(`${dir}.upgraded.json`)).toBe(false);
    expect(existsSync(`${dir}.upgrading`)).toBe(false);
  });

  it('a restore that did not finish is started again, from the old directory', async () => {
    const dir = await oldDirectory('half-restored');
    mkdirSync(`${dir}.upgrading`);
    writeFileSync(join(`${dir}.upgrading`, 'PG_VERSION'), `${POSTGRES_MAJOR}\n`);
    const h = await openDatabase({ dataDir: dir });
    const [count] = await h.rows<{ n: number }>(sql`select count(*)::int as n from svc.entries`);
    await h.close();
    expect(count?.n).toBe(2);
    expect(major(dir)).toBe(POSTGRES_MAJOR);
    expect(existsSync(`${dir}.upgrading`)).toBe(false);
  });
});

describe('a data directory of a version this PGlite neither opens nor upgrades', () => {
  it('is refused in Chinese and English, and left as it was', async () => {
    const dir = join(root, 'other', 'pgdata');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '16\n');
    writeFileSync(join(dir, 'postgresql.conf'), '# kept\n');
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      /由 PostgreSQL 16 写入.*written by PostgreSQL 16; this version opens PostgreSQL 19 and upgrades PostgreSQL 17 only\. Nothing was changed/,
    );
    expect(readdirSync(dir).sort()).toEqual(['PG_VERSION', 'postgresql.conf']);
    expect(readdirSync(join(root, 'other'))).toEqual(['pgdata']);
  });
});

describe('a new cluster', () => {
  it('is written by the PostgreSQL major version the upgrade targets', async () => {
    const dir = join(root, 'new', 'pgdata');
    const h = await openDatabase({ dataDir: dir });
    await h.close();
    expect(major(dir)).toBe(POSTGRES_MAJOR);
  });
});
