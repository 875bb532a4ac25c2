/** bench/RESULTS.md: each kind of run owns one section, replaced where it stands on the next run. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { findNatsServer } from '@yrd/nats';

export const resultsFile = resolve(import.meta.dirname, '../RESULTS.md');

export function machine(): string {
  let nats = 'nats-server not found';
  try {
    nats = execFileSync(findNatsServer(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // the catalogue bench runs without a broker
  }
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${nats}`;
}

/** Writes `## title` with the date and machine, then `body`, into RESULTS.md. */
export function writeSection(title: string, body: string): void {
  const section = `${title}\n\nMeasured ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}.\n\n${body.trim()}`;
  let existing = '# Benchmark results\n';
  try {
    existing = readFileSync(resultsFile, 'utf8');
  } catch {
    // first run
  }
  const parts = existing.split(/\n(?=## )/).map((part) => part.trimEnd());
  // the whole heading line: `… — PostgreSQL` must not take the place of `… — PostgreSQL, a process per province`
  const at = parts.findIndex((part) => part.split('\n', 1)[0] === title);
  if (at >= 0) parts[at] = section;
  else parts.push(section);
  writeFileSync(resultsFile, `${parts.join('\n\n')}\n`);
  console.log(`results written to ${resultsFile}`);
}
