// Builders for tests of exports and their offline check: a region of four provinces with a trust list,
// a province's log whose heads the other three co-signed, and its export. Only *.test.ts files import it.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { TRUST_LIST_FORMAT, type TrustAnchors } from '@yrd/auth';
import { exportPublicJwk, type SuiteId, suite } from '@yrd/crypto-suite';
import { type AuditExport, buildExport } from './export.js';
import type { MerkleTree } from './merkle.js';
import { aLog } from './test-builders.js';
import type { SignedTreeHead } from './tree-head.js';
import type { StoredAuditRecord } from './verify.js';
import { type Cosignature, cosign } from './witness.js';

export const REGION = ['sh', 'js', 'zj', 'ah'] as const;
export type RegionProvince = (typeof REGION)[number];

export interface Region {
  keys: Record<RegionProvince, { publicKey: KeyObject; privateKey: KeyObject }>;
  jwk: (p: RegionProvince) => JsonWebKey;
  anchors: TrustAnchors;
}

/**
 * Four provinces, one key each (`<p>-1`, valid from 2025-01-01), and their trust list; each on
 * ed25519-sha256 unless `suites` gives it another (a mixed region: 上海 on sm2-sm3).
 */
export function aRegion(quorum = 2, suites: Partial<Record<RegionProvince, SuiteId>> = {}): Region {
  const keys = Object.fromEntries(
    REGION.map((p) => [p, suite(suites[p] ?? 'ed25519-sha256').generateKeyPair()]),
  ) as Region['keys'];
  const jwk = (p: RegionProvince): JsonWebKey => exportPublicJwk(keys[p].publicKey);
  const provinces = Object.fromEntries(
    REGION.map((p) => [p, { keys: [{ kid: `${p}-1`, jwk: jwk(p), validFrom: '2025-01-01T00:00:00.000Z' }] }]),
  ) as TrustAnchors['provinces'];
  return { keys, jwk, anchors: { format: TRUST_LIST_FORMAT, cosignatureQuorum: quorum, provinces } };
}

/** Each head with the co-signatures of `by`, made a day after the head. */
export function cosigned(
  region: Region,
  heads: readonly SignedTreeHead[],
  by: readonly RegionProvince[] = ['js', 'zj', 'ah'],
): (SignedTreeHead & { cosignatures: Cosignature[] })[] {
  return heads.map((h) => ({
    ...h,
    cosignatures: by.map((w) =>
      cosign(w, h, region.keys[w].privateKey, `${w}-1`, new Date(Date.parse(h.timestamp) + 86_400_000)),
    ),
  }));
}

/** A log of 上海 of `n` records, a head every `headEvery` appends, signed with its key in `region`. */
export function aProvinceLog(
  region: Region,
  n: number,
  opts: { headEvery?: number; records?: (seq: number) => StoredAuditRecord } = {},
): { records: StoredAuditRecord[]; heads: SignedTreeHead[]; tree: MerkleTree } {
  return aLog(n, region.keys.sh.privateKey, opts);
}

/** The export the service makes of `log` (whose records may have been edited since `tree` was built). */
export function anExportOf(
  region: Region,
  log: { records: readonly StoredAuditRecord[]; heads: readonly SignedTreeHead[]; tree: MerkleTree },
  opts: { fromSeq?: number; toSeq?: number; cosignedBy?: readonly RegionProvince[] } = {},
): AuditExport {
  const fromSeq = opts.fromSeq ?? 0;
  const toSeq = opts.toSeq ?? log.records.length - 1;
  return buildExport({
    province: 'sh',
    exportedAt: '2025-03-04T00:00:00.000Z',
    fromSeq,
    toSeq,
    keys: [{ kid: 'sh-1', jwk: region.jwk('sh'), validFrom: '2025-01-01T00:00:00.000Z' }],
    records: log.records.slice(fromSeq, toSeq + 1),
    heads: cosigned(region, log.heads, opts.cosignedBy),
    tree: log.tree,
    treeLeaf: (seq) => log.tree.leaf(seq).toString('hex'),
  });
}
