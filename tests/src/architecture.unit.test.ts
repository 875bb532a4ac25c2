/**
 * Imports point inward (STYLE.md, issue 12), checked on every non-test source under services/<name>/src:
 * - `domain/` imports nothing with I/O — no socket, file or process modules, no transport, database
 *   or telemetry package, and no package whose entry loads one of those when imported (a barrel) —
 *   imports nothing outside `domain/`, and reads no clock: time comes in as an argument;
 * - `app/` does not import `adapters/`: the ports it needs live on the app side;
 * - a service does not import another service, by package name or by a relative path.
 * Tests (*.test.ts) are exempt. A violation reads `file: import 'x' (rule)`.
 *
 * The import graph is read with the TypeScript parser rather than a regex, so that comments and
 * strings never count, `import type` is told apart from an import that loads at run time, and a
 * dynamic `import()` is seen.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

interface ImportRef {
  specifier: string;
  /** erased when compiled (`import type`, `export type`, `import('x').T`): loads nothing at run time */
  typeOnly: boolean;
}

interface SourceFacts {
  /** repository-relative, with forward slashes */
  file: string;
  imports: ImportRef[];
  /** each read of the clock, as written, e.g. `Date.now()` */
  clockReads: string[];
}

interface Workspace {
  /** the service folder (`consent`) a package specifier names, if it names a service */
  serviceOf(specifier: string): string | undefined;
  /** why importing this specifier loads something with I/O, or undefined when it does not */
  loadsIo(specifier: string): string | undefined;
}

interface Violation {
  file: string;
  what: string;
  rule: string;
  detail?: string;
}

const rules = {
  io: 'domain/ imports nothing with I/O',
  outside: 'domain/ imports only domain/',
  clock: 'domain/ reads no clock: time comes in as an argument',
  adapters: 'app/ does not import adapters/: its ports live in app/',
  service: 'a service does not import another service',
} as const;

const ioBuiltins = ['fs', 'net', 'http', 'https', 'http2', 'child_process', 'worker_threads', 'dns', 'tls', 'dgram'];
/** Workspace packages that are I/O themselves; their subpath entries are judged by what they load. */
const ioWorkspacePackages = ['@yrd/db', '@yrd/nats', '@yrd/http', '@yrd/runtime', '@yrd/telemetry', '@yrd/logger'];
const ioPackages = ['@electric-sql/pglite', 'pg', 'undici', 'fastify'];
const ioScopes = ['@grpc/', '@nats-io/', '@fastify/'];
const ioPrefixes = ['fastify-', 'drizzle'];

/** A module that opens sockets, files, processes or threads, or a package built on them. */
function isIoModule(specifier: string): boolean {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const under = (name: string) => bare === name || bare.startsWith(`${name}/`);
  return (
    ioBuiltins.some(under) ||
    ioWorkspacePackages.includes(specifier) ||
    ioPackages.some(under) ||
    ioScopes.some((s) => specifier.startsWith(s)) ||
    ioPrefixes.some((p) => specifier.startsWith(p))
  );
}

function factsOf(file: string, text: string): SourceFacts {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const imports: ImportRef[] = [];
  const clockReads: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // `import { type A } from 'x'` still loads 'x' under verbatimModuleSyntax; only `import type` does not
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      imports.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      imports.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const callee = node.expression;
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads && first && ts.isStringLiteralLike(first)) imports.push({ specifier: first.text, typeOnly: false });
      const name = callee.getText(source);
      if (['Date.now', 'Date', 'performance.now', 'process.hrtime', 'process.hrtime.bigint'].includes(name)) {
        clockReads.push(`${name}()`);
      }
    } else if (ts.isNewExpression(node) && node.expression.getText(source) === 'Date' && !node.arguments?.length) {
      clockReads.push('new Date()');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, imports, clockReads };
}

/** The rule itself: what one source file does that it must not. */
function violationsOf({ file, imports, clockReads }: SourceFacts, workspace: Workspace): Violation[] {
  const at = /^services\/([^/]+)\/src\/(.+)$/.exec(file);
  if (!at || file.endsWith('.test.ts')) return [];
  const service = at[1] ?? '';
  const path = at[2] ?? '';
  const layer = path.includes('/') ? path.slice(0, path.indexOf('/')) : '';
  const own = (folder: string) => `services/${service}/src/${folder}/`;
  const out: Violation[] = [];
  for (const { specifier } of imports) {
    const what = `import '${specifier}'`;
    const target = specifier.startsWith('.') ? posix.join(posix.dirname(file), specifier) : undefined;
    const other = target ? /^services\/([^/]+)\//.exec(target)?.[1] : workspace.serviceOf(specifier);
    if (other !== undefined && other !== service) {
      out.push({ file, what, rule: rules.service, detail: other });
      continue;
    }
    if (layer === 'domain') {
      if (target !== undefined) {
        if (!target.startsWith(own('domain'))) out.push({ file, what, rule: rules.outside });
      } else if (isIoModule(specifier)) {
        out.push({ file, what, rule: rules.io });
      } else {
        const why = workspace.loadsIo(specifier);
        if (why) out.push({ file, what, rule: rules.io, detail: why });
      }
    }
    if (layer === 'app' && target?.startsWith(own('adapters'))) out.push({ file, what, rule: rules.adapters });
  }
  if (layer === 'domain') for (const what of clockReads) out.push({ file, what, rule: rules.clock });
  return out;
}

const format = (v: Violation) => `${v.file}: ${v.what} (${v.rule}${v.detail ? `: ${v.detail}` : ''})`;

// ---- the repository as it is ----

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');
const isFile = (file: string) => existsSync(`${root}${file}`) && statSync(`${root}${file}`).isFile();

function sourcesUnder(dir: string): string[] {
  return readdirSync(`${root}${dir}`, { recursive: true })
    .map((f) => posix.join(dir, String(f).replaceAll('\\', '/')))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.includes('/node_modules/') && isFile(f))
    .sort();
}

interface PackageJson {
  name: string;
  exports?: Record<string, string | Record<string, string>>;
}

/** Workspace packages by name, and which of their entries load I/O, following run-time imports only. */
function workspaceAt(): Workspace {
  const packages = new Map<string, { dir: string; json: PackageJson }>();
  for (const group of ['packages', 'services', 'apps']) {
    for (const name of readdirSync(`${root}${group}`)) {
      const dir = `${group}/${name}`;
      if (isFile(`${dir}/package.json`)) {
        const json = JSON.parse(read(`${dir}/package.json`)) as PackageJson;
        packages.set(json.name, { dir, json });
      }
    }
  }
  const split = (specifier: string) => {
    const parts = specifier.split('/');
    const n = specifier.startsWith('@') ? 2 : 1;
    return { name: parts.slice(0, n).join('/'), sub: ['.', ...parts.slice(n)].join('/') };
  };
  const entryOf = (specifier: string): string | undefined => {
    const { name, sub } = split(specifier);
    const pkg = packages.get(name);
    const entry = pkg?.json.exports?.[sub];
    const target = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default);
    return pkg && target ? posix.join(pkg.dir, target) : undefined;
  };
  const resolveFile = (from: string, specifier: string): string | undefined => {
    const base = posix.join(posix.dirname(from), specifier);
    const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base];
    return candidates.find((c) => c.endsWith('.ts') && isFile(c));
  };
  const runtimeImports = new Map<string, string[]>();
  const importsOf = (file: string): string[] => {
    let known = runtimeImports.get(file);
    if (!known) {
      known = factsOf(file, read(file))
        .imports.filter((i) => !i.typeOnly)
        .map((i) => i.specifier);
      runtimeImports.set(file, known);
    }
    return known;
  };
  /** Breadth first from an entry: the shortest chain of files by which it loads an I/O module. */
  const chainFrom = (entry: string): string[] | undefined => {
    const cameFrom = new Map<string, string | undefined>([[entry, undefined]]);
    const chainTo = (file: string): string[] => {
      const before = cameFrom.get(file);
      return before === undefined ? [file] : [...chainTo(before), file];
    };
    const queue = [entry];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const specifier of importsOf(file)) {
        if (isIoModule(specifier)) return [...chainTo(file), `'${specifier}'`];
        const next = specifier.startsWith('.') ? resolveFile(file, specifier) : entryOf(specifier);
        if (next && !cameFrom.has(next)) {
          cameFrom.set(next, file);
          queue.push(next);
        }
      }
    }
    return undefined;
  };
  return {
    serviceOf(specifier) {
      const pkg = packages.get(split(specifier).name);
      return pkg?.dir.startsWith('services/') ? pkg.dir.slice('services/'.length) : undefined;
    },
    loadsIo(specifier) {
      const entry = entryOf(specifier);
      const chain = entry ? chainFrom(entry) : undefined;
      return chain ? `it loads ${chain.at(-1)} via ${chain.slice(0, -1).join(' → ')}` : undefined;
    },
  };
}

// ---- tests ----

/** A stand-in workspace for the table: @yrd/proto is a barrel, @yrd/catalog and @yrd/consent are services. */
const fakeServices = new Map([
  ['@yrd/audit', 'audit'],
  ['@yrd/catalog', 'catalog'],
  ['@yrd/consent', 'consent'],
]);
const fakeWorkspace: Workspace = {
  serviceOf: (s) => fakeServices.get(s.split('/').slice(0, 2).join('/')),
  loadsIo: (s) => (s === '@yrd/proto' ? "it loads '@grpc/grpc-js'" : undefined),
};

describe('the dependency rule', () => {
  const cases: { name: string; file: string; source: string; expected: [string, string][] }[] = [
    {
      name: 'a domain file importing @yrd/db is flagged',
      file: 'services/consent/src/domain/decide.ts',
      source: "import { createDb } from '@yrd/db';",
      expected: [["import '@yrd/db'", rules.io]],
    },
    {
      name: 'a type-only import of an I/O package is flagged too: domain/ does not know the database',
      file: 'services/consent/src/domain/decide.ts',
      source: "import type { Db } from '@yrd/db';",
      expected: [["import '@yrd/db'", rules.io]],
    },
    {
      name: 'node builtins with I/O, with or without node:, and their subpaths',
      file: 'services/audit/src/domain/record.ts',
      source: "import { readFile } from 'node:fs/promises';\nimport net from 'net';\nimport { lookup } from 'dns';",
      expected: [
        ["import 'node:fs/promises'", rules.io],
        ["import 'net'", rules.io],
        ["import 'dns'", rules.io],
      ],
    },
    {
      name: 'transports and databases by scope and prefix',
      file: 'services/exchange/src/domain/x.ts',
      source: [
        "import * as grpc from '@grpc/grpc-js';",
        "import { connect } from '@nats-io/transport-node';",
        "import fp from 'fastify-plugin';",
        "import { eq } from 'drizzle-orm';",
        "import { PGlite } from '@electric-sql/pglite';",
        "import pg from 'pg';",
        "import { request } from 'undici';",
      ].join('\n'),
      expected: [
        '@grpc/grpc-js',
        '@nats-io/transport-node',
        'fastify-plugin',
        'drizzle-orm',
        '@electric-sql/pglite',
        'pg',
        'undici',
      ].map((s): [string, string] => [`import '${s}'`, rules.io]),
    },
    {
      name: 'pure modules pass: crypto, zod, @yrd/errors, a pure subpath of an I/O package',
      file: 'services/catalog/src/domain/duty.ts',
      source:
        "import { createHash } from 'node:crypto';\nimport { z } from 'zod';\nimport { invalid } from '@yrd/errors';\nimport { isoDate } from '@yrd/http/dates';\nimport { grades } from './grades.js';",
      expected: [],
    },
    {
      name: 'canonical JSON comes from @yrd/canonical, which domain/ may import',
      file: 'services/audit/src/domain/record.ts',
      source: "import { canonicalJson } from '@yrd/canonical';\nimport type { auditV1 } from '@yrd/proto/messages';",
      expected: [],
    },
    {
      name: 'a barrel that loads a transport is flagged, whatever is imported from it',
      file: 'services/exchange/src/domain/canonical.ts',
      source: "import { canonicalJson } from '@yrd/proto';",
      expected: [["import '@yrd/proto'", rules.io]],
    },
    {
      name: 're-exports and dynamic imports count',
      file: 'services/catalog/src/domain/fold.ts',
      source:
        "export * from 'fastify';\nconst load = () => import('@grpc/grpc-js');\nconst ok = () => import('opencc-js/t2cn');",
      expected: [
        ["import 'fastify'", rules.io],
        ["import '@grpc/grpc-js'", rules.io],
      ],
    },
    {
      name: 'domain/ imports neither app/ nor adapters/ nor anything else outside domain/',
      file: 'services/consent/src/domain/decide.ts',
      source:
        "import type { Grant } from '../app/ports.js';\nimport { ConsentRepo } from '../adapters/db.js';\nimport { x } from '../service.js';\nimport { y } from './sub/../types.js';",
      expected: [
        ["import '../app/ports.js'", rules.outside],
        ["import '../adapters/db.js'", rules.outside],
        ["import '../service.js'", rules.outside],
      ],
    },
    {
      name: 'domain/ reads no clock; a date from an argument and a clock named in a comment pass',
      file: 'services/consent/src/domain/calendar.ts',
      source: [
        'const a = Date.now();',
        'const b = new Date();',
        'const c = new Date;',
        'const d = performance.now();',
        'const e = new Date(iso);',
        '// not Date.now() but a comment',
        "const f = 'new Date()';",
      ].join('\n'),
      expected: [
        ['Date.now()', rules.clock],
        ['new Date()', rules.clock],
        ['new Date()', rules.clock],
        ['performance.now()', rules.clock],
      ],
    },
    {
      name: 'a test file is exempt',
      file: 'services/consent/src/domain/decide.unit.test.ts',
      source: "import { createDb } from '@yrd/db';\nimport { x } from '../adapters/db.js';\nconst now = Date.now();",
      expected: [],
    },
    {
      name: 'app/ importing adapters/ is flagged',
      file: 'services/catalog/src/app/catalog.ts',
      source: "import { CatalogRepo } from '../adapters/db.js';\nimport type { Row } from '../adapters/db.js';",
      expected: [
        ["import '../adapters/db.js'", rules.adapters],
        ["import '../adapters/db.js'", rules.adapters],
      ],
    },
    {
      name: 'app/ may use I/O, a clock and its ports; adapters/ implement the ports',
      file: 'services/catalog/src/app/catalog.ts',
      source:
        "import type { Db } from '@yrd/db';\nimport type { CatalogRepo } from './ports.js';\nconst now = new Date();",
      expected: [],
    },
    {
      name: 'adapters/ may import app/',
      file: 'services/catalog/src/adapters/db.ts',
      source: "import type { CatalogRepo } from '../app/ports.js';",
      expected: [],
    },
    {
      name: 'a service importing another service, by name or by path, is flagged; its own name and look-alikes are not',
      file: 'services/consent/src/app/consent.ts',
      source: [
        "import { catalogService } from '@yrd/catalog';",
        "import type { Resource } from '../../../catalog/src/domain/resource.js';",
        "import { ConsentApp } from '@yrd/consent';",
        "import { auditEvent } from '@yrd/audit-events';",
      ].join('\n'),
      expected: [
        ["import '@yrd/catalog'", rules.service],
        ["import '../../../catalog/src/domain/resource.js'", rules.service],
      ],
    },
    {
      name: 'code outside services/*/src is not this rule’s business',
      file: 'packages/db/src/index.ts',
      source: "import pg from 'pg';\nconst now = Date.now();",
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ file, source, expected }) => {
    const found = violationsOf(factsOf(file, source), fakeWorkspace).map((v) => [v.what, v.rule]);
    expect(found).toEqual(expected);
  });

  it('formats a violation as file: import (rule: detail)', () => {
    const [v] = violationsOf(
      factsOf('services/exchange/src/domain/canonical.ts', "import '@yrd/proto';"),
      fakeWorkspace,
    );
    expect(v && format(v)).toBe(
      "services/exchange/src/domain/canonical.ts: import '@yrd/proto' (domain/ imports nothing with I/O: it loads '@grpc/grpc-js')",
    );
  });
});

describe('the repository', () => {
  const workspace = workspaceAt();
  const files = readdirSync(`${root}services`)
    .filter((s) => existsSync(`${root}services/${s}/src`))
    .flatMap((s) => sourcesUnder(`services/${s}/src`));

  it('sees the services’ sources, so that an empty scan cannot pass', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const s of ['audit', 'catalog', 'consent', 'exchange']) {
      expect(files.some((f) => f.startsWith(`services/${s}/src/domain/`))).toBe(true);
    }
  });

  it('knows which entries are barrels: @yrd/proto loads gRPC, @yrd/proto/messages and @yrd/http/dates load no I/O', () => {
    expect(workspace.loadsIo('@yrd/proto')).toContain("'@grpc/grpc-js'");
    expect(workspace.loadsIo('@yrd/audit-events')).toBeDefined();
    expect(workspace.loadsIo('@yrd/proto/messages')).toBeUndefined();
    expect(workspace.loadsIo('@yrd/canonical')).toBeUndefined();
    expect(workspace.loadsIo('@yrd/http/dates')).toBeUndefined();
    expect(workspace.loadsIo('@yrd/errors')).toBeUndefined();
    expect(workspace.serviceOf('@yrd/catalog')).toBe('catalog');
    expect(workspace.serviceOf('@yrd/audit-events')).toBeUndefined();
  });

  it('@yrd/canonical, the pure package domain/ gets canonical JSON from, imports nothing but its own files', () => {
    const sources = sourcesUnder('packages/canonical/src').filter((f) => !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(0);
    const outside = sources.flatMap((f) =>
      factsOf(f, read(f))
        .imports.filter((i) => !i.specifier.startsWith('./'))
        .map((i) => `${f}: import '${i.specifier}'`),
    );
    expect(outside, 'no package, no node: builtin, no path out of src').toEqual([]);
    const json = JSON.parse(read('packages/canonical/package.json')) as { dependencies?: object };
    expect(Object.keys(json.dependencies ?? {})).toEqual([]);
  });

  it('imports point inward in every service', () => {
    const violations = files.flatMap((f) => violationsOf(factsOf(f, read(f)), workspace)).map(format);
    expect(violations, `imports that point outward:\n${violations.join('\n')}`).toEqual([]);
  });
});
