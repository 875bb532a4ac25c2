// RFC 6962 / RFC 9162 Merkle tree hashing. Pure functions, no I/O.
//
//   leaf hash  = H(0x00 || data)
//   node hash  = H(0x01 || left || right)
//   MTH({})    = H("")
//
// H is the hash of the suite the log was created with, and a log keeps it for good: SHA-256 for a log
// of an ed25519-sha256 province (every log before the suites existed), SM3 for one of an sm2-sm3
// province (@yrd/crypto-suite). Both are 32 bytes, so the structure and the proofs are the same; every
// function and class below takes the TreeHasher and defaults to SHA-256, what it always computed.
//
// Everything is iterative (or recursive only to depth log2(n)), so trees of millions of leaves work.
// Sizes and indexes are plain numbers; arithmetic avoids 32-bit bitwise operators so any safe integer works.
import * as crypto from 'node:crypto';
import { type SuiteId, suite } from '@yrd/crypto-suite';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// crypto.hash (one-shot) exists from Node 20.12; engines allows >= 20.6, so fall back to createHash.
const oneShot: ((alg: string, data: Uint8Array, enc: 'buffer') => Buffer) | undefined =
  typeof crypto.hash === 'function'
    ? (crypto.hash as (alg: string, data: Uint8Array, enc: 'buffer') => Buffer)
    : undefined;

const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);

function sha256(...parts: Uint8Array[]): Buffer {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** MTH of the empty tree: SHA-256 of the empty string (e3b0c442…). */
export const EMPTY_ROOT: Buffer = sha256();

/** RFC 6962 leaf hash: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  if (oneShot) return oneShot('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
  return sha256(LEAF_PREFIX, data);
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (oneShot && left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch[0] = 0x01;
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return oneShot('sha256', nodeScratch, 'buffer');
  }
  return sha256(NODE_PREFIX, left, right);
}

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/** The name of a log's tree hash: what a log keeps from the suite it was created with. */
export type TreeHashName = 'sha256' | 'sm3';

/** A log's Merkle hashing: RFC 6962 leaf and node hashes and the empty root, with one 32-byte hash. */
export interface TreeHasher {
  readonly name: TreeHashName;
  leafHash(data: Uint8Array): Buffer;
  nodeHash(left: Uint8Array, right: Uint8Array): Buffer;
  readonly emptyRoot: Buffer;
}

/** SHA-256, the functions above (with their one-shot fast path): every log of an ed25519-sha256 province. */
export const SHA256_TREE: TreeHasher = { name: 'sha256', leafHash, nodeHash, emptyRoot: EMPTY_ROOT };

/** SM3 (GB/T 32905) from @yrd/crypto-suite: the logs of an sm2-sm3 province. */
export const SM3_TREE: TreeHasher = (() => {
  const s = suite('sm2-sm3');
  return { name: 'sm3', leafHash: s.leafHash, nodeHash: s.nodeHash, emptyRoot: s.emptyRoot };
})();

const treeHashers: Record<TreeHashName, TreeHasher> = { sha256: SHA256_TREE, sm3: SM3_TREE };

/** The tree hash of a suite (the suite's hash). */
export function treeHasherOf(suiteId: SuiteId): TreeHasher {
  return treeHashers[suite(suiteId).hashName];
}

/** A tree hash by name; absent is SHA-256 (state stored before logs had a suite). */
export function treeHasherNamed(name: TreeHashName | undefined): TreeHasher {
  const h = treeHashers[name ?? 'sha256'];
  if (!h) throw new TypeError(`unknown tree hash ${String(name)}`);
  return h;
}

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Root of leaves[start, end) via a stack of perfect subtree roots (O(log n) memory, n-1 node hashes).
 * Folding the stack from the right gives exactly RFC 6962 MTH.
 */
function rangeRoot(leaves: readonly Uint8Array[], start: number, end: number, th: TreeHasher): Buffer {
  if (end <= start) return Buffer.from(th.emptyRoot);
  if (end - start === 1) return Buffer.from(leaves[start]!);
  const stack: Buffer[] = [];
  let count = 0;
  for (let i = start; i < end; i++) {
    const leaf = leaves[i]!;
    let node = Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
    let c = count;
    while (isOdd(c)) {
      node = th.nodeHash(stack.pop()!, node);
      c = half(c);
    }
    stack.push(node);
    count++;
  }
  return foldFrontier(stack, th);
}

function foldFrontier(stack: readonly Buffer[], th: TreeHasher): Buffer {
  if (stack.length === 0) return th.emptyRoot;
  let acc = stack[stack.length - 1]!;
  for (let i = stack.length - 2; i >= 0; i--) acc = th.nodeHash(stack[i]!, acc);
  return acc;
}

/** RFC 6962 Merkle Tree Hash over leaf hashes (the leaves are already leaf-hashed). */
export function rootOf(leafHashes: readonly Uint8Array[], th: TreeHasher = SHA256_TREE): Buffer {
  return rangeRoot(leafHashes, 0, leafHashes.length, th);
}

/**
 * RFC 6962 PATH(m, D[n]) / RFC 9162 inclusion proof for leaf `index` in the tree of all `leafHashes`
 * (pass a slice for a smaller tree size). Ordered from the leaf's sibling up to the root's child.
 */
export function inclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  th: TreeHasher = SHA256_TREE,
): Buffer[] {
  return inclusionPath(leafHashes.length, index, (a, b) => rangeRoot(leafHashes, a, b, th));
}

/** Root of the leaves [start, end) of the tree, however the caller keeps them. */
type SubtreeRoot = (start: number, end: number) => Buffer;

function inclusionPath(n: number, index: number, subtree: SubtreeRoot): Buffer[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`index ${index} out of range for tree size ${n}`);
  }
  // Walk from the root down, collecting the sibling subtree roots, then reverse (leaf first).
  const path: Buffer[] = [];
  let start = 0;
  let end = n;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(subtree(start + k, end));
      end = start + k;
    } else {
      path.push(subtree(start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/** RFC 9162 §2.1.3.2: verify an inclusion proof for `leafHash` at `index` in a tree of `size` with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  th: TreeHasher = SHA256_TREE,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return false;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = th.nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!(isOdd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = th.nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashEquals(r, root);
}

/**
 * RFC 6962 PROOF(m, D[n]) = SUBPROOF(m, D[n], true): consistency proof between the tree of the first
 * `oldSize` leaves and the tree of the first `newSize` leaves. Empty when oldSize is 0 or equals newSize.
 */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  oldSize: number,
  newSize: number,
  th: TreeHasher = SHA256_TREE,
): Buffer[] {
  return consistencyPath(leafHashes.length, oldSize, newSize, (a, b) => rangeRoot(leafHashes, a, b, th));
}

function consistencyPath(have: number, oldSize: number, newSize: number, subtree: SubtreeRoot): Buffer[] {
  assertSize('oldSize', oldSize);
  assertSize('newSize', newSize);
  if (oldSize > newSize) throw new RangeError(`oldSize ${oldSize} > newSize ${newSize}`);
  if (newSize > have) throw new RangeError(`newSize ${newSize} > ${have} leaves`);
  if (oldSize === 0 || oldSize === newSize) return [];
  // Iterative SUBPROOF: descend, collecting nodes root-side first; reverse at the end.
  const proof: Buffer[] = [];
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let b = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(subtree(start + k, end));
      end = start + k;
    } else {
      proof.push(subtree(start, start + k));
      start += k;
      m -= k;
      b = false;
    }
  }
  if (!b) proof.push(subtree(start, end));
  return proof.reverse();
}

/**
 * RFC 9162 §2.1.4.2: verify that the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot).
 * oldSize 0 is consistent with anything given an empty proof and oldRoot = MTH({}).
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
  th: TreeHasher = SHA256_TREE,
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  if (oldSize === 0) return proof.length === 0 && hashEquals(oldRoot, th.emptyRoot);
  if (oldSize === newSize) return proof.length === 0 && hashEquals(oldRoot, newRoot);
  if (proof.length === 0) return false;

  const path: readonly Uint8Array[] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = th.nodeHash(c, fr);
      sr = th.nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!(isOdd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = th.nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashEquals(fr, oldRoot) && hashEquals(sr, newRoot);
}

/**
 * Persistable state of a MerkleLog: the size and the perfect-subtree roots (largest first), hex, and
 * the log's tree hash when it is not SHA-256 (absent: SHA-256, as every frontier stored before).
 */
export interface MerkleFrontier {
  size: number;
  hashes: string[];
  treeHash?: TreeHashName;
}

function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    if (isOdd(n)) c++;
    n = half(n);
  }
  return c;
}

function toHash(h: string | Uint8Array, what: string): Buffer {
  if (typeof h === 'string') {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new TypeError(`${what}: expected 64 lowercase hex characters`);
    return Buffer.from(h, 'hex');
  }
  if (h.length !== HASH_SIZE) throw new TypeError(`${what}: expected ${HASH_SIZE} bytes, got ${h.length}`);
  return Buffer.from(h);
}

/**
 * Append-only Merkle log holding only the right frontier: one perfect subtree root per set bit of size,
 * largest (leftmost) first. append is amortised O(1), worst case O(log n); root() is O(log n).
 */
export class MerkleLog {
  #size: number;
  #frontier: Buffer[];
  readonly #th: TreeHasher;

  constructor(th: TreeHasher = SHA256_TREE) {
    this.#size = 0;
    this.#frontier = [];
    this.#th = th;
  }

  /**
   * Restore from a frontier previously obtained via frontier() (hex strings or raw 32-byte hashes), with
   * the tree hash it names (`treeHash`), else `th`, else SHA-256.
   */
  static fromFrontier(
    state: { size: number; hashes: readonly (string | Uint8Array)[]; treeHash?: TreeHashName | undefined },
    th?: TreeHasher,
  ): MerkleLog {
    assertSize('size', state.size);
    const expected = popcount(state.size);
    if (state.hashes.length !== expected) {
      throw new RangeError(`frontier for size ${state.size} needs ${expected} hashes, got ${state.hashes.length}`);
    }
    const hasher = state.treeHash !== undefined ? treeHasherNamed(state.treeHash) : (th ?? SHA256_TREE);
    if (th && hasher !== th) throw new TypeError(`frontier of a ${hasher.name} log where ${th.name} is expected`);
    const log = new MerkleLog(hasher);
    log.#size = state.size;
    log.#frontier = state.hashes.map((h, i) => toHash(h, `frontier[${i}]`));
    return log;
  }

  get size(): number {
    return this.#size;
  }

  /** The log's tree hash. */
  get hasher(): TreeHasher {
    return this.#th;
  }

  /** Append one leaf hash (already leaf-hashed, 32 bytes). Returns the leaf's index. */
  append(leaf: Uint8Array): number {
    if (leaf.length !== HASH_SIZE) throw new TypeError(`leaf hash must be ${HASH_SIZE} bytes, got ${leaf.length}`);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('log is full');
    let node: Buffer = Buffer.from(leaf);
    let c = this.#size;
    while (isOdd(c)) {
      node = this.#th.nodeHash(this.#frontier.pop()!, node);
      c = half(c);
    }
    this.#frontier.push(node);
    return this.#size++;
  }

  /**
   * Appends one leaf hash and returns the perfect subtree roots it completes, the leaf itself first
   * and then each parent up: what a store of tree nodes needs to keep to prove without the leaves.
   */
  appendNodes(leaf: Uint8Array): StoredTreeNode[] {
    if (leaf.length !== HASH_SIZE) throw new TypeError(`leaf hash must be ${HASH_SIZE} bytes, got ${leaf.length}`);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('log is full');
    let node: Buffer = Buffer.from(leaf);
    let level = 0;
    let index = this.#size;
    const completed: StoredTreeNode[] = [{ level, index, hash: node }];
    while (isOdd(index)) {
      node = this.#th.nodeHash(this.#frontier.pop()!, node);
      level++;
      index = half(index);
      completed.push({ level, index, hash: node });
    }
    this.#frontier.push(node);
    this.#size++;
    return completed;
  }

  /** RFC 6962 MTH of all appended leaves. */
  root(): Buffer {
    return Buffer.from(foldFrontier(this.#frontier, this.#th));
  }

  /** Snapshot of the state for persistence; restore with MerkleLog.fromFrontier. */
  frontier(): MerkleFrontier {
    return {
      size: this.#size,
      hashes: this.#frontier.map((h) => h.toString('hex')),
      ...(this.#th.name === 'sha256' ? {} : { treeHash: this.#th.name }),
    };
  }
}

/**
 * A perfect subtree of the log: the leaves [index·2^level, (index+1)·2^level). Once the log has all of
 * them its root never changes, so it can be stored (and cached) for good.
 */
export interface TreeNode {
  level: number;
  index: number;
}

export interface StoredTreeNode extends TreeNode {
  hash: Buffer;
}

/** A map key for a node. */
export function treeNodeKey(n: TreeNode): string {
  return `${n.level}:${n.index}`;
}

/**
 * The perfect subtrees whose roots make up MTH of the leaves [start, end), left to right. Every range a
 * proof asks for starts at a multiple of a power of two at least its length (the root does, and each
 * split keeps it so), so MTH splits it into aligned perfect subtrees: k = the largest power of two
 * below the length, then the rest.
 */
function perfectParts(start: number, end: number): TreeNode[] {
  const parts: TreeNode[] = [];
  let s = start;
  while (s < end) {
    const n = end - s;
    const k = isPowerOfTwo(n) ? n : splitPoint(n);
    if (s % k !== 0) throw new RangeError(`range [${start}, ${end}) is not aligned as a proof's ranges are`);
    let level = 0;
    for (let w = k; w > 1; w = half(w)) level++;
    parts.push({ level, index: s / k });
    s += k;
  }
  return parts;
}

/** The nodes of the decomposition of [0, size): the frontier of a log of that size, largest first. */
export function frontierNodes(size: number): TreeNode[] {
  assertSize('size', size);
  return perfectParts(0, size);
}

/** What proofs need from a tree, whatever keeps its nodes (MerkleTree in memory, NodeTree from a store). */
export interface MerkleProver {
  readonly size: number;
  /** Inclusion proof for leaf `index` in the tree of the first `size` leaves; as inclusionProof(). */
  inclusionProof(index: number, size?: number): Buffer[];
  /** Consistency proof between the first `oldSize` and the first `newSize` leaves; as consistencyProof(). */
  consistencyProof(oldSize: number, newSize?: number): Buffer[];
}

/**
 * Proofs over a log of `size` leaves whose perfect subtree roots are looked up by node: from a
 * database, through a cache. Nothing proportional to the log is held; a proof reads O(log² n) nodes
 * and gives exactly what MerkleTree and the functions over the leaves give. Plan what to fetch first
 * with ProofPlanner.
 */
export class NodeTree implements MerkleProver {
  constructor(
    readonly size: number,
    private readonly lookup: (node: TreeNode) => Uint8Array | undefined,
    private readonly th: TreeHasher = SHA256_TREE,
  ) {
    assertSize('size', size);
  }

  /** RFC 6962 MTH of the first `size` leaves (default: all). */
  root(size = this.size): Buffer {
    this.#assertWithin(size);
    return this.#range(0, size);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    this.#assertWithin(size);
    return inclusionPath(size, index, (a, b) => this.#range(a, b));
  }

  consistencyProof(oldSize: number, newSize = this.size): Buffer[] {
    return consistencyPath(this.size, oldSize, newSize, (a, b) => this.#range(a, b));
  }

  #assertWithin(size: number): void {
    assertSize('size', size);
    if (size > this.size) throw new RangeError(`size ${size} > ${this.size} leaves`);
  }

  #range(start: number, end: number): Buffer {
    if (end <= start) return Buffer.from(this.th.emptyRoot);
    const parts = perfectParts(start, end).map((p) => {
      const h = this.lookup(p);
      if (!h || h.length !== HASH_SIZE) throw new RangeError(`tree node ${treeNodeKey(p)} is missing`);
      return h;
    });
    let acc: Buffer = Buffer.from(parts[parts.length - 1]!);
    for (let i = parts.length - 2; i >= 0; i--) acc = this.th.nodeHash(parts[i]!, acc);
    return acc;
  }
}

/**
 * Stands in for the tree while a pure computation (a trace page, an export) asks for its proofs, and
 * notes every node they would read; fetch those, then run the computation again over a NodeTree.
 * The proofs it hands out are placeholders of the right shape.
 */
export class ProofPlanner implements MerkleProver {
  readonly #needed = new Map<string, TreeNode>();
  readonly #tree: NodeTree;

  constructor(readonly size: number) {
    this.#tree = new NodeTree(size, (n) => {
      this.#needed.set(treeNodeKey(n), n);
      return EMPTY_ROOT;
    });
  }

  /** The nodes asked for so far, each once. */
  get needed(): TreeNode[] {
    return [...this.#needed.values()];
  }

  root(size = this.size): Buffer {
    return this.#tree.root(size);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    return this.#tree.inclusionProof(index, size);
  }

  consistencyProof(oldSize: number, newSize = this.size): Buffer[] {
    return this.#tree.consistencyProof(oldSize, newSize);
  }
}

/**
 * Append-only Merkle tree that keeps every perfect subtree root (about 2n hashes in all), so the root,
 * an inclusion proof or a consistency proof for any size up to n costs O(log² n) hashes. The
 * functions above recompute from the leaves, O(n) per proof: fine for checking, too slow for a service
 * that proves hundreds of records deep in a log of millions. It holds the whole tree in memory (about
 * 1 KiB a leaf in V8), so it is for tests and tools; the service keeps the nodes in its database and
 * proves through NodeTree.
 */
export class MerkleTree implements MerkleProver {
  /** #levels[h][i] = root of the perfect subtree of leaves [i·2^h, (i+1)·2^h) */
  readonly #levels: Buffer[][] = [[]];

  constructor(private readonly th: TreeHasher = SHA256_TREE) {}

  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Append one leaf hash (already leaf-hashed, 32 bytes). Returns the leaf's index. */
  append(leaf: Uint8Array): number {
    if (leaf.length !== HASH_SIZE) throw new TypeError(`leaf hash must be ${HASH_SIZE} bytes, got ${leaf.length}`);
    const index = this.size;
    this.#levels[0]!.push(Buffer.from(leaf));
    // Each odd index completes a pair: its parent becomes the next node one level up.
    let h = 0;
    let i = index;
    while (isOdd(i)) {
      const level = this.#levels[h]!;
      const parent = this.th.nodeHash(level[i - 1]!, level[i]!);
      h++;
      if (this.#levels.length === h) this.#levels.push([]);
      this.#levels[h]!.push(parent);
      i = half(i);
    }
    return index;
  }

  /** The leaf hash at `index`. */
  leaf(index: number): Buffer {
    const l = this.#levels[0]![index];
    if (!l) throw new RangeError(`index ${index} out of range for tree size ${this.size}`);
    return Buffer.from(l);
  }

  /** RFC 6962 MTH of the first `size` leaves (default: all). */
  root(size = this.size): Buffer {
    this.#assertWithin(size);
    return Buffer.from(this.#subtree(0, size));
  }

  /** Inclusion proof for leaf `index` in the tree of the first `size` leaves; as inclusionProof(). */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.#assertWithin(size);
    return inclusionPath(size, index, (a, b) => Buffer.from(this.#subtree(a, b)));
  }

  /** Consistency proof between the first `oldSize` and the first `newSize` leaves; as consistencyProof(). */
  consistencyProof(oldSize: number, newSize = this.size): Buffer[] {
    return consistencyPath(this.size, oldSize, newSize, (a, b) => Buffer.from(this.#subtree(a, b)));
  }

  #assertWithin(size: number): void {
    assertSize('size', size);
    if (size > this.size) throw new RangeError(`size ${size} > ${this.size} leaves`);
  }

  /** Root of leaves [start, end): a stored node when perfect and aligned, else split as MTH does (callers copy). */
  #subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (n <= 0) return this.th.emptyRoot;
    if (isPowerOfTwo(n) && start % n === 0) {
      let h = 0;
      for (let w = n; w > 1; w = half(w)) h++;
      return this.#levels[h]![start / n]!;
    }
    const k = splitPoint(n);
    return this.th.nodeHash(this.#subtree(start, start + k), this.#subtree(start + k, end));
  }
}
