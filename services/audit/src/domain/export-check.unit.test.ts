import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuditExport, buildExport, EXPORT_FORMAT, EXPORT_FORMAT_V1, endAtWitnessedHead } from './export.js';
import { checkExport, chooseTrust, type ExportCheck, verdict } from './export-check.js';
import { anExportOf, aProvinceLog, aRegion, cosigned, type Region } from './export-test-builders.js';
import { MerkleTree } from './merkle.js';
import { recordLeaf } from './record.js';
import { aHead, aLog, aStoredRecord } from './test-builders.js';
import { signTreeHead } from './tree-head.js';
import { cosign } from './witness.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: 'sh-1' } as JsonWebKey;
const ownKeys = [{ kid: 'sh-1', jwk }];
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
    keys: ownKeys,
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
    expect(x.keys).toEqual(ownKeys);
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
      keys: ownKeys,
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
      // the proof names the leaf the log's tree holds, which the signed head commits to
      'a field changed together with its leaf hash',
      (x) => {
        const r = recordAt(x, 17);
        r.fields.outcome = 'deny';
        r.leafHash = recordLeaf(r.fields).toString('hex');
      },
      { code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17' },
    ],
    [
      "a field changed together with its leaf hash and the proof's leaf",
      (x) => {
        const r = recordAt(x, 17);
        r.fields.outcome = 'deny';
        r.leafHash = recordLeaf(r.fields).toString('hex');
        x.proofs.inclusion.find((p) => p.seq === 17)!.leafHash = r.leafHash;
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
      keys: ownKeys,
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
      tampered((x) => void x.heads.push({ ...aHead(fork, 32, keys.privateKey), cosignatures: [] })),
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
      keys: ownKeys,
      records,
      heads,
      tree,
    });
    const res = checkExport(JSON.parse(JSON.stringify(x)), keys.publicKey);
    expect(res).toMatchObject({ ok: true, records: n, heads: n });
  }, 60_000);
});

describe('an export of a record edited in the database together with its leaf hash', () => {
  // What the service exports after `update audit.records set fields = …, leaf_hash = …` on one row:
  // the proofs and their leaves come from the log's tree, which holds what was appended.
  it.each([1, 7, 16, 64])('names that record, and only it (a head every %i appends)', (headEvery) => {
    const region = aRegion();
    const log = aProvinceLog(region, N, { headEvery });
    const forged = aStoredRecord(17, { outcome: 'deny' });
    const edited = { ...log, records: log.records.map((r) => (r.seq === 17 ? forged : r)) };
    const doc = JSON.parse(JSON.stringify(anExportOf(region, edited)));
    const trust = chooseTrust(doc, { anchors: region.anchors });
    if (!trust.ok) throw new Error(trust.reason);
    const res = checkExport(doc, trust.trust);
    expect(res.failures).toEqual([
      expect.objectContaining({ code: 'AUDIT.RECORD_ALTERED', entry: 'seq 17', seq: 17, eventId: 'evt-17' }),
    ]);
    expect(res.failures[0]!.reason).toContain(log.tree.leaf(17).toString('hex'));
  });
});

describe('co-signatures, with the trust list', () => {
  const region = aRegion();
  const trustOf = (r: Region, doc: unknown) => {
    const c = chooseTrust(doc, { anchors: r.anchors });
    if (!c.ok) throw new Error(c.reason);
    return c;
  };
  const check = (doc: unknown, r: Region = region): ExportCheck =>
    checkExport(JSON.parse(JSON.stringify(doc)), trustOf(r, doc).trust);
  const honest = aProvinceLog(region, N, { headEvery: 8 });

  it('passes an honest export whose heads the other three provinces co-signed', () => {
    const res = check(anExportOf(region, honest));
    expect(res.failures).toEqual([]);
    expect(res.witnessed).toEqual({ headSize: N, witnesses: ['ah', 'js', 'zj'], quorum: 2 });
  });

  it('fails the export of a province that rewrote one record and re-signed every head with its own key, naming the head', () => {
    // 上海 changes record 15, rebuilds its tree and signs every head again with its own, valid key
    const rewritten = aProvinceLog(region, N, {
      headEvery: 8,
      records: (seq) => aStoredRecord(seq, seq === 15 ? { outcome: 'deny' } : {}),
    });
    // the witnesses co-signed the heads they saw: the honest ones; the rewritten heads have none
    const bare = check(anExportOf(region, rewritten, { cosignedBy: [] }));
    expect(bare.ok).toBe(false);
    expect(bare.failures).toEqual([
      expect.objectContaining({ code: 'AUDIT.COSIGNATURES_MISSING', entry: `head size ${N}`, headSize: N }),
    ]);
    expect(bare.failures[0]!.reason).toContain('co-signed by 0 other provinces, 2 needed');
    // the honest heads' co-signatures copied onto the rewritten heads do not cover them
    const copied = anExportOf(region, rewritten, { cosignedBy: [] });
    const old = cosigned(region, honest.heads);
    for (const h of copied.heads) h.cosignatures = old.find((o) => o.size === h.size)!.cosignatures;
    const res = check(copied);
    expect(res.ok).toBe(false);
    expect(res.failures.filter((f) => f.code === 'AUDIT.COSIGNATURE_INVALID').map((f) => [f.entry, f.witness])).toEqual(
      expect.arrayContaining([
        ['head size 16', 'js'],
        [`head size ${N}`, 'ah'],
      ]),
    );
    expect(res.failures.at(-1)).toMatchObject({ code: 'AUDIT.COSIGNATURES_MISSING', entry: `head size ${N}` });
    // heads up to 15 are the honest ones: their co-signatures still hold
    expect(res.failures.some((f) => f.entry === 'head size 8')).toBe(false);
  });

  it('needs the quorum on the largest head: one witness of two needed is not enough', () => {
    const res = check(anExportOf(region, honest, { cosignedBy: ['zj'] }));
    expect(res.failures).toEqual([
      expect.objectContaining({ code: 'AUDIT.COSIGNATURES_MISSING', entry: `head size ${N}` }),
    ]);
    expect(res.failures[0]!.reason).toContain('co-signed by 1 other province (zj), 2 needed');
    expect(check(anExportOf(region, honest, { cosignedBy: ['zj', 'ah'] })).ok).toBe(true);
    // a trust list that asks for none
    const none = { ...region, anchors: { ...region.anchors, cosignatureQuorum: 0 } };
    expect(check(anExportOf(none, honest, { cosignedBy: [] }), none).ok).toBe(true);
  });

  it("counts one co-signature per witness, and never the head's own province", () => {
    const x = anExportOf(region, honest, { cosignedBy: ['zj'] });
    const last = x.heads.at(-1)!;
    last.cosignatures.push(
      cosign('zj', last, region.keys.zj.privateKey, 'zj-1', new Date('2025-03-05T00:00:00Z')),
      cosign('sh', last, region.keys.sh.privateKey, 'sh-1', new Date('2025-03-05T00:00:00Z')),
    );
    const res = check(x);
    expect(res.witnessed).toMatchObject({ witnesses: ['zj'] });
    expect(res.failures.map((f) => f.code)).toEqual(['AUDIT.COSIGNATURES_MISSING']);
  });

  it('names a co-signature that does not verify: a forged signature, a key the trust list lacks, another witness', () => {
    const cases: [string, (x: AuditExport) => void, string][] = [
      [
        'signature',
        (x) => {
          const c = x.heads[2]!.cosignatures[0]!;
          c.signature = x.heads[3]!.cosignatures[0]!.signature;
        },
        'signature invalid',
      ],
      [
        'key',
        (x) => {
          x.heads[2]!.cosignatures[0]!.keyId = 'js-9';
        },
        'witness key js-9 is not in the trust list',
      ],
      [
        'witness',
        (x) => {
          // zj's key id too: the co-signature is js's, not zj's
          Object.assign(x.heads[2]!.cosignatures[0]!, { witness: 'zj', keyId: 'zj-1' });
        },
        'signature invalid',
      ],
      [
        'time',
        (x) => {
          x.heads[2]!.cosignatures[0]!.time += 1;
        },
        'signature invalid',
      ],
    ];
    for (const [what, edit, why] of cases) {
      const x = anExportOf(region, honest);
      edit(x);
      const res = check(x);
      expect(res.failures, what).toHaveLength(1);
      expect(res.failures[0], what).toMatchObject({ code: 'AUDIT.COSIGNATURE_INVALID', entry: 'head size 24' });
      expect(res.failures[0]!.reason, what).toContain(why);
    }
  });

  it('checks each head with the key its key id names, valid at its time', () => {
    // 上海 rotated to sh-2 at 2025-03-02T00:00:20Z: heads from then on are signed with it
    const sh2 = generateKeyPairSync('ed25519');
    const rotation = '2025-03-02T00:00:20.000Z';
    const rotated = structuredClone(region.anchors);
    rotated.provinces.sh.keys = [
      { ...rotated.provinces.sh.keys[0]!, validUntil: rotation },
      { kid: 'sh-2', jwk: sh2.publicKey.export({ format: 'jwk' }) as JsonWebKey, validFrom: rotation },
    ];
    const r2 = { ...region, anchors: rotated };
    const log = aProvinceLog(region, N, { headEvery: 8 });
    log.heads = log.heads.map((h) =>
      Date.parse(h.timestamp) >= Date.parse(rotation) ? signTreeHead(h, sh2.privateKey, 'sh-2') : h,
    );
    expect(check(anExportOf(r2, log), r2).failures).toEqual([]);
    // sh-1 no longer signs heads after the rotation: a stolen retired key cannot make a new head
    const late = aProvinceLog(region, N, { headEvery: 8 });
    const res = check(anExportOf(r2, late), r2);
    expect(res.failures[0]).toMatchObject({ code: 'AUDIT.HEAD_SIGNATURE_INVALID', entry: 'head size 24' });
    expect(res.failures[0]!.reason).toContain('key sh-1, which the trust list does not hold');
  });
});

describe('an export of version 1 (no co-signatures, one publicKey)', () => {
  const region = aRegion();
  const v1 = (): unknown => {
    const x = JSON.parse(JSON.stringify(anExportOf(region, aProvinceLog(region, N, { headEvery: 8 })))) as Record<
      string,
      unknown
    > &
      AuditExport;
    const { keys: _keys, ...rest } = x;
    return {
      ...rest,
      format: EXPORT_FORMAT_V1,
      publicKey: { ...region.jwk('sh'), kid: 'sh-1' },
      heads: x.heads.map(({ cosignatures: _c, ...h }) => h),
      proofs: { ...x.proofs, inclusion: x.proofs.inclusion.map(({ leafHash: _l, ...p }) => p) },
    };
  };

  it('still checks, with its own key or one JWK; with the trust list it lacks the co-signatures', () => {
    const doc = v1();
    const own = chooseTrust(doc);
    if (!own.ok) throw new Error(own.reason);
    expect(checkExport(doc, own.trust).failures).toEqual([]);
    expect(checkExport(doc, region.keys.sh.publicKey).ok).toBe(true);
    const listed = chooseTrust(doc, { anchors: region.anchors });
    if (!listed.ok) throw new Error(listed.reason);
    expect(checkExport(doc, listed.trust).failures.map((f) => f.code)).toEqual(['AUDIT.COSIGNATURES_MISSING']);
  });
});

describe('endAtWitnessedHead', () => {
  const region = aRegion();
  const log = aProvinceLog(region, N, { headEvery: 8 });
  const sizes = (hs: readonly { size: number }[]) => hs.map((h) => h.size);

  it('ends at the largest head covering the range that a quorum co-signed', () => {
    const heads = [...cosigned(region, log.heads.slice(0, 3)), ...cosigned(region, log.heads.slice(3), ['zj'])];
    // heads 8..40; 24 is the last with two witnesses
    expect(sizes(endAtWitnessedHead(heads, 9, 2))).toEqual([8, 16, 24]);
    expect(sizes(endAtWitnessedHead(heads, 9, 1))).toEqual([8, 16, 24, 32, 40]);
  });

  it('keeps every head when none covering the range has the quorum (the verifier names the last)', () => {
    const heads = [...cosigned(region, log.heads.slice(0, 3)), ...cosigned(region, log.heads.slice(3), [])];
    expect(sizes(endAtWitnessedHead(heads, 30, 2))).toEqual([8, 16, 24, 32, 40]);
  });
});

describe('chooseTrust', () => {
  const region = aRegion();
  const doc = anExportOf(region, aProvinceLog(region, 8));

  it('takes heads and witnesses from the trust list, the export’s province’s keys by key id', () => {
    const c = chooseTrust(doc, { anchors: region.anchors });
    expect(c).toMatchObject({ ok: true, source: 'trust-list', differsFromExport: false });
    if (!c.ok) throw new Error(c.reason);
    expect(c.trust.witnesses?.quorum).toBe(2);
    expect(c.trust.headKey(doc.heads[0]!)?.equals(region.keys.sh.publicKey)).toBe(true);
    expect(c.trust.headKey({ ...doc.heads[0]!, keyId: 'sh-2' })).toBeUndefined();
  });

  it('takes one JWK as given (no witnesses), or the export’s own keys, marked as such', () => {
    expect(chooseTrust(doc, { jwk: { ...region.jwk('sh'), kid: 'sh-1' } })).toMatchObject({
      ok: true,
      source: 'key',
      kid: 'sh-1',
      differsFromExport: false,
    });
    expect(chooseTrust(doc)).toMatchObject({ ok: true, source: 'export' });
    expect(chooseTrust(doc, { jwk: region.jwk('zj') as Record<string, unknown> })).toMatchObject({
      differsFromExport: true,
    });
  });

  it('notes when the trust list holds other keys than the export’s copy', () => {
    const other = aRegion();
    expect(chooseTrust(doc, { anchors: other.anchors })).toMatchObject({ ok: true, differsFromExport: true });
  });

  it('refuses what it cannot use', () => {
    expect(chooseTrust(doc, { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' } })).toMatchObject({ ok: false });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(chooseTrust(doc, { jwk: rsa as Record<string, unknown> })).toMatchObject({ ok: false });
    expect(chooseTrust({ format: EXPORT_FORMAT })).toMatchObject({ ok: false });
    expect(chooseTrust({ ...doc, province: 'hb' }, { anchors: region.anchors })).toMatchObject({ ok: false });
  });
});

describe('verdict', () => {
  const region = aRegion();
  const doc = JSON.parse(JSON.stringify(anExportOf(region, aProvinceLog(region, N, { headEvery: 8 }))));
  const run = (given: Parameters<typeof chooseTrust>[1], noWitnesses = false, d: unknown = doc) => {
    const c = chooseTrust(d, given);
    if (!c.ok) throw new Error(c.reason);
    return verdict(checkExport(d, c.trust), c, 'trusted, from trust.json', { noWitnesses });
  };

  it('passes with the trust list, naming the witnesses of the largest head', () => {
    const { pass, lines } = run({ anchors: region.anchors });
    expect(pass).toBe(true);
    expect(lines[0]).toContain(`${EXPORT_FORMAT}, province sh, seq 0..39, 40 records, 5 heads`);
    expect(lines).toContain(
      '✓ 树头 head size 40 由 3 个其他省见证（须 2 个） co-signed by 3 other provinces (ah, js, zj), 2 needed',
    );
    expect(lines.at(-1)).toMatch(/^通过 OK: head size 40, root [0-9a-f]{64}$/);
    expect(lines.join('\n')).not.toMatch(/WARNING|✗/);
  });

  it('fails without the trust list unless --no-witnesses, and says why', () => {
    for (const given of [{ jwk: region.jwk('sh') as Record<string, unknown> }, undefined]) {
      const strict = run(given);
      expect(strict.pass).toBe(false);
      expect(strict.lines.join('\n')).toContain('✗ 见证签名无法校验');
      expect(strict.lines.at(-1)).toBe('未通过 FAILED: 见证签名未校验 co-signatures not checked');
      const lax = run(given, true);
      expect(lax.pass).toBe(true);
      expect(lax.lines.join('\n')).toContain('--no-witnesses: not required');
      expect(lax.lines.at(-1)).toMatch(/^通过 OK: /);
    }
    expect(run(undefined, true).lines.join('\n')).toMatch(/WARNING: .*proves nothing by itself.*trust list/);
  });

  it('lists each failing entry and names the first', () => {
    const edited = JSON.parse(JSON.stringify(doc)) as AuditExport;
    edited.records[17]!.fields.outcome = 'deny';
    edited.records.splice(18, 1);
    const { pass, lines } = run({ anchors: region.anchors }, false, edited);
    expect(pass).toBe(false);
    expect(lines).toContain(
      '✗ seq 17: 叶哈希与记录字段不符（记录被篡改） leaf hash does not match its fields (record altered) [AUDIT.RECORD_ALTERED]',
    );
    expect(lines.some((l) => l.startsWith('✗ seq 18: ') && l.includes('missing'))).toBe(true);
    expect(lines.at(-1)).toBe('未通过 FAILED: 2 处问题 problem(s); first: seq 17');
  });
});
