// scripts/tsconfig-references.mjs keeps each workspace's TypeScript project references equal to its
// @yrd/* dependencies, so `tsc -b` checks every source once. Here it runs on the repository (`--check`)
// and on scratch trees built per test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/tsconfig-references.mjs', import.meta.url));

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

interface Workspace {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  tsconfig?: Record<string, unknown>;
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A monorepo on disk: root package.json with `workspaces`, and one folder per workspace. */
function tree(workspaces: string[], folders: Record<string, Workspace>): string {
  const root = mkdtempSync(join(tmpdir(), 'tsconfig-references-'));
  scratch.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', private: true, workspaces }));
  for (const [dir, { tsconfig, ...pkg }] of Object.entries(folders)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(pkg));
    const config = tsconfig ?? { extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] };
    writeFileSync(join(root, dir, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  return root;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('tsconfig references', () => {
  it('match package.json in this repository', () => {
    const r = run('--check');
    expect(r.err).not.toMatch(/tsconfig-references: (?!warning)/);
    expect(r.code).toBe(0);
  });

  it('are written from workspace dependencies of every kind, keeping the other fields', () => {
    const root = tree(['packages/*', 'app'], {
      'packages/errors': { name: '@yrd/errors' },
      'packages/auth': { name: '@yrd/auth', dependencies: { '@yrd/errors': '*', zod: '^4' } },
      app: {
        name: '@yrd/app',
        dependencies: { '@yrd/auth': '*' },
        devDependencies: { '@yrd/errors': '*', vitest: '*' },
        tsconfig: {
          extends: '../tsconfig.base.json',
          include: ['src/**/*.ts', '*.ts'],
          compilerOptions: { lib: ['DOM'] },
        },
      },
    });

    const before = run('--check', '--root', root);
    expect(before.code).toBe(1);
    expect(before.err).toContain(
      'app/tsconfig.json: references are [(none)], package.json says [../packages/auth, ../packages/errors]',
    );
    expect(before.err).toContain('packages/auth/tsconfig.json: references are [(none)], package.json says [../errors]');
    expect(before.err).toContain('tsconfig.json: missing');
    expect(before.err).not.toContain('packages/errors/tsconfig.json');

    expect(run('--root', root).code).toBe(0);
    expect(readJson(join(root, 'app/tsconfig.json'))).toEqual({
      extends: '../tsconfig.base.json',
      include: ['src/**/*.ts', '*.ts'],
      compilerOptions: { lib: ['DOM'] },
      references: [{ path: '../packages/auth' }, { path: '../packages/errors' }],
    });
    expect(readJson(join(root, 'packages/auth/tsconfig.json'))).toMatchObject({ references: [{ path: '../errors' }] });
    expect(readJson(join(root, 'packages/errors/tsconfig.json'))).not.toHaveProperty('references');
    expect(readJson(join(root, 'tsconfig.json'))).toEqual({
      files: [],
      references: [{ path: 'app' }, { path: 'packages/auth' }, { path: 'packages/errors' }],
    });

    const after = run('--check', '--root', root);
    expect(after.code).toBe(0);
    expect(after.out).toContain('3 workspaces, references match package.json');
  });

  it('are checked again when a dependency goes away', () => {
    const root = tree(['packages/*'], {
      'packages/errors': { name: '@yrd/errors' },
      'packages/auth': {
        name: '@yrd/auth',
        tsconfig: {
          extends: '../../tsconfig.base.json',
          include: ['src/**/*.ts'],
          references: [{ path: '../errors' }],
        },
      },
    });
    writeFileSync(join(root, 'tsconfig.json'), '{ "files": [], "references": [] }\n');
    const r = run('--check', '--root', root);
    expect(r.code).toBe(1);
    expect(r.err).toContain('packages/auth/tsconfig.json: references are [../errors], package.json says [(none)]');
    expect(r.err).toContain(
      'tsconfig.json: references are [(none)], package.json says [packages/auth, packages/errors]',
    );
  });

  it('refuse a dependency cycle, which tsc -b cannot build, and write nothing', () => {
    const root = tree(['packages/*'], {
      'packages/a': { name: '@yrd/a', dependencies: { '@yrd/b': '*' } },
      'packages/b': { name: '@yrd/b', devDependencies: { '@yrd/a': '*' } },
    });
    const r = run('--root', root);
    expect(r.code).toBe(1);
    expect(r.err).toContain('dependency cycle: packages/a -> packages/b -> packages/a');
    expect(readJson(join(root, 'packages/a/tsconfig.json'))).not.toHaveProperty('references');
  });

  it('lay a long list one reference a line, as the formatter does', () => {
    const names = ['errors', 'region', 'auth', 'config', 'logger', 'telemetry', 'database'];
    const root = tree(['packages/*'], {
      ...Object.fromEntries(names.map((n) => [`packages/${n}`, { name: `@yrd/${n}` }])),
      'packages/runtime': {
        name: '@yrd/runtime',
        dependencies: Object.fromEntries(names.map((n) => [`@yrd/${n}`, '*'])),
      },
    });
    expect(run('--root', root).code).toBe(0);
    const text = readFileSync(join(root, 'packages/runtime/tsconfig.json'), 'utf8');
    expect(text).toContain('"include": ["src/**/*.ts"],\n');
    expect(text).toContain('"references": [\n    { "path": "../auth" },\n    { "path": "../config" },\n');
    expect(text.endsWith('    { "path": "../telemetry" }\n  ]\n}\n')).toBe(true);
  });

  it('say which workspace imports another without depending on it, and ignore specifiers in strings', () => {
    const root = tree(['packages/*'], {
      'packages/errors': { name: '@yrd/errors' },
      'packages/region': { name: '@yrd/region' },
      'packages/auth': { name: '@yrd/auth' },
    });
    mkdirSync(join(root, 'packages/auth/src'));
    writeFileSync(
      join(root, 'packages/auth/src/index.ts'),
      [
        "import type { Province } from '@yrd/region';",
        'import {',
        '  invalid,',
        "} from '@yrd/errors/codes';",
        'const example = "import { x } from \'@yrd/db\';";',
      ].join('\n'),
    );
    const r = run('--root', root);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: packages/auth imports @yrd/region but its package.json does not depend on it');
    expect(r.err).toContain('warning: packages/auth imports @yrd/errors but its package.json does not depend on it');
    expect(r.err).not.toContain('@yrd/db');
    // the check refuses it: tsc would check @yrd/region's sources again inside packages/auth
    const checked = run('--check', '--root', root);
    expect(checked.code).toBe(1);
    expect(checked.err).toContain(
      'tsconfig-references: packages/auth imports @yrd/region but its package.json does not depend on it',
    );
  });

  it('give a new workspace the usual tsconfig.json', () => {
    const root = tree(['packages/*'], {
      'packages/errors': { name: '@yrd/errors' },
      'packages/client': { name: '@yrd/client', dependencies: { '@yrd/errors': '*' } },
    });
    rmSync(join(root, 'packages/client/tsconfig.json'));
    const missing = run('--check', '--root', root);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('packages/client: no tsconfig.json');

    expect(run('--root', root).code).toBe(0);
    expect(readJson(join(root, 'packages/client/tsconfig.json'))).toEqual({
      extends: '../../tsconfig.base.json',
      include: ['src/**/*.ts'],
      references: [{ path: '../errors' }],
    });
    expect(run('--check', '--root', root).code).toBe(0);
  });

  it('refuse an unknown argument', () => {
    const r = run('--fix');
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage:');
  });
});
