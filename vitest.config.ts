import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test tiers are visible in file names: *.unit.test.ts (pure), *.int.test.ts (real nats-server and
// database), tests/*.e2e.test.ts (the province nodes end to end).

// the run makes one empty PGlite cluster; each test file starts its clusters from it instead of
// running initdb (packages/testing/src/vitest)
const pgliteCluster = {
  globalSetup: ['packages/testing/src/vitest/pglite-cluster.global.ts'],
  setupFiles: ['packages/testing/src/vitest/pglite-cluster.setup.ts'],
};

export default defineConfig({
  test: {
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
          ],
        },
      },
      {
        test: {
          name: 'int',
          include: [
            'packages/**/src/**/*.int.test.ts',
            'services/**/src/**/*.int.test.ts',
            'apps/**/src/**/*.int.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          ...pgliteCluster,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          // each file runs a whole region; one at a time keeps a 2-core machine responsive
          fileParallelism: false,
          // one after another in one process that keeps its modules: each file starts its own region
          // and stops it, but the node's modules are loaded once (517 s for the e2e files against 566)
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
          pool: 'forks',
          globalSetup: pgliteCluster.globalSetup,
          setupFiles: [...pgliteCluster.setupFiles, 'tests/src/browser-failures.setup.ts'],
        },
      },
    ],
  },
});
