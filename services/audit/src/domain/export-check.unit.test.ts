import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuditExport, buildExport, EXPORT_FORMAT } from './export.js';
import { checkExport, chooseKey, reportLines } from './export-check.js';
import { MerkleTree } from './merkle.js';
import { recordLeaf } from './record.js';
import { aHead, aLog, aStoredRecord } from './test-builders.js';
import { signTreeHead } from './tree-head.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: 'sh-1' } as JsonWebKey;
const N = 40;

/** An export of the whole log of N records with a head per append, as the service makes it. */
function anExport(opts: { headEvery?: number; fromSeq?: number; toSeq?: number } = {}): AuditExport {
  const { records, heads, tree } = aLog(N, keys.privateKey, opts.headEvery ? { headEvery: opts.headEvery } : {});
  const fromSeq = opts.fromSeq ?? 0;
  const toSeq = opts.toSeq ?? N - 1;
  return buildExport({
    province: 'sh',
    exportedAt: '2025-03-03T00:00:00.000Z',
    fromSeq,
    toSeq,
    publicKey: jwk,
    records: records.slice(fromSeq, toSeq + 1),
    heads,
    tree,
  });
}

/** What an auditor's file holds: the export through JSON, edited by `edit`. */
function tampered(edit: (x: AuditExport) => void, base = anExport()): unknown {
  const x = JSON.parse(JSON.stringify(base)) as AuditExport;
  edit(x);
  return x;
}

const recordAt = (x: AuditExport, seq: number) => x.records.find((r) => r.seq === seq)!;
const headOf = (x: AuditExport, size: number) => x.heads.find((h) => h.size === size)!;

describe('buildExport', () => {
  it('holds the range, the heads, one inclusion proof per record and one consistency proof per pair', () => {
    const x = anExport({ fromSeq: 10, toSeq: 19 });
    expect(x).toMatchObject({ format: EXPORT_FORMAT, province: 'sh', range: { fromSeq: 10, toSeq: 19 } });
    expect(x.publicKey).toEqual(jwk);
    expect(x.records.map((r) => r.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // each record is proven against the first head that covers it
    expect(x.proofs.inclusion.map((p) => [p.seq, p.treeSize])).toEqual(x.records.map((r) => [r.seq, r.seq + 1]));
    const sizes = x.heads.map((h) => h.size);
    expect(x.proofs.consistency.map((p) => [p.fromSize, p.toSize])).toEqual(
      sizes.slice(1).map((s, i) => [sizes[i], s]),
    );
    // hashes of payloads travel, never payloads
    expect(Object.keys(x.records[0]!.fields)).toContain('payloadHash');
  });

  it('proves records against the covering head when heads are sparse, and drops duplicate heads', () => {
    const { records, heads, tree } = aLog(N, keys.privateKey, { headEvery: 16 });
    const x = buildExport({
      province: 'sh',
      exportedAt: '2025-03-03T00:00:00.000Z',
      fromSeq: 0,
      toSeq: N - 1,
      publicKey: jwk,
      records,
      heads: [...heads, heads[0]!],
      tree,
    });
    expect(x.heads.map((h) => h.size)).toEqual([16, 32, 40]);
    expect(x.proofs.inclusion.find((p) => p.seq === 15)?.treeSize).toBe(16);
    expect(x.proofs.inclusion.find((p) => p.seq === 16)?.treeSize).toBe(32);
    expect(x.proofs.inclusion.find((p) => p.seq === 39)?.treeSize).toBe(40);
    expect(checkExport(JSON.parse(JSON.stringify(x)), keys.publicKey).ok).toBe(true);
  });
});

describe('checkExport', () => {
  it('accepts an intact export, after a JSON round trip, dense or sparse heads, any range', () => {
    for (const x of [anExport(), anExport({ headEvery: 7 }), anExport({ fromSeq: 13, toSeq: 13 })]) {
      const res = checkExport(JSON.parse(JSON.stringify(x)), keys.publicKey);
      expect(res.failures).toEqual([]);
      expect(res.ok).toBe(true);
      expect(res.latest?.size).toBe(N);
    }
  });

  // Each way to tamper with the file, and the one entry the check must name for it.
  const cases: [string, (x: AuditExport) => void, { code: string; entry: string }][] = [
    [
      'a field changed',
      (x) => {
        recordAt(x, 17).fields.outcome = 'deny';
      },
      { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
    ],
    [
      'a field changed together with its leaf hash',
      (x) => {
        const r = recordAt(x, 17);
        r.fields.outcome = 'deny';
        r.leafHash = recordLeaf(r.fields).toString('hex');
      },
      { code: 'AUDIT.INCLUSION_INVALID', entry: 'seq 17' },
    ],
    [
      'an item added',
      (x) => void recordAt(x, 3).fields.items.push('legal_rep'),
      { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 3' },
    ],
    ['a record deleted', (x) => void x.records.splice(18, 1), { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 18' }],
    ['three records deleted', (x) => void x.records.splice(18, 3), { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 18..20' }],
    ['the last record deleted', (x) => void x.records.pop(), { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 39' }],
    [
      'two records reordered in the file',
      (x) => {
        [x.records[20], x.records[21]] = [x.records[21]!, x.records[20]!];
      },
      { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 20/21' },
    ],
    [
      'two records that traded seqs (as a swap in the database exports)',
      (x) => {
        const [a, b] = [recordAt(x, 20), recordAt(x, 21)];
        [a.fields, b.fields] = [b.fields, a.fields];
        [a.leafHash, b.leafHash] = [b.leafHash, a.leafHash];
      },
      { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 20/21' },
    ],
    [
      'a record duplicated',
      (x) => void x.records.splice(6, 0, x.records[5]!),
      { code: 'AUDIT.SEQUENCE_GAP', entry: 'seq 5' },
    ],
    [
      "a head's signature replaced",
      (x) => {
        headOf(x, 32).signature = headOf(x, 31).signature;
      },
      { code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 32' },
    ],
    [
      "a head's root replaced",
      (x) => {
        headOf(x, 32).rootHash = headOf(x, 31).rootHash;
      },
      { code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 32' },
    ],
    [
      'a head signed with another key',
      (x) => void Object.assign(headOf(x, 32), signTreeHead(headOf(x, 32), other.privateKey, 'sh-1')),
      { code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 32' },
    ],
    [
      'an inclusion proof altered',
      (x) => {
        x.proofs.inclusion[10]!.path[0] = 'ab'.repeat(32);
      },
      { code: 'AUDIT.INCLUSION_INVALID', entry: 'seq 10' },
    ],
    [
      'an inclusion proof removed',
      (x) => void x.proofs.inclusion.splice(10, 1),
      { code: 'AUDIT.INCLUSION_INVALID', entry: 'seq 10' },
    ],
    [
      'a consistency proof altered',
      (x) => {
        x.proofs.consistency.find((p) => p.toSize === 32)!.path[0] = 'cd'.repeat(32);
      },
      { code: 'AUDIT.CONSISTENCY_INVALID', entry: 'heads 31→32' },
    ],
    [
      'a head removed that a record is proven against',
      (x) => void x.heads.splice(x.heads.indexOf(headOf(x, 11)), 1),
      { code: 'AUDIT.HEAD_MISSING', entry: 'seq 10' },
    ],
    [
      'a record outside the range',
      (x) => void x.records.push(aStoredRecord(40)),
      { code: 'AUDIT.EXPORT_MALFORMED', entry: 'seq 40' },
    ],
    [
      'a record with a broken shape',
      (x) => {
        (x.records[3] as { seq: unknown }).seq = 'x';
      },
      { code: 'AUDIT.EXPORT_MALFORMED', entry: 'records[3].seq' },
    ],
    [
      'another format',
      (x) => {
        (x as { format: string }).format = 'yrd-audit-export/9';
      },
      { code: 'AUDIT.EXPORT_MALFORMED', entry: 'format' },
    ],
  ];

  it.each(cases)('names the entry when %s', (_what, edit, expected) => {
    const res = checkExport(tampered(edit), keys.publicKey);
    expect(res.ok).toBe(false);
    expect(res.failures[0]).toMatchObject(expected);
  });

  it('names only the tampered record, not its neighbours, for an edit inside the file', () => {
    const res = checkExport(
      tampered((x) => {
        recordAt(x, 17).fields.outcome = 'deny';
        recordAt(x, 30).fields.actorUser = 'someone-else';
      }),
      keys.publicKey,
    );
    expect(res.failures.map((f) => f.entry)).toEqual(['seq 17', 'seq 30']);
  });

  it('names a rewrite of history by the key holder: both heads signed, but the later one does not extend the earlier', () => {
    const honest = aLog(N, keys.privateKey);
    // the same log with record 15 changed, re-hashed and re-signed from size 16 on
    const rewritten = aLog(N, keys.privateKey, {
      records: (seq) => aStoredRecord(seq, seq === 15 ? { outcome: 'deny' } : {}),
    });
    const x = buildExport({
      province: 'sh',
      exportedAt: '2025-03-03T00:00:00.000Z',
      fromSeq: 0,
      toSeq: 9,
      publicKey: jwk,
      records: honest.records.slice(0, 10),
      heads: [...honest.heads.slice(0, 20), rewritten.heads[N - 1]!],
      tree: honest.tree,
    });
    const res = checkExport(
      tampered((y) => {
        // the rewritten latest head, with a proof computed over the rewritten tree
        y.proofs.consistency.at(-1)!.path = rewritten.tree.consistencyProof(20, N).map((b) => b.toString('hex'));
      }, x),
      keys.publicKey,
    );
    expect(res.failures).toHaveLength(1);
    expect(res.failures[0]).toMatchObject({ code: 'AUDIT.CONSISTENCY_INVALID', entry: `heads 20→${N}` });
  });

  it('names a fork: two signed heads of one size with different roots', () => {
    const fork = new MerkleTree();
    for (let s = 0; s < 32; s++) fork.append(recordLeaf(aStoredRecord(s, { code: 'X' }).fields));
    const res = checkExport(
      tampered((x) => void x.heads.push(aHead(fork, 32, keys.privateKey))),
      keys.publicKey,
    );
    expect(res.failures[0]).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', entry: 'head size 32' });
    expect(res.failures[0]!.reason).toContain('forked');
  });

  it("names a correctly signed head of another province's log", () => {
    const { tree } = aLog(N, keys.privateKey);
    const res = checkExport(
      tampered((x) => void Object.assign(headOf(x, 32), aHead(tree, 32, keys.privateKey, { province: 'zj' }))),
      keys.publicKey,
    );
    expect(res.failures[0]).toMatchObject({ code: 'AUDIT.HEAD_MISMATCH', entry: 'head size 32' });
  });

  it('fails every head when checked with a key other than the signer', () => {
    const res = checkExport(
      tampered(() => {}),
      other.publicKey,
    );
    expect(res.ok).toBe(false);
    expect(res.failures.every((f) => f.code === 'AUDIT.HEAD_SIGNATURE_INVALID')).toBe(true);
    expect(res.failures).toHaveLength(anExport().heads.length);
  });

  it('reports a document that is not an export at all', () => {
    for (const doc of [null, 42, 'x', [], {}]) {
      const res = checkExport(doc, keys.publicKey);
      expect(res.ok).toBe(false);
      expect(res.failures[0]?.code).toBe('AUDIT.EXPORT_MALFORMED');
    }
  });

  it('checks a 10,000-record export with a head per record in a few seconds', () => {
    const n = 10_000;
    const { records, heads, tree } = aLog(n, keys.privateKey);
    const x = buildExport({
      province: 'sh',
      exportedAt: '2025-03-03T00:00:00.000Z',
      fromSeq: 0,
      toSeq: n - 1,
      publicKey: jwk,
      records,
      heads,
      tree,
    });
    const res = checkExport(JSON.parse(JSON.stringify(x)), keys.publicKey);
    expect(res).toMatchObject({ ok: true, records: n, heads: n });
  }, 60_000);
});

describe('chooseKey', () => {
  const doc = anExport();
  const trustList = {
    sh: jwk,
    zj: { ...other.publicKey.export({ format: 'jwk' }), kid: 'zj-1' },
  };

  it("takes the export's province from a trust list, or a JWK as given", () => {
    const fromList = chooseKey(doc, trustList);
    expect(fromList).toMatchObject({ ok: true, trusted: true, kid: 'sh-1', differsFromExport: false });
    expect(chooseKey(doc, jwk)).toMatchObject({ ok: true, trusted: true });
  });

  it("falls back to the export's own key, marked untrusted", () => {
    expect(chooseKey(doc)).toMatchObject({ ok: true, trusted: false, kid: 'sh-1' });
  });

  it('notes when the trusted key is not the one inside the export', () => {
    expect(chooseKey(doc, trustList.zj)).toMatchObject({ ok: true, trusted: true, differsFromExport: true });
  });

  it('refuses a key file it cannot use', () => {
    expect(chooseKey(doc, { js: jwk })).toMatchObject({ ok: false });
    expect(chooseKey(doc, { kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' })).toMatchObject({ ok: false });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(chooseKey(doc, rsa)).toMatchObject({ ok: false });
    expect(chooseKey({ format: EXPORT_FORMAT })).toMatchObject({ ok: false });
  });
});

describe('reportLines', () => {
  it('says OK with the latest head when everything holds, and warns about a key from the file', () => {
    const key = chooseKey(anExport());
    if (!key.ok) throw new Error('key');
    const lines = reportLines(checkExport(anExport(), key.key), key, 'from the export');
    expect(lines[0]).toContain(`${EXPORT_FORMAT}, province sh, seq 0..39, 40 records, 40 heads`);
    expect(lines.join('\n')).toMatch(/WARNING: .*proves nothing by itself.*trust list/);
    expect(lines.at(-1)).toMatch(/^通过 OK: head size 40, root [0-9a-f]{64}$/);
  });

  it('lists each failing entry and names the first', () => {
    const key = chooseKey(anExport(), jwk);
    if (!key.ok) throw new Error('key');
    const res = checkExport(
      tampered((x) => {
        recordAt(x, 17).fields.outcome = 'deny';
        x.records.splice(18, 1);
      }),
      key.key,
    );
    const lines = reportLines(res, key, 'trusted, from trust.json');
    expect(lines).toContain(
      '✗ seq 17: 叶哈希与记录字段不符（记录被篡改） leaf hash does not match its fields (record altered) [AUDIT.RECORD_ALTERED]',
    );
    expect(lines.some((l) => l.startsWith('✗ seq 18: ') && l.includes('missing'))).toBe(true);
    expect(lines.at(-1)).toBe('未通过 FAILED: 2 处问题 problem(s); first: seq 17');
    expect(lines.join('\n')).not.toContain('WARNING');
  });
});
