// Generates TypeScript from proto/ with buf + ts-proto into src/gen (never edited by hand).
// `--check` regenerates into a temporary folder and fails if the committed code drifted.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const gen = resolve(import.meta.dirname, '../src/gen');
const buf = join(root, 'node_modules/.bin/buf');
const check = process.argv.includes('--check');

execFileSync(buf, ['lint'], { cwd: root, stdio: 'inherit' });
if (check) breaking();
const out = mkdtempSync(join(tmpdir(), 'yrd-proto-'));
try {
  const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace(
    'out: packages/proto/src/gen',
    `out: ${out}`,
  );
  execFileSync(buf, ['generate', '--template', template], { cwd: root, stdio: 'inherit' });
  if (check) {
    const drift = diff(out, gen);
    if (drift.length > 0) {
      console.error(`generated code is out of date (run npm run proto:gen):\n  ${drift.join('\n  ')}`);
      process.exit(1);
    }
    console.log('proto: lint ok, generated code up to date');
  } else {
    rmSync(gen, { recursive: true, force: true });
    cpSync(out, gen, { recursive: true });
    console.log(`proto: generated ${files(gen).length} files into ${relative(root, gen)}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

/**
 * `buf breaking` against the last commit that touched proto/ before HEAD's own changes, so a
 * change that breaks wire compatibility fails CI. Skipped when there is no such commit (a fresh
 * history or a shallow clone).
 */
function breaking() {
  let base = '';
  try {
    base = execFileSync('git', ['rev-list', '-1', 'HEAD~1', '--', 'proto'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    base = '';
  }
  if (!base) {
    console.log('proto: no earlier commit with proto/ to check breaking changes against');
    return;
  }
  execFileSync(buf, ['breaking', '--against', `.git#ref=${base}`], { cwd: root, stdio: 'inherit' });
  console.log(`proto: no breaking changes against ${base.slice(0, 12)}`);
}

function files(dir) {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile())
      .sort();
  } catch {
    return [];
  }
}

function diff(a, b) {
  const fa = files(a);
  const fb = files(b);
  const names = [...new Set([...fa, ...fb])].sort();
  return names.filter((n) => {
    try {
      return readFileSync(join(a, n), 'utf8') !== readFileSync(join(b, n), 'utf8');
    } catch {
      return true;
    }
  });
}
