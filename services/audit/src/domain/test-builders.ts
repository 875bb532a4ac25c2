// Builders for the audit domain's tests: a valid default, overridden where a test cares. Not exported
// from the domain's index; only *.test.ts files import it.
import type { KeyObject } from 'node:crypto';
import { suiteOfKey } from '@yrd/crypto-suite';
import { MerkleTree, SHA256_TREE, type TreeHasher, treeHasherOf } from './merkle.js';
import { type AuditRecordFields, payloadHash, recordLeaf } from './record.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';
import type { StoredAuditRecord } from './verify.js';

export function aRecordFields(seq: number, over: Partial<AuditRecordFields> = {}): AuditRecordFields {
  return {
    seq,
    eventId: `evt-${seq}`,
    province: 'sh',
    kind: seq % 2 ? 'exchange.query.served' : 'consent.granted',
    requestId: `req-${Math.floor(seq / 2)}`,
    resourceId: 'zj.330000-SCJG-0001',
    actorUser: 'u-sh-42',
    actorAgency: '91310000MA1FL0000X',
    requesterProvince: 'sh',
    providerProvince: 'zj',
    outcome: 'allow',
    code: '',
    payloadHash: payloadHash({ seq }),
    subjectRef: payloadHash({ subject: seq % 3 }),
    grantId: 'grant-1',
    consentId: '',
    occurredAt: new Date(Date.UTC(2025, 2, 1) + seq * 1000).toISOString(),
    items: ['company_name', 'status'],
    ...over,
  };
}

export function aStoredRecord(
  seq: number,
  over: Partial<AuditRecordFields> = {},
  th: TreeHasher = SHA256_TREE,
): StoredAuditRecord {
  const fields = aRecordFields(seq, over);
  return { seq, leafHash: recordLeaf(fields, th).toString('hex'), fields };
}

/** A head over the first `size` leaves of `tree`, signed with `key`. */
export function aHead(
  tree: MerkleTree,
  size: number,
  key: KeyObject,
  over: { province?: string; keyId?: string } = {},
): SignedTreeHead {
  return signTreeHead(
    {
      province: over.province ?? 'sh',
      size,
      rootHash: tree.root(size).toString('hex'),
      timestamp: new Date(Date.UTC(2025, 2, 2) + size * 1000).toISOString(),
    },
    key,
    over.keyId ?? 'sh-1',
  );
}

/**
 * A log of `n` records with a head signed every `headEvery` appends (and one over all of it), hashed
 * in the suite of `key` (SHA-256 for Ed25519, SM3 for SM2), as a log its province created.
 */
export function aLog(
  n: number,
  key: KeyObject,
  opts: { headEvery?: number; records?: (seq: number) => StoredAuditRecord } = {},
): { records: StoredAuditRecord[]; heads: SignedTreeHead[]; tree: MerkleTree } {
  const every = opts.headEvery ?? 1;
  const th = treeHasherOf(suiteOfKey(key));
  const records = Array.from({ length: n }, (_, seq) => (opts.records ?? ((s) => aStoredRecord(s, {}, th)))(seq));
  const tree = new MerkleTree(th);
  const heads: SignedTreeHead[] = [];
  for (const r of records) {
    tree.append(Buffer.from(r.leafHash, 'hex'));
    if (tree.size % every === 0) heads.push(aHead(tree, tree.size, key));
  }
  if (heads.at(-1)?.size !== n) heads.push(aHead(tree, n, key));
  return { records, heads, tree };
}
