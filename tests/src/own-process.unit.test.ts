/**
 * The int and e2e files share their worker's process and modules (vitest.config.ts); a file that
 * installs the process's telemetry SDK with an exporter of its own must run in a process of its own
 * (`../own-process.ts`), or every file after it in that process would trace into its exporter, and it
 * would find the SDK of a file before it installed already.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownProcessFiles } from '../own-process.js';

const root = resolve(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '*.int.test.ts', '*.e2e.test.ts'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const installs = (file: string) => /\binitTelemetry\(/.test(readFileSync(join(root, file), 'utf8'));

describe('test files that install the telemetry SDK', () => {
  it('finds the test files it checks', () => {
    expect(tracked.filter((f) => f.endsWith('.int.test.ts')).length).toBeGreaterThan(50);
    expect(tracked.filter((f) => f.endsWith('.e2e.test.ts')).length).toBeGreaterThan(10);
  });

  it('each run in a process of their own', () => {
    const own = [...ownProcessFiles.int, ...ownProcessFiles.e2e];
    expect(tracked.filter(installs).sort()).toEqual(own.sort());
  });

  it('are listed under their own tier', () => {
    expect(ownProcessFiles.int.every((f) => f.endsWith('.int.test.ts'))).toBe(true);
    expect(ownProcessFiles.e2e.every((f) => f.endsWith('.e2e.test.ts'))).toBe(true);
  });
});
