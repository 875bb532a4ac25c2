import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  frontierNodes,
  inclusionProof,
  leafHash,
  MerkleLog,
  MerkleTree,
  NodeTree,
  nodeHash,
  ProofPlanner,
  rootOf,
  type TreeNode,
  treeNodeKey,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

// ---- Straightforward recursive reference implementation of RFC 6962 §2.1 ----
function k2(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function refMth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0]!;
  const k = k2(d.length);
  return nodeHash(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = k2(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
function refSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = k2(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

// ---- Certificate Transparency reference vectors (RFC 6962 test data) ----
const CT_ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_LEAVES = CT_ENTRIES.map((e) => leafHash(unhex(e)));
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf index (0-based), tree size, path]
const CT_INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** Deterministic pseudo-random generator (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const leaves = (n: number, salt = 'x'): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`${salt}-${i}`)));

function flip(b: Uint8Array, bit = 0): Buffer {
  const c = Buffer.from(b);
  c[bit >> 3] = c[bit >> 3]! ^ (1 << (bit & 7));
  return c;
}

describe('RFC 6962 hashing', () => {
  it('empty root is SHA-256 of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    expect(hex(rootOf([]))).toBe(CT_ROOTS[0]);
  });

  it('leaf and node hashes use the 0x00 / 0x01 prefixes', () => {
    const sha = (...p: Uint8Array[]) => {
      const h = createHash('sha256');
      for (const x of p) h.update(x);
      return h.digest();
    };
    expect(leafHash(Buffer.from('abc'))).toEqual(sha(Buffer.from([0]), Buffer.from('abc')));
    const [a, b] = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))];
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
    // Non-32-byte inputs take the generic path and agree.
    expect(nodeHash(Buffer.from('xy'), Buffer.from('z'))).toEqual(sha(Buffer.from([1]), Buffer.from('xyz')));
    expect(hex(leafHash(new Uint8Array()))).toBe(CT_ROOTS[1]);
  });

  it('matches the published roots for sizes 0..8', () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootOf(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it('matches the published inclusion proofs', () => {
    for (const [index, size, path] of CT_INCLUSION) {
      const tree = CT_LEAVES.slice(0, size);
      expect(inclusionProof(tree, index).map(hex)).toEqual(path);
      expect(verifyInclusion(CT_LEAVES[index]!, index, size, path.map(unhex), unhex(CT_ROOTS[size]!))).toBe(true);
    }
  });

  it('matches the published consistency proofs', () => {
    for (const [m, n, path] of CT_CONSISTENCY) {
      expect(consistencyProof(CT_LEAVES, m, n).map(hex)).toEqual(path);
      expect(verifyConsistency(m, n, unhex(CT_ROOTS[m]!), unhex(CT_ROOTS[n]!), path.map(unhex))).toBe(true);
    }
  });

  it('rootOf equals the recursive reference for sizes 0..130', () => {
    const all = leaves(130);
    for (let n = 0; n <= 130; n++) expect(hex(rootOf(all.slice(0, n))), `size ${n}`).toBe(hex(refMth(all.slice(0, n))));
  });

  it('does not alias its input for a one-leaf tree', () => {
    const [l] = leaves(1);
    const root = rootOf([l!]);
    root[0] = root[0]! ^ 0xff;
    expect(l).toEqual(leaves(1)[0]);
  });
});

describe('inclusion proofs', () => {
  const all = leaves(20);

  it('equal the reference PATH and verify for every (index, size) up to 20', () => {
    for (let size = 1; size <= 20; size++) {
      const tree = all.slice(0, size);
      const root = rootOf(tree);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(tree, i);
        expect(proof.map(hex), `${i}/${size}`).toEqual(refPath(i, tree).map(hex));
        expect(verifyInclusion(tree[i]!, i, size, proof, root), `${i}/${size}`).toBe(true);
      }
    }
  });

  it('fail when anything is tampered with', () => {
    for (let size = 1; size <= 20; size++) {
      const tree = all.slice(0, size);
      const root = rootOf(tree);
      for (let i = 0; i < size; i++) {
        const leaf = tree[i]!;
        const proof = inclusionProof(tree, i);
        const label = `${i}/${size}`;
        expect(verifyInclusion(flip(leaf), i, size, proof, root), label).toBe(false);
        expect(verifyInclusion(leaf, i, size, proof, flip(root, 255)), label).toBe(false);
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.map((x, j) => (j === p ? flip(x, 7) : x));
          expect(verifyInclusion(leaf, i, size, bad, root), `${label} proof[${p}]`).toBe(false);
        }
        for (let j = 0; j < size; j++) {
          if (j !== i) expect(verifyInclusion(leaf, j, size, proof, root), `${label} as index ${j}`).toBe(false);
        }
        if (proof.length > 0) expect(verifyInclusion(leaf, i, size, proof.slice(1), root), label).toBe(false);
        expect(verifyInclusion(leaf, i, size, [...proof, root], root), label).toBe(false);
        expect(verifyInclusion(leaf, size, size, proof, root), label).toBe(false);
        expect(verifyInclusion(leaf, -1, size, proof, root), label).toBe(false);
      }
    }
  });

  it('rejects an out-of-range index', () => {
    expect(() => inclusionProof(all.slice(0, 3), 3)).toThrow(RangeError);
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  const all = leaves(20, 'c');
  const roots = Array.from({ length: 21 }, (_, n) => rootOf(all.slice(0, n)));

  it('equal the reference SUBPROOF and verify for every (old, new) up to 20', () => {
    for (let n = 0; n <= 20; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(all, m, n);
        const expected = m === 0 || m === n ? [] : refSubproof(m, all.slice(0, n), true);
        expect(proof.map(hex), `${m}->${n}`).toEqual(expected.map(hex));
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m}->${n}`).toBe(true);
      }
    }
  });

  it('fail when anything is tampered with', () => {
    for (let n = 1; n <= 20; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(all, m, n);
        const [oldRoot, newRoot] = [roots[m]!, roots[n]!];
        const label = `${m}->${n}`;
        expect(verifyConsistency(m, n, flip(oldRoot), newRoot, proof), label).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, flip(newRoot), proof), label).toBe(false);
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.map((x, j) => (j === p ? flip(x, 100) : x));
          expect(verifyConsistency(m, n, oldRoot, newRoot, bad), `${label} proof[${p}]`).toBe(false);
        }
        if (proof.length > 0) {
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)), label).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1)), label).toBe(false);
        }
        expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot]), label).toBe(false);
        if (m < n) {
          expect(verifyConsistency(n, m, newRoot, oldRoot, proof), label).toBe(false);
        }
        // A tree that differs in any one leaf of the old prefix is not consistent with the old root.
        const forked = all.slice(0, n).map((l, i) => (i === m - 1 ? flip(l) : l));
        const forkedProof = consistencyProof(forked, m, n);
        expect(verifyConsistency(m, n, oldRoot, rootOf(forked), forkedProof), `${label} forked`).toBe(false);
      }
    }
  });

  it('treats the empty tree as a prefix of everything', () => {
    expect(verifyConsistency(0, 5, EMPTY_ROOT, roots[5]!, [])).toBe(true);
    expect(verifyConsistency(0, 5, roots[1]!, roots[5]!, [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, roots[5]!, [roots[1]!])).toBe(false);
  });

  it('rejects bad sizes', () => {
    expect(() => consistencyProof(all, 3, 2)).toThrow(RangeError);
    expect(() => consistencyProof(all, 1, 21)).toThrow(RangeError);
    expect(verifyConsistency(3, 2, roots[3]!, roots[2]!, [])).toBe(false);
  });
});

describe('MerkleLog', () => {
  it('root equals rootOf after every append, sizes 0..70', () => {
    const all = leaves(70, 'log');
    const log = new MerkleLog();
    expect(log.size).toBe(0);
    expect(log.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= 70; n++) {
      expect(log.append(all[n - 1]!)).toBe(n - 1);
      expect(log.size).toBe(n);
      expect(hex(log.root()), `size ${n}`).toBe(hex(rootOf(all.slice(0, n))));
    }
  });

  it('frontier has one hash per set bit and restores to the same log', () => {
    const rand = rng(6962);
    for (let t = 0; t < 25; t++) {
      const n = Math.floor(rand() * 3000);
      const cut = Math.floor(rand() * (n + 1));
      const all = leaves(n, `r${t}`);
      const a = new MerkleLog();
      for (const l of all.slice(0, cut)) a.append(l);
      const state = a.frontier();
      expect(state.size).toBe(cut);
      expect(state.hashes.length).toBe(cut.toString(2).replace(/0/g, '').length);
      const b = MerkleLog.fromFrontier(JSON.parse(JSON.stringify(state)));
      expect(b.root()).toEqual(a.root());
      for (const l of all.slice(cut)) b.append(l);
      expect(hex(b.root()), `n=${n} cut=${cut}`).toBe(hex(rootOf(all)));
    }
  });

  it('accepts raw hashes and rejects an inconsistent frontier', () => {
    const log = new MerkleLog();
    for (const l of leaves(5)) log.append(l);
    const raw = log.frontier().hashes.map(unhex);
    expect(MerkleLog.fromFrontier({ size: 5, hashes: raw }).root()).toEqual(log.root());
    expect(() => MerkleLog.fromFrontier({ size: 7, hashes: raw })).toThrow(RangeError);
    expect(() => MerkleLog.fromFrontier({ size: 5, hashes: [raw[0]!, Buffer.alloc(31)] })).toThrow(TypeError);
    expect(() => MerkleLog.fromFrontier({ size: 1, hashes: ['ABCD'] })).toThrow(TypeError);
    expect(() => MerkleLog.fromFrontier({ size: -1, hashes: [] })).toThrow(RangeError);
    expect(() => log.append(Buffer.alloc(31))).toThrow(TypeError);
  });

  it('is not affected by later mutation of appended leaves or returned roots', () => {
    const log = new MerkleLog();
    const l = leafHash(Buffer.from('m'));
    log.append(l);
    const before = log.root();
    l.fill(0);
    log.root().fill(0);
    expect(log.root()).toEqual(before);
  });

  // Proof generation is O(n) over the same iterative code path, exercised exhaustively above.
  it('handles 1,000,000 leaves: rootOf and MerkleLog agree', () => {
    const n = 1_000_000;
    const block = Buffer.alloc(n * 32);
    const ls: Buffer[] = new Array(n);
    for (let i = 0; i < n; i++) {
      block.writeUInt32BE(i, i * 32);
      block.writeInt32BE(0x9e3779b9 ^ i, i * 32 + 28);
      ls[i] = block.subarray(i * 32, i * 32 + 32);
    }
    const log = new MerkleLog();
    for (const l of ls) log.append(l);
    expect(log.size).toBe(n);
    expect(hex(rootOf(ls))).toBe(hex(log.root()));
    expect(log.frontier().hashes.length).toBe(n.toString(2).replace(/0/g, '').length);
  }, 120_000);
});

describe('MerkleTree (cached levels)', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf-${i}`)));
  const tree = new MerkleTree();
  for (const l of leaves) tree.append(l);

  it('gives the same roots and proofs as the functions over the leaves, for every size up to 70', () => {
    expect(tree.size).toBe(70);
    for (let n = 0; n <= 70; n++) {
      const d = leaves.slice(0, n);
      expect(hex(tree.root(n)), `root ${n}`).toBe(hex(rootOf(d)));
      for (let m = 0; m < n; m++) {
        expect(tree.inclusionProof(m, n).map(hex), `path ${m}/${n}`).toEqual(inclusionProof(d, m).map(hex));
      }
      for (let m = 0; m <= n; m++) {
        expect(tree.consistencyProof(m, n).map(hex), `proof ${m}->${n}`).toEqual(consistencyProof(d, m, n).map(hex));
      }
    }
  });

  it('matches the published Certificate Transparency vectors', () => {
    const ct = new MerkleTree();
    for (const l of CT_LEAVES) ct.append(l);
    for (const [n, r] of CT_ROOTS.entries()) expect(hex(ct.root(n))).toBe(r);
    for (const [m, n, path] of CT_INCLUSION) expect(ct.inclusionProof(m, n).map(hex)).toEqual(path);
    for (const [m, n, proof] of CT_CONSISTENCY) expect(ct.consistencyProof(m, n).map(hex)).toEqual(proof);
  });

  it('hands out copies, so a caller cannot corrupt the cache', () => {
    const t = new MerkleTree();
    for (const l of leaves.slice(0, 8)) t.append(l);
    const before = hex(t.root());
    t.inclusionProof(3)[0]!.fill(0);
    t.root().fill(0);
    t.leaf(2).fill(0);
    t.consistencyProof(5)[0]!.fill(0);
    expect(hex(t.root())).toBe(before);
  });

  it('refuses sizes and indexes it does not have, and leaves that are not hashes', () => {
    expect(() => tree.root(71)).toThrow(RangeError);
    expect(() => tree.inclusionProof(70, 70)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 71)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 71)).toThrow(RangeError);
    expect(() => tree.leaf(70)).toThrow(RangeError);
    expect(() => new MerkleTree().append(Buffer.alloc(31))).toThrow(TypeError);
  });

  it('proves records deep in a 200,000-leaf log in O(log² n): 500 proofs well under a second', () => {
    const big = new MerkleTree();
    for (let i = 0; i < 200_000; i++) big.append(leafHash(Buffer.from(String(i))));
    const root = big.root();
    const started = performance.now();
    for (let i = 0; i < 500; i++) {
      const index = (i * 7919) % 200_000;
      const proof = big.inclusionProof(index);
      if (!verifyInclusion(big.leaf(index), index, 200_000, proof, root)) throw new Error(`proof ${index} fails`);
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(verifyConsistency(123_457, 200_000, big.root(123_457), root, big.consistencyProof(123_457))).toBe(true);
  }, 30_000);
});

describe('NodeTree (proofs from stored nodes)', () => {
  /** The nodes a store would hold after appending `leaves` through MerkleLog.appendNodes. */
  function store(leaves: readonly Buffer[]): Map<string, Buffer> {
    const log = new MerkleLog();
    const nodes = new Map<string, Buffer>();
    for (const l of leaves) for (const n of log.appendNodes(l)) nodes.set(treeNodeKey(n), n.hash);
    return nodes;
  }
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf-${i}`)));
  const nodes = store(leaves);
  const tree = new NodeTree(70, (n) => nodes.get(treeNodeKey(n)));

  it('appendNodes stores each leaf and every perfect subtree it completes, about 2n in all', () => {
    expect(nodes.size).toBe(70 + 35 + 17 + 8 + 4 + 2 + 1);
    const log = new MerkleLog();
    for (const l of leaves.slice(0, 3)) log.appendNodes(l);
    expect(log.appendNodes(leaves[3]!).map(({ level, index }) => ({ level, index }))).toEqual([
      { level: 0, index: 3 },
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
    expect(hex(log.root())).toBe(hex(rootOf(leaves.slice(0, 4))));
  });

  it('gives byte-identical roots and proofs to the functions over the leaves, for every size up to 70', () => {
    for (let n = 0; n <= 70; n++) {
      const d = leaves.slice(0, n);
      expect(hex(tree.root(n)), `root ${n}`).toBe(hex(rootOf(d)));
      for (let m = 0; m < n; m++) {
        expect(tree.inclusionProof(m, n).map(hex), `path ${m}/${n}`).toEqual(inclusionProof(d, m).map(hex));
      }
      for (let m = 0; m <= n; m++) {
        expect(tree.consistencyProof(m, n).map(hex), `proof ${m}->${n}`).toEqual(consistencyProof(d, m, n).map(hex));
      }
    }
  });

  it('matches the published Certificate Transparency vectors', () => {
    const ctNodes = store(CT_LEAVES);
    const ct = new NodeTree(CT_LEAVES.length, (n) => ctNodes.get(treeNodeKey(n)));
    for (const [n, r] of CT_ROOTS.entries()) expect(hex(ct.root(n))).toBe(r);
    for (const [m, n, path] of CT_INCLUSION) expect(ct.inclusionProof(m, n).map(hex)).toEqual(path);
    for (const [m, n, proof] of CT_CONSISTENCY) expect(ct.consistencyProof(m, n).map(hex)).toEqual(proof);
  });

  it('the planner names exactly the nodes the proofs read: with only those, the proofs come out the same', () => {
    const planner = new ProofPlanner(70);
    const asks = () => [planner.inclusionProof(5, 37), planner.inclusionProof(69), planner.consistencyProof(13, 70)];
    asks();
    const needed: TreeNode[] = planner.needed;
    expect(needed.length).toBeLessThan(30);
    const only = new Map(needed.map((n) => [treeNodeKey(n), nodes.get(treeNodeKey(n))!]));
    const sparse = new NodeTree(70, (n) => only.get(treeNodeKey(n)));
    expect(sparse.inclusionProof(5, 37).map(hex)).toEqual(inclusionProof(leaves.slice(0, 37), 5).map(hex));
    expect(sparse.inclusionProof(69).map(hex)).toEqual(inclusionProof(leaves, 69).map(hex));
    expect(sparse.consistencyProof(13, 70).map(hex)).toEqual(consistencyProof(leaves, 13, 70).map(hex));
    expect(() => sparse.inclusionProof(40, 70)).toThrow(/tree node .* is missing/);
  });

  it('frontierNodes names the frontier MerkleLog keeps, largest first', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 37, 70]) {
      const log = new MerkleLog();
      for (const l of leaves.slice(0, n)) log.append(l);
      expect(frontierNodes(n).map((f) => hex(nodes.get(treeNodeKey(f))!))).toEqual(log.frontier().hashes);
    }
  });

  it('refuses sizes and indexes it does not have', () => {
    expect(() => tree.root(71)).toThrow(RangeError);
    expect(() => tree.inclusionProof(70, 70)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 71)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 71)).toThrow(RangeError);
    expect(() => new MerkleLog().appendNodes(Buffer.alloc(31))).toThrow(TypeError);
  });
});
