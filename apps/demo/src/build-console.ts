/**
 * `npm run console:build`: builds the console (apps/console/dist) when it is missing or a source is
 * newer than it, and says so; `npm test` runs it first, so no test waits on a build.
 */
import { consoleBuildState, ensureConsoleBuilt } from '@yrd/node/console-build';

const started = Date.now();
try {
  const state = consoleBuildState();
  const dir = await ensureConsoleBuilt({
    onStart: (why) => console.log(`控制台 console: ${why === 'stale' ? 'sources changed, rebuilding' : 'building'}…`),
    onLine: (line) => console.log(`  ${line}`),
  });
  if (!dir) console.log('控制台 console: there is no apps/console to build');
  else if (state === 'current') console.log(`控制台 console: ${dir} is current`);
  else console.log(`控制台 console: built ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
