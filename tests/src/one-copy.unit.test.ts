/**
 * Each third-party package is installed once where one version serves every workspace. A second copy
 * of the same version under a workspace's own node_modules is a second module instance in the same
 * process: its classes fail `instanceof` against the other copy's objects. That happened to the NATS
 * client: `@yrd/nats` opened the JetStream manager from its copy, the exchange and audit services
 * tested its errors against theirs (`err instanceof JetStreamApiError`), so "consumer not found" was
 * never recognised as such. The lock file is the record of what is installed, so it is what is read.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  link?: boolean;
}

const lock = JSON.parse(readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** `node_modules/a/node_modules/@s/b` → `@s/b`; undefined for a workspace's own entry */
const nameOf = (path: string): string | undefined => {
  const at = path.lastIndexOf('node_modules/');
  return at < 0 ? undefined : path.slice(at + 'node_modules/'.length);
};

describe('the installed packages', () => {
  const entries = Object.entries(lock.packages).filter(([, e]) => !e.link);
  const root = new Map(
    entries.flatMap(([path, e]) =>
      path.startsWith('node_modules/') && path.lastIndexOf('node_modules/') === 0 ? [[nameOf(path), e.version]] : [],
    ),
  );

  it('reads a lock file that holds the NATS client at the root', () => {
    expect(root.get('@nats-io/jetstream')).toMatch(/^\d+\.\d+\.\d+/);
    expect(root.get('@nats-io/transport-node')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('no version is installed twice at the top of the root and the workspaces (it would be hoisted once)', () => {
    // `node_modules/x` and `services/audit/node_modules/x`, not a package's own nested dependency
    const topLevel = entries.filter(
      ([path]) => path.includes('node_modules/') && path.indexOf('node_modules/') === path.lastIndexOf('node_modules/'),
    );
    const where = new Map<string, string[]>();
    for (const [path, e] of topLevel) {
      const key = `${nameOf(path)}@${e.version}`;
      where.set(key, [...(where.get(key) ?? []), path]);
    }
    expect([...where].filter(([, paths]) => paths.length > 1)).toEqual([]);
  });

  it('the packages whose objects cross workspaces are installed exactly once', () => {
    const shared = ['@nats-io/jetstream', '@nats-io/nats-core', '@nats-io/transport-node', '@grpc/grpc-js'];
    const copies = (name: string) => entries.filter(([path]) => nameOf(path) === name).map(([path]) => path);
    expect(Object.fromEntries(shared.map((n) => [n, copies(n)]))).toEqual(
      Object.fromEntries(shared.map((n) => [n, [`node_modules/${n}`]])),
    );
  });
});
