#!/usr/bin/env node
// Keeps TypeScript project references true to package.json.
//
// Every workspace is a composite project (tsconfig.base.json) and `tsc -b` checks each source once:
// an import of another workspace resolves to that project's emitted .d.ts, which only works when the
// importing project lists it in `references`. This writes each workspace's `references` from its
// @yrd/* dependencies (all kinds) and the root tsconfig.json's from the workspace list, so a new
// dependency never needs a hand edit.
//
//   node scripts/tsconfig-references.mjs          write the references
//   node scripts/tsconfig-references.mjs --check  exit 1 and say what differs, writing nothing
//   --root DIR                                    another tree than this repository
//
// Plain node, no dependencies: it runs before anything is built.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const check = args.includes('--check');
const rootAt = args.indexOf('--root');
// --root points the script at another tree (its own tests use a scratch one); the default is this repository
const root = rootAt >= 0 ? resolve(args[rootAt + 1] ?? '') : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const unknown = args.filter((a, i) => a !== '--check' && (rootAt < 0 || (i !== rootAt && i !== rootAt + 1)));
if (unknown.length > 0 || (rootAt >= 0 && args[rootAt + 1] === undefined)) {
  console.error('usage: node scripts/tsconfig-references.mjs [--check] [--root DIR]');
  process.exit(2);
}

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${relative(root, file)}: not plain JSON (${err.message})`);
  }
};
const toPosix = (p) => p.split('\\').join('/');

/** Workspace folders from the root package.json: plain folders and `dir/*` patterns. */
function workspaceDirs() {
  const patterns = readJson(join(root, 'package.json')).workspaces ?? [];
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else if (!/[*?[{]/.test(pattern)) {
      dirs.push(pattern);
    } else {
      throw new Error(`workspace pattern ${pattern}: only "dir" and "dir/*" are understood`);
    }
  }
  return dirs.filter((d) => existsSync(join(root, d, 'package.json'))).sort();
}

const workspaces = workspaceDirs().map((dir) => {
  const pkg = readJson(join(root, dir, 'package.json'));
  const deps = new Set();
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) deps.add(name);
  }
  return { dir, name: pkg.name, deps, hasTsconfig: existsSync(join(root, dir, 'tsconfig.json')) };
});
const byName = new Map(workspaces.map((w) => [w.name, w]));

const problems = [];
const warnings = [];

// static imports and re-exports start a line; a dynamic import() may stand anywhere; specifiers in strings don't count
const importOf =
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*'(@[^/']+\/[^/']+)|^\s*import\s*'(@[^/']+\/[^/']+)|\bimport\(\s*'(@[^/']+\/[^/']+)/gm;

/** Workspace packages a workspace's sources import, by bare specifier (`@yrd/x`, `@yrd/x/sub`). */
function importedWorkspaces(dir) {
  const found = new Set();
  const walk = (at) => {
    for (const entry of readdirSync(join(root, at), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = `${at}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const text = readFileSync(join(root, path), 'utf8');
        for (const m of text.matchAll(importOf)) {
          const name = m[1] ?? m[2] ?? m[3];
          if (byName.has(name)) found.add(name);
        }
      }
    }
  };
  walk(dir);
  return found;
}

// An import of a workspace that package.json does not declare still resolves (through the root
// node_modules), but tsc then checks that workspace's sources again inside this project, outside the
// build graph, so a change there does not rebuild this one. Said, not failed: declaring it may make a cycle.
for (const w of workspaces) {
  for (const name of importedWorkspaces(w.dir)) {
    if (name !== w.name && !w.deps.has(name)) {
      warnings.push(`${w.dir} imports ${name} but its package.json does not depend on it`);
    }
  }
}
// every workspace is a TypeScript project; a new one gets the usual tsconfig.json
for (const w of workspaces.filter((w) => !w.hasTsconfig)) {
  if (check) {
    problems.push(`${w.dir}: no tsconfig.json (every workspace is a TypeScript project)`);
  } else {
    const base = toPosix(posix.relative(w.dir, 'tsconfig.base.json'));
    writeFileSync(join(root, w.dir, 'tsconfig.json'), `${format({ extends: base, include: ['src/**/*.ts'] })}\n`);
    console.log(`wrote ${w.dir}/tsconfig.json`);
  }
}

/** The workspaces each one depends on, as a graph over directories. */
const edges = new Map(
  workspaces.map((w) => [
    w.dir,
    [...w.deps]
      .map((n) => byName.get(n))
      .filter((d) => d !== undefined && d.dir !== w.dir)
      .map((d) => d.dir)
      .sort(),
  ]),
);

// tsc -b cannot build a cycle; name it here rather than leave tsc's message to be decoded.
const state = new Map();
const visit = (dir, path) => {
  if (state.get(dir) === 'done') return;
  if (state.get(dir) === 'open') {
    problems.push(`dependency cycle: ${[...path.slice(path.indexOf(dir)), dir].join(' -> ')}`);
    return;
  }
  state.set(dir, 'open');
  for (const next of edges.get(dir)) visit(next, [...path, dir]);
  state.set(dir, 'done');
};
for (const w of workspaces) visit(w.dir, []);

/** JSON laid out as Biome formats it (2 spaces, 120 columns), so a written file passes `biome check`. */
function format(value, indent = '', used = 0) {
  const inline = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']');
  const top = indent === '' && used === 0;
  if (value === null || typeof value !== 'object' || (!top && used + inline.length + 1 <= 120)) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + format(v, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  const lines = Object.entries(value).map(([k, v]) => {
    const key = `${inner}${JSON.stringify(k)}: `;
    return key + format(v, inner, key.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

const sameReferences = (a, b) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Sets `references` in one tsconfig.json, keeping every other field in place. */
function update(dir, references) {
  const file = join(root, dir, 'tsconfig.json');
  const config = readJson(file);
  if (sameReferences(config.references, references)) return;
  const label = toPosix(relative(root, file));
  if (check) {
    const names = (refs) => (refs ?? []).map((r) => r.path).join(', ') || '(none)';
    problems.push(`${label}: references are [${names(config.references)}], package.json says [${names(references)}]`);
    return;
  }
  const { references: _old, ...rest } = config;
  writeFileSync(file, `${format({ ...rest, references })}\n`);
  console.log(`wrote ${label}`);
}

const ref = (from, to) => ({ path: toPosix(posix.relative(from, to)) });
if (problems.length === 0) {
  for (const w of workspaces)
    update(
      w.dir,
      edges.get(w.dir).map((to) => ref(w.dir, to)),
    );
  if (!existsSync(join(root, 'tsconfig.json')) && check) {
    problems.push('tsconfig.json: missing (the root solution that lists every workspace)');
  } else {
    if (!existsSync(join(root, 'tsconfig.json'))) writeFileSync(join(root, 'tsconfig.json'), '{ "files": [] }\n');
    update(
      '.',
      workspaces.map((w) => ({ path: w.dir })),
    );
  }
}

// An undeclared workspace import still resolves (through the root node_modules), but tsc then checks
// that workspace's sources again inside the importer, outside the build graph: --check refuses it.
if (check) problems.push(...warnings);
else for (const w of warnings) console.error(`tsconfig-references: warning: ${w}`);
if (problems.length > 0) {
  for (const p of problems) console.error(`tsconfig-references: ${p}`);
  if (check) console.error('tsconfig-references: run `node scripts/tsconfig-references.mjs` to write them');
  process.exit(1);
}
if (check) console.log(`tsconfig-references: ${workspaces.length} workspaces, references match package.json`);
