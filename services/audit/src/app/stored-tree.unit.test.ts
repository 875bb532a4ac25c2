import { describe, expect, it } from 'vitest';
import {
  inclusionProof,
  leafHash,
  MerkleLog,
  type StoredTreeNode,
  type TreeNode,
  treeNodeKey,
} from '../domain/index.js';
import type { TreeNodeStore } from './ports.js';
import { StoredTree } from './stored-tree.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The nodes a database would hold for `leaves`, counting how many it is asked for. */
class FakeNodeStore implements TreeNodeStore {
  reads = 0;
  readonly hashes = new Map<string, Buffer>();
  /** nodes taken out of the table by hand */
  readonly dropped = new Set<string>();

  constructor(leaves: readonly Buffer[]) {
    const log = new MerkleLog();
    for (const l of leaves) for (const n of log.appendNodes(l)) this.hashes.set(treeNodeKey(n), n.hash);
  }

  async nodes(refs: readonly TreeNode[]): Promise<StoredTreeNode[]> {
    this.reads += refs.length;
    return refs.flatMap((r) => {
      const key = treeNodeKey(r);
      const hash = this.hashes.get(key);
      return hash && !this.dropped.has(key) ? [{ ...r, hash }] : [];
    });
  }
}

describe('StoredTree (proofs from the node store through a bounded cache)', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.from(`record-${i}`)));

  it('proves as the functions over the leaves do, and reads a shared node once while it is cached', async () => {
    const store = new FakeNodeStore(leaves);
    const tree = new StoredTree(store, 10_000);
    const first = await tree.prove(1000, (t) => t.inclusionProof(123, 1000));
    expect(first.map(hex)).toEqual(inclusionProof(leaves, 123).map(hex));
    const readsAfterFirst = store.reads;
    const again = await tree.prove(1000, (t) => t.inclusionProof(123, 1000));
    expect(again.map(hex)).toEqual(first.map(hex));
    expect(store.reads).toBe(readsAfterFirst);
  });

  it('never holds more nodes than its capacity, however many proofs it serves', async () => {
    const tree = new StoredTree(new FakeNodeStore(leaves), 64);
    for (let i = 0; i < 1000; i += 7) {
      const proof = await tree.prove(1000, (t) => t.inclusionProof(i, 1000));
      expect(proof.map(hex)).toEqual(inclusionProof(leaves, i).map(hex));
      expect(tree.cached).toBeLessThanOrEqual(64);
    }
    expect(tree.cached).toBe(64);
  });

  it('a node missing from the store is a conflict with its own code, not a wrong proof', async () => {
    const store = new FakeNodeStore(leaves);
    // leaf 0 is the sibling in every proof of leaf 1
    store.dropped.add(treeNodeKey({ level: 0, index: 0 }));
    const tree = new StoredTree(store, 0);
    await expect(tree.prove(1000, (t) => t.inclusionProof(1, 1000))).rejects.toMatchObject({
      kind: 'conflict',
      code: 'AUDIT.TREE_NODE_MISSING',
    });
    // proofs that do not need it still work
    const other = await tree.prove(1000, (t) => t.inclusionProof(700, 1000));
    expect(other.map(hex)).toEqual(inclusionProof(leaves, 700).map(hex));
  });
});
