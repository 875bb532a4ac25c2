import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { ownProcessFiles } from './tests/own-process.js';

// Test tiers are visible in file names: *.unit.test.ts (pure), *.int.test.ts (real nats-server and
// database), tests/*.e2e.test.ts (the province nodes end to end).

// the run makes one empty PGlite cluster (a global setup, for every project); each test file starts
// its clusters from it instead of running initdb (packages/testing/src/vitest)
const pgliteCluster = {
  globalSetup: ['packages/testing/src/vitest/pglite-cluster.global.ts'],
  setupFiles: ['packages/testing/src/vitest/pglite-cluster.setup.ts'],
};

const intFiles = [
  'packages/**/src/**/*.int.test.ts',
  'services/**/src/**/*.int.test.ts',
  'apps/**/src/**/*.int.test.ts',
];

/** what the int files share, in either project */
const int = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  setupFiles: pgliteCluster.setupFiles,
};

/**
 * What the end-to-end files share: one at a time (each file runs a whole region, and one at a time
 * keeps a 2-core machine responsive), after the others (`sequence.groupOrder`).
 */
const e2e = {
  fileParallelism: false,
  testTimeout: 120_000,
  hookTimeout: 240_000,
  pool: 'forks' as const,
  setupFiles: [...pgliteCluster.setupFiles, 'tests/src/browser-failures.setup.ts'],
};

export default defineConfig({
  test: {
    globalSetup: pgliteCluster.globalSetup,
    // vitest's default is one worker fewer than the cores, which on 2 cores is one file at a time;
    // the unit and int files spend much of their time waiting on nats-server and the database, so
    // two at a time on 2 cores finishes them in 0.7 of the time (the e2e files still run alone)
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/**/src/**/*.unit.test.ts',
            'services/**/src/**/*.unit.test.ts',
            'seeds/**/*.unit.test.ts',
            // the web console's pure parts (its screens are tested in a browser: tests/src/console.e2e.test.ts)
            'apps/console/src/**/*.unit.test.ts',
            // the architecture check (imports point inward) reads the whole repository
            'tests/src/**/*.unit.test.ts',
            // the benchmarks' pure parts (reading a perf recording)
            'bench/src/**/*.unit.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'int',
          include: intFiles,
          exclude: [...configDefaults.exclude, ...ownProcessFiles.int],
          // each worker's process keeps its modules from file to file (258 s for the int files
          // against 389 s a process each). A file that installs process-wide state runs in a process
          // of its own (tests/own-process.ts); the files ran in three shuffled orders this way.
          isolate: false,
          ...int,
        },
      },
      {
        test: {
          name: 'int (own process)',
          include: ownProcessFiles.int,
          ...int,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          exclude: [...configDefaults.exclude, ...ownProcessFiles.e2e],
          sequence: { groupOrder: 1 },
          // in one process that keeps its modules: each file starts its own region and stops it, but
          // the node's modules are loaded once (517 s for the e2e files against 566)
          isolate: false,
          ...e2e,
        },
      },
      {
        test: {
          name: 'e2e (own process)',
          include: ownProcessFiles.e2e,
          sequence: { groupOrder: 2 },
          ...e2e,
        },
      },
    ],
  },
});
