/**
 * The services' bundle (apps/node/dist/service.js), which the image and the tests' service processes
 * run: what it leaves outside is there in a production install, what it names by path exists, the
 * paths its modules take from `import.meta` still lead to their files (each service's migrations),
 * and builds at once do not leave a torn file. services.int.test.ts runs a province on it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildServiceBundle, serviceBundle, serviceBundleFile } from './service-bundle.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; version?: string }>;
};

/** every module specifier the bundle imports, statically or dynamically */
function importsOf(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"/gm)) found.add(m[1] ?? '');
  for (const m of code.matchAll(/^\s*import\s*"([^"]+)"/gm)) found.add(m[1] ?? '');
  for (const m of code.matchAll(/\bimport\("([^"]+)"\)/g)) found.add(m[1] ?? '');
  return [...found];
}

/** `@scope/name/sub` → `@scope/name` */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the services bundle', () => {
  it('leaves outside only what a production install has, and names any other copy by a path that exists', async () => {
    const file = await serviceBundle();
    expect(file).toBe(serviceBundleFile);
    const code = readFileSync(file, 'utf8');
    const specifiers = importsOf(code);
    // the workspace's own modules are inside it, whatever their package
    expect(specifiers.filter((s) => s.startsWith('@yrd/'))).toEqual([]);
    const bare = specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:'));
    expect(bare).toContain('fastify');
    expect(bare).toContain('@electric-sql/pglite');
    for (const s of bare) {
      const entry = lock.packages[`node_modules/${packageOf(s)}`];
      expect(entry, `${s} is not installed at the root`).toBeDefined();
      // `npm ci --omit=dev` (the image) leaves dev packages out
      expect(entry?.dev ?? false, `${s} is a dev dependency`).toBe(false);
      expect(entry?.devOptional ?? false, `${s} is a dev dependency`).toBe(false);
    }
    // a package a workspace module gets from its own node_modules (the older PGlite the upgrade dumps
    // with) is imported by its path, not by a name the bundle's folder would find hoisted
    const byPath = specifiers.filter((s) => s.startsWith('.'));
    expect(byPath.some((s) => s.includes('packages/pglite-pg17/node_modules/@electric-sql/pglite/'))).toBe(true);
    for (const s of byPath) {
      const target = resolve(dirname(file), s);
      expect(existsSync(target), s).toBe(true);
      const nested = target.slice(repoRoot.length).match(/^\/(?:packages|services|apps)\/([^/]+)\/node_modules\/(.+)$/);
      expect(nested, `${s} is not in a workspace's own node_modules`).not.toBeNull();
      const pkg = packageOf(nested?.[2] ?? '');
      const ws = target
        .slice(repoRoot.length + 1)
        .split('/')
        .slice(0, 2)
        .join('/');
      expect(lock.packages[`${ws}/node_modules/${pkg}`]?.dev ?? false, s).toBe(false);
      // and Node loads it from there, as the bundle will
      expect(Object.keys(await import(pathToFileURL(target).href)).length, s).toBeGreaterThan(0);
    }
  });

  it("keeps each module's own file in import.meta: every path it builds from one exists", async () => {
    const file = await serviceBundle();
    const code = readFileSync(file, 'utf8');
    const here = pathToFileURL(file);
    const sources = [...code.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1] ?? '');
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const s of sources) expect(existsSync(fileURLToPath(new URL(s, here))), s).toBe(true);
    // each service's migrations, as its module finds them from the bundle
    for (const m of code.matchAll(/new URL\("\.\.\/migrations", new URL\("([^"]+)", import\.meta\.url\)\.href\)/g)) {
      const migrations = fileURLToPath(new URL('../migrations', new URL(m[1] ?? '', here)));
      expect(readdirSync(migrations).filter((f) => f.endsWith('.sql')).length, migrations).toBeGreaterThan(0);
    }
    expect([...code.matchAll(/new URL\("\.\.\/migrations"/g)].length).toBe(5);
  });

  it('is written whole when two builds run at once', async () => {
    const out = join(repoRoot, 'apps', 'node', 'dist', `concurrent-${process.pid}`, 'service.js');
    try {
      await Promise.all([buildServiceBundle(out), buildServiceBundle(out), buildServiceBundle(out)]);
      // parses as a module, and names the map beside it
      execFileSync(process.execPath, ['--check', out]);
      expect(readFileSync(out, 'utf8')).toMatch(/\/\/# sourceMappingURL=service\.js\.map\n?$/);
      expect(JSON.parse(readFileSync(`${out}.map`, 'utf8'))).toHaveProperty('mappings');
    } finally {
      rmSync(dirname(out), { recursive: true, force: true });
    }
  });
});
