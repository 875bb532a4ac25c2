import { provinces } from '@yrd/region';
import pg from 'pg';

/**
 * One PostgreSQL database per name (`{province}` in the template replaced by it), dropped and made
 * anew so every run starts from the seeds.
 */
export async function freshDatabases(template: string, names: readonly string[] = provinces): Promise<void> {
  const admin = new pg.Client({ connectionString: template.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    for (const p of names) {
      const name = new URL(template.replaceAll('{province}', p)).pathname.slice(1);
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
    }
  } finally {
    await admin.end();
  }
}

/** The one database of `url`: made when it does not exist; dropped and made anew when `fresh`. */
export async function ensureDatabase(url: string, fresh: boolean): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    if (fresh) await admin.query(`drop database if exists ${name} with (force)`);
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
}
