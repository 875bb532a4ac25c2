/** Vitest setup file: this test file's PGlite clusters start from the run's empty cluster. */
import { readFileSync } from 'node:fs';
import { startClustersFrom } from '@yrd/db';
import { inject } from 'vitest';

startClustersFrom(readFileSync(inject('pgliteCluster')));
