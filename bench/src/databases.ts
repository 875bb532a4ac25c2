import { readdirSync, readFileSync } from 'node:fs';
import { provinces } from '@yrd/region';
import pg from 'pg';
import { cpuMicros } from './ipc.js';

/**
 * `url` naming the server's `postgres` database instead of its own; the rest (a socket directory in
 * `?host=`, say) kept.
 */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** A client of the server's `postgres` database, and the checked name of `url`'s database. */
async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl(url) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function databaseName(url: string): string {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
}

/**
 * One PostgreSQL database per name (`{province}` in the template replaced by it), dropped and made
 * anew so every run starts from the seeds.
 */
export async function freshDatabases(template: string, names: readonly string[] = provinces): Promise<void> {
  await admin(template, async (c) => {
    for (const p of names) {
      const name = databaseName(template.replaceAll('{province}', p));
      await c.query(`drop database if exists ${name} with (force)`);
      await c.query(`create database ${name}`);
    }
  });
}

/** The one database of `url`: made when it does not exist; dropped and made anew when `fresh`. */
export async function ensureDatabase(url: string, fresh: boolean): Promise<void> {
  const name = databaseName(url);
  await admin(url, async (c) => {
    if (fresh) await c.query(`drop database if exists ${name} with (force)`);
    const found = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await c.query(`create database ${name}`);
  });
}

/**
 * CPU so far (µs) of each PostgreSQL backend serving the databases of `template` (`{province}`
 * replaced by each of `names`): a backend's command line names its database.
 */
export function backendCpu(template: string, names: readonly string[] = provinces): Map<number, number> {
  const found = new Map<number, number>();
  const wanted = names.map((p) => ` ${databaseName(template.replaceAll('{province}', p))} `);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && wanted.some((n) => cmd.includes(n)))
        found.set(Number(pid), cpuMicros(Number(pid)));
    } catch {
      // gone
    }
  }
  return found;
}

/** What those backends used since `before` (one that started in between: all of it). */
export function backendCpuSince(template: string, names: readonly string[], before: Map<number, number>): number {
  let total = 0;
  for (const [pid, us] of backendCpu(template, names)) total += Math.max(0, us - (before.get(pid) ?? 0));
  return total;
}
