import { silentLogger } from '@yrd/logger';
import type { consentV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import {
  type HeardRevocation,
  type Revocation,
  type RevocationCursor,
  type RevocationPage,
  type RevocationPeers,
  RevocationRegister,
  type RevocationStore,
} from './revocations.js';

const byCursor = (a: RevocationCursor, b: RevocationCursor) =>
  a.revokedAt === b.revokedAt ? a.id.localeCompare(b.id) : a.revokedAt.localeCompare(b.revokedAt);
const isAfter = (r: RevocationCursor, after: RevocationCursor | undefined) =>
  after === undefined || byCursor(r, after) > 0;

/** The register's tables in memory; `issued` stands for this province's own revoked grants and consents. */
class MemoryStore implements RevocationStore {
  readonly rows = new Map<string, HeardRevocation>();
  readonly cursors = new Map<Province, RevocationCursor>();
  constructor(readonly issued: Revocation[] = []) {}
  async record(r: HeardRevocation) {
    if (this.rows.has(r.id)) return false;
    this.rows.set(r.id, r);
    return true;
  }
  async ids() {
    return [...this.rows.keys()];
  }
  async cursor(p: Province) {
    return this.cursors.get(p);
  }
  async advance(p: Province, to: RevocationCursor) {
    const held = this.cursors.get(p);
    if (!held || byCursor(to, held) > 0) this.cursors.set(p, to);
  }
  async issuedAfter(after: RevocationCursor | undefined, limit: number) {
    return [...this.issued]
      .sort(byCursor)
      .filter((r) => isAfter(r, after))
      .slice(0, limit);
  }
}

/** The other provinces' issued revocations; an offline one answers nothing. */
class FakePeers implements RevocationPeers {
  readonly asked: { issuer: Province; after: RevocationCursor | undefined }[] = [];
  readonly offline = new Set<Province>();
  constructor(readonly issued: Partial<Record<Province, consentV1.RevocationEvent[]>>) {}
  async revocationsAfter(
    issuer: Province,
    after: RevocationCursor | undefined,
    limit: number,
  ): Promise<RevocationPage> {
    this.asked.push({ issuer, after });
    if (this.offline.has(issuer)) throw new Error(`no responders for ${issuer}`);
    const all = [...(this.issued[issuer] ?? [])].sort(byCursor).filter((r) => isAfter(r, after));
    return { revocations: all.slice(0, limit), more: all.length > limit };
  }
}

const aRevocation = (province: Province, n: number, revokedAt: string, kind: 'grant' | 'consent' = 'consent') => ({
  kind,
  id: `${province}-${kind}-${String(n).padStart(4, '0')}`,
  province,
  revokedAt,
});

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute)).toISOString();

function aRegister(store: MemoryStore, peers: FakePeers, o: { pageSize?: number; overlapMs?: number } = {}) {
  return new RevocationRegister('js', store, peers, () => new Date(at(59)), silentLogger(), o);
}

describe('the revocation register', () => {
  it('records a revocation once, and knows it at once', async () => {
    const store = new MemoryStore();
    const register = aRegister(store, new FakePeers({}));
    const r = aRevocation('sh', 1, at(1));
    expect(register.isRevoked(r.id)).toBe(false);
    expect(await register.hear('sh', r)).toBe(true);
    expect(await register.hear('sh', r)).toBe(false);
    expect(register.isRevoked(r.id)).toBe(true);
    expect([...store.rows.values()]).toEqual([{ ...r, receivedAt: at(59) }]);
  });

  it.each([
    ['another province’s id', { ...aRevocation('zj', 1, at(1)), province: 'sh' }],
    ['an event naming another province', { ...aRevocation('sh', 1, at(1)), province: 'zj' }],
    ['an unknown kind', { ...aRevocation('sh', 1, at(1)), kind: 'application' }],
    ['a time that is not one', { ...aRevocation('sh', 1, at(1)), revokedAt: 'yesterday' }],
  ])('drops %s: a province speaks only for what it issued', async (_what, ev) => {
    const store = new MemoryStore();
    const register = aRegister(store, new FakePeers({}));
    expect(await register.hear('sh', ev)).toBe(false);
    expect(register.isRevoked(ev.id)).toBe(false);
    expect(store.rows.size).toBe(0);
  });

  it('catches up page by page with every province, its own from its own tables', async () => {
    const sh = Array.from({ length: 7 }, (_, i) => aRevocation('sh', i, at(i)));
    const own = [aRevocation('js', 1, at(3), 'grant')];
    const store = new MemoryStore(own);
    const peers = new FakePeers({ sh });
    const register = aRegister(store, peers, { pageSize: 3 });
    expect((await register.catchUpAll()).sort()).toEqual(['ah', 'js', 'sh', 'zj']);
    for (const r of [...sh, ...own]) expect(register.isRevoked(r.id)).toBe(true);
    // 3 + 3 + 1: the last page is not full
    expect(peers.asked.filter((a) => a.issuer === 'sh')).toHaveLength(3);
    expect(store.cursors.get('sh')).toEqual({ revokedAt: at(6), id: sh[6]?.id });
    expect(store.cursors.get('js')).toEqual({ revokedAt: at(3), id: own[0]?.id });
    expect(peers.asked.some((a) => a.issuer === 'js')).toBe(false);
  });

  it('starts again a little before its cursor, and a live event does not move the cursor past a gap', async () => {
    const store = new MemoryStore();
    const peers = new FakePeers({ sh: [aRevocation('sh', 1, at(10))] });
    const register = aRegister(store, peers, { overlapMs: 60_000 });
    await register.catchUpAll();
    // missed while away: revoked at 20; then heard live: revoked at 30
    peers.issued.sh?.push(aRevocation('sh', 2, at(20)), aRevocation('sh', 3, at(30)));
    await register.hear('sh', aRevocation('sh', 3, at(30)));
    peers.asked.length = 0;
    await register.catchUpAll();
    expect(peers.asked.find((a) => a.issuer === 'sh')?.after).toEqual({ revokedAt: at(9), id: '' });
    expect(register.isRevoked('sh-consent-0002')).toBe(true);
    expect(store.cursors.get('sh')).toEqual({ revokedAt: at(30), id: 'sh-consent-0003' });
  });

  it('skips a province that does not answer until the next time', async () => {
    const store = new MemoryStore();
    const peers = new FakePeers({ ah: [aRevocation('ah', 1, at(1))] });
    peers.offline.add('ah');
    const register = aRegister(store, peers);
    expect((await register.catchUpAll()).sort()).toEqual(['js', 'sh', 'zj']);
    expect(register.isRevoked('ah-consent-0001')).toBe(false);
    peers.offline.delete('ah');
    expect(await register.catchUpAll()).toContain('ah');
    expect(register.isRevoked('ah-consent-0001')).toBe(true);
  });

  it('fills its set from the table at start', async () => {
    const store = new MemoryStore();
    await store.record({ ...aRevocation('zj', 1, at(1), 'grant'), receivedAt: at(2) });
    const register = aRegister(store, new FakePeers({}));
    expect(register.isRevoked('zj-grant-0001')).toBe(false);
    expect(await register.load()).toBe(1);
    expect(register.isRevoked('zj-grant-0001')).toBe(true);
  });

  it('answers another province’s catch-up a page at a time, saying when there is more', async () => {
    const own = Array.from({ length: 4 }, (_, i) => aRevocation('js', i, at(i)));
    const register = aRegister(new MemoryStore(own), new FakePeers({}));
    const first = await register.issued(undefined, 3);
    expect(first).toEqual({ revocations: own.slice(0, 3), more: true });
    const rest = await register.issued({ revokedAt: at(2), id: own[2]?.id ?? '' }, 3);
    expect(rest).toEqual({ revocations: own.slice(3), more: false });
  });
});
