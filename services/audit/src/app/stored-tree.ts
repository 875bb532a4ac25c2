/**
 * The log's Merkle tree as the database keeps it (audit.tree_nodes), read through a bounded LRU of
 * nodes. The service used to hold every leaf and subtree root in memory, about 1 KiB a record in V8:
 * gigabytes over a province's year. Now a proof reads its O(log² n) nodes; the high ones, which every
 * proof shares, stay cached, and memory no longer grows with the log.
 */
import { conflict } from '@yrd/errors';
import {
  type MerkleProver,
  NodeTree,
  ProofPlanner,
  SHA256_TREE,
  type TreeHasher,
  type TreeNode,
  treeNodeKey,
} from '../domain/index.js';
import type { TreeNodeStore } from './ports.js';

/** Nodes kept in memory: ~200 bytes each, so the default is about 3 MiB whatever the log's size. */
export const DEFAULT_NODE_CACHE = 16_384;

export class StoredTree {
  /** insertion order is recency: a hit moves the node to the end, the first one is evicted */
  readonly #cache = new Map<string, Buffer>();
  readonly #capacity: number;

  constructor(
    private readonly store: TreeNodeStore,
    capacity = DEFAULT_NODE_CACHE,
  ) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  /** Nodes in the cache now (never more than the capacity). */
  get cached(): number {
    return this.#cache.size;
  }

  /**
   * Runs `compute`, a pure computation that asks a tree of the first `size` leaves for proofs (a
   * trace page, an export), over the stored nodes: once to learn which nodes it reads, then, with
   * those fetched in one go, for real. A node the store lacks (the table was edited) is a conflict,
   * not a wrong proof. `th`: the log's tree hash (SHA-256, or SM3 for a log of an sm2-sm3 province).
   */
  async prove<T>(size: number, compute: (tree: MerkleProver) => T, th: TreeHasher = SHA256_TREE): Promise<T> {
    const planner = new ProofPlanner(size);
    compute(planner);
    const needed = planner.needed;
    const nodes = await this.#load(needed);
    const missing = needed.find((n) => !nodes.has(treeNodeKey(n)));
    if (missing) {
      throw conflict(
        'AUDIT.TREE_NODE_MISSING',
        `存储的默克尔树缺少节点 ${treeNodeKey(missing)}，请先验证日志 the stored Merkle tree lacks node ${treeNodeKey(missing)}; run verify`,
      );
    }
    return compute(new NodeTree(size, (n) => nodes.get(treeNodeKey(n)), th));
  }

  async #load(refs: readonly TreeNode[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: TreeNode[] = [];
    for (const r of refs) {
      const key = treeNodeKey(r);
      const hit = this.#cache.get(key);
      if (hit) {
        this.#cache.delete(key);
        this.#cache.set(key, hit);
        found.set(key, hit);
      } else {
        missing.push(r);
      }
    }
    if (missing.length > 0) {
      for (const n of await this.store.nodes(missing)) {
        const key = treeNodeKey(n);
        found.set(key, n.hash);
        this.#remember(key, n.hash);
      }
    }
    return found;
  }

  #remember(key: string, hash: Buffer): void {
    if (this.#capacity === 0) return;
    this.#cache.set(key, hash);
    if (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}
