/**
 * Offline verifier for an audit export (yrd-audit-export/1): needs no service, broker or database.
 *   npm run audit:verify -- <export.json> [--key <trust list or JWK file>]
 * Exit 0: everything holds. 1: the export fails a check (each failing entry is printed). 2: a file
 * cannot be read, is not JSON, or holds no usable key. The checks live in src/domain/export-check.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkExport, chooseKey, reportLines } from '../domain/export-check.js';

const USAGE = '用法 usage: npm run audit:verify -- <export.json> [--key <trust-list.json | key.jwk>]';

function main(argv: readonly string[]): number {
  const args = [...argv];
  const keyAt = args.indexOf('--key');
  const keyFile = keyAt >= 0 ? args.splice(keyAt, 2)[1] : undefined;
  if (args.length !== 1 || (keyAt >= 0 && !keyFile) || args[0]!.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  const exportFile = args[0]!;
  const doc = readJson(exportFile, '导出文件 export');
  if (!doc.ok) return 2;
  const trusted = keyFile === undefined ? undefined : readJson(keyFile, '密钥文件 key file');
  if (trusted && !trusted.ok) return 2;

  const key = chooseKey(doc.value, trusted?.value);
  if (!key.ok) {
    console.error(`无法校验 cannot check: ${key.reason}`);
    return 2;
  }
  const check = checkExport(doc.value, key.key);
  const lines = reportLines(check, key, keyFile ? `trusted, from ${keyFile}` : 'from the export');
  for (const line of lines) console.log(line);
  return check.ok ? 0 : 1;
}

function readJson(file: string, what: string): { ok: true; value: unknown } | { ok: false } {
  // npm run starts scripts in the repository root; a relative path means the caller's folder
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`无法读取${what} cannot read ${path}: ${(e as Error).message}`);
    return { ok: false };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    console.error(`${what}不是 JSON ${path} is not JSON: ${(e as Error).message}`);
    return { ok: false };
  }
}

process.exitCode = main(process.argv.slice(2));
