/**
 * Vitest global setup: one new PGlite cluster for the whole run, written to a temporary file that
 * each test file starts its clusters from (`pglite-cluster.setup.ts`), instead of every test file
 * running `initdb` for its first one (~1.8 s of CPU here, in each of some 80 files). The file is a
 * plain tar (~40 MB): PGlite would otherwise gunzip it again for every cluster a test starts (~0.15 s
 * each; an end-to-end file starts four).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { emptyClusterTarball } from '@yrd/db';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** path of a tar of a new, empty PGlite cluster */
    pgliteCluster: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-pglite-cluster-'));
  const file = join(dir, 'cluster.tar');
  writeFileSync(file, gunzipSync(await emptyClusterTarball()));
  project.provide('pgliteCluster', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
