import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The federation test (tests/src/federation): four provinces in four network namespaces. It needs
// root, so it is not one of the default projects; `npm run test:federation` runs it (CI is root).
export default defineConfig({
  test: {
    name: 'federation',
    root: resolve(import.meta.dirname, '..'),
    include: ['tests/src/federation/**/*.netns.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 420_000,
    pool: 'forks',
  },
});
