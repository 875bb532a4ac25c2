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
