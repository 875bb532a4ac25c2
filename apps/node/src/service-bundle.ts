/**
 * service.ts and every workspace module it reaches, bundled by esbuild into one ESM file
 * (apps/node/dist/service.js): what a service process runs in the image and in the tests that spawn
 * processes. Running the sources through tsx costs each process seconds of CPU before it does anything
 * (resolving and loading ~270 TypeScript modules one by one through the loader's hooks); the bundle is
 * one file Node loads as it is.
 *
 * Third-party packages stay outside (imported from node_modules as Node resolves them, so a package's
 * own files — PGlite's WASM, pino's worker — are where it expects them). A package a workspace module
 * gets from its own node_modules (an older PGlite kept for the upgrade) is imported by its path, since
 * from the bundle's folder Node would find the hoisted version. A module's `import.meta.url` still
 * names the module's own file (a service's migrations folder sits next to its source), written
 * relative to the bundle so the tree can move as a whole.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '../../..');
const hoisted = join(repoRoot, 'node_modules') + sep;
/** the bundle `npm run services:build` writes and province processes run */
export const serviceBundleFile = join(repoRoot, 'apps', 'node', 'dist', 'service.js');

/** a path as an import specifier from `fromDir`: relative, with forward slashes, starting with `.` */
const specifier = (fromDir: string, path: string) => {
  const rel = relative(fromDir, path).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
};

function workspaceOnly(outDir: string): Plugin {
  return {
    name: 'yrd-workspace-only',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('node:')) return { external: true };
        // the lookup below asks esbuild again, which comes back here: resolve it as esbuild would
        if (args.pluginData?.lookup || args.kind === 'entry-point' || args.path.startsWith('@yrd/')) return undefined;
        // where Node finds it from the importer: the hoisted copy is what the bundle's folder sees too,
        // any other copy is named by its path
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { lookup: true },
        });
        if (found.errors.length > 0 || !found.path || found.path.startsWith(hoisted)) return { external: true };
        return { path: specifier(outDir, found.path), external: true };
      });
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.')) return undefined;
        // in the bundle import.meta names the bundle: only the URL is rewritten, and the other forms
        // (which no bundled module uses) are refused rather than left to name the wrong folder
        const other = /import\.meta\.(?:dirname|filename)/.exec(source);
        if (other) {
          return { errors: [{ text: `${other[0]} cannot be bundled; use new URL(…, import.meta.url)` }] };
        }
        const file = JSON.stringify(specifier(outDir, args.path));
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${file}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

let builds = 0;

/**
 * Bundles service.ts into `outFile` (default apps/node/dist/service.js), with its source map. The file
 * is written under another name and renamed, so a process started meanwhile runs the whole old bundle
 * or the whole new one, and several test files building at once do not interleave.
 */
export async function buildServiceBundle(outFile = serviceBundleFile): Promise<string> {
  const outDir = dirname(outFile);
  // a developer's tool, loaded only to build (the demo and the image's services never need it)
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(repoRoot, 'apps', 'node', 'src', 'service.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.11',
    outfile: outFile,
    write: false,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [workspaceOnly(outDir)],
  });
  mkdirSync(outDir, { recursive: true });
  const temp = `.${process.pid}-${++builds}`;
  // the map first: the bundle that names it is then never there without it
  for (const f of [...result.outputFiles].sort(
    (a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')),
  )) {
    writeFileSync(f.path + temp, f.contents);
    renameSync(f.path + temp, f.path);
  }
  return outFile;
}

let built: Promise<string> | undefined;
/** the bundle built once in this process from the sources as they are now */
export function serviceBundle(): Promise<string> {
  built ??= buildServiceBundle().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}
