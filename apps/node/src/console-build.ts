/**
 * The console's build (apps/console/dist), which each province's edge serves at `/`: whether it is
 * there and current, and building it with vite (`npm run build -w @yrd/console`) when it is not. The
 * demo and the browser tests both start from here, so a console changed since its last build is never
 * what they show.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../..');
/** the console's source folder */
export const consoleApp = join(repoRoot, 'apps', 'console');
/**
 * the console's build: the folder an edge's `consoleDir` names (YRD_CONSOLE_DIST puts it elsewhere,
 * e.g. so that two checkouts' browser tests running at once do not build into one folder)
 */
export const consoleDist = process.env.YRD_CONSOLE_DIST
  ? resolve(process.env.YRD_CONSOLE_DIST)
  : join(consoleApp, 'dist');

/** what the build is made from: a change to any of them makes it out of date */
const sources = [
  join(consoleApp, 'src'),
  join(consoleApp, 'public'),
  join(consoleApp, 'index.html'),
  join(consoleApp, 'vite.config.ts'),
  join(consoleApp, 'package.json'),
  join(repoRoot, 'packages', 'api-client', 'src'),
];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

/** `missing`: never built; `stale`: a source changed since; `absent`: there is no console app to build. */
export function consoleBuildState(): 'current' | 'missing' | 'stale' | 'absent' {
  if (!existsSync(join(consoleApp, 'package.json'))) return 'absent';
  const page = join(consoleDist, 'index.html');
  if (!existsSync(page)) return 'missing';
  return statSync(page).mtimeMs >= Math.max(...sources.map(newestChange)) ? 'current' : 'stale';
}

export class ConsoleBuildError extends Error {
  override readonly name = 'ConsoleBuildError';
}

/**
 * Builds the console in a child process (vite's memory goes with it), passing each line vite prints
 * to `onLine`; rejects with the last lines when the build fails.
 */
export async function buildConsole(onLine: (line: string) => void = () => {}): Promise<string> {
  const output: string[] = [];
  const code = await new Promise<number | string | null>((done) => {
    const child = spawn(
      'npm',
      ['run', 'build', '--silent', '-w', '@yrd/console', '--', '--outDir', consoleDist, '--emptyOutDir'],
      {
        cwd: repoRoot,
        // always the production build (React's, minified): a caller under vitest has NODE_ENV=test,
        // which would make vite build React's development bundle, half as large again
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        onLine(line);
      }
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    child.once('error', (err) => done(err.message));
    child.once('close', done);
  });
  if (code !== 0 || !existsSync(join(consoleDist, 'index.html'))) {
    throw new ConsoleBuildError(`控制台构建失败 the console did not build (${code}):\n${output.slice(-20).join('\n')}`);
  }
  return consoleDist;
}

/** The console's build folder, built first if it is missing or out of date; undefined when there is no console app. */
export async function ensureConsoleBuilt(
  progress: { onStart?: (why: 'missing' | 'stale') => void; onLine?: (line: string) => void } = {},
): Promise<string | undefined> {
  const state = consoleBuildState();
  if (state === 'absent') return undefined;
  if (state === 'current') return consoleDist;
  progress.onStart?.(state);
  return buildConsole(progress.onLine);
}
