// Reading the auditor's files for the offline verifier: the only I/O besides printing.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A path as the caller meant it: npm run starts scripts in the repository root, INIT_CWD is the caller's folder. */
export const callerPath = (file: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), file);

/** The file's text, or undefined after saying why it cannot be read. */
export function readText(file: string, what: string): string | undefined {
  const path = callerPath(file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`无法读取${what} cannot read ${path}: ${(e as Error).message}`);
    return undefined;
  }
}

export function readJson(file: string, what: string): { ok: true; value: unknown } | { ok: false } {
  const text = readText(file, what);
  return text === undefined ? { ok: false } : jsonOf(text, file, what);
}

/** The file's text parsed as JSON, or { ok: false } after saying why not. */
export function jsonOf(text: string, file: string, what: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    console.error(`${what}不是 JSON ${callerPath(file)} is not JSON: ${(e as Error).message}`);
    return { ok: false };
  }
}
