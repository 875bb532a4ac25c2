/**
 * An export carries the witnesses' co-signatures (real audit services on a real nats-server): with one
 * witness of the two the trust list asks for, 上海's export waits briefly for more, then ends at its
 * latest head, which the offline check names; once two provinces witness it, the export ends at a head
 * both co-signed and passes the check with the trust list.
 */
import { parseTrustAnchors } from '@yrd/auth';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditExport, checkExport, chooseTrust } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';
import { anExchangeEvent, until } from './test-events.js';

const event = (i: number) => anExchangeEvent(i, {}, 'x');

describe('an export carries the co-signatures of its heads', () => {
  let tb: Testbed;
  let sh: RunningAudit;
  let pub: AuditPublisher;
  const auditor = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
  const exported = async () => {
    const r = await tb.http(sh.httpUrl, auditor, 'GET', '/api/audit/v1/export');
    expect(r.status).toBe(200);
    return r.body as AuditExport;
  };
  const checked = (doc: AuditExport) => {
    const trust = chooseTrust(doc, { anchors: parseTrustAnchors(tb.trust) });
    if (!trust.ok) throw new Error(trust.reason);
    return checkExport(JSON.parse(JSON.stringify(doc)), trust.trust);
  };
  const latestWitnesses = async (size: number) =>
    until(async () => {
      const h = (await (await fetch(`${sh.httpUrl}/api/audit/v1/heads/latest`)).json()) as {
        size: number;
        cosignatures: { witness: string }[];
      };
      return h.size === size && h.cosignatures.length > 0 ? h.cosignatures.map((c) => c.witness).sort() : undefined;
    }, `co-signatures of 上海's head of size ${size}`);

  beforeAll(async () => {
    tb = await createTestbed();
    const opts = { trust: tb.trust, headEvery: 1, headIntervalMs: 100 };
    await tb.started(startAudit(await tb.deps('zj'), opts));
    sh = await tb.started(startAudit(await tb.deps('sh'), opts));
    pub = new AuditPublisher((await tb.deps('sh')).nc, 'sh');
    await pub.ensure();
  });
  afterAll(() => tb?.close());

  it('with one witness of two needed: waits a few seconds, then ends at the latest head, which the check names', async () => {
    for (let i = 0; i < 4; i++) await pub.publish(event(i));
    expect(await latestWitnesses(4)).toEqual(['zj']);
    const started = Date.now();
    const doc = await exported();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(doc.format).toBe('yrd-audit-export/2');
    const last = doc.heads.at(-1)!;
    expect(last.size).toBe(4);
    expect(last.cosignatures.map((c) => c.witness)).toEqual(['zj']);
    const res = checked(doc);
    expect(res.failures).toEqual([
      expect.objectContaining({ code: 'AUDIT.COSIGNATURES_MISSING', entry: 'head size 4' }),
    ]);
  });

  it('with two witnesses: ends at a head both co-signed, which passes with the trust list', async () => {
    await tb.started(startAudit(await tb.deps('js'), { trust: tb.trust, headEvery: 1, headIntervalMs: 100 }));
    for (let i = 4; i < 8; i++) await pub.publish(event(i));
    await until(async () => ((await latestWitnesses(8)).length >= 2 ? true : undefined), 'two co-signatures');
    const doc = await exported();
    const last = doc.heads.at(-1)!;
    expect(last.size).toBe(8);
    expect(last.cosignatures.map((c) => c.witness).sort()).toEqual(['js', 'zj']);
    const res = checked(doc);
    expect(res.failures).toEqual([]);
    expect(res.witnessed).toEqual({ headSize: 8, witnesses: ['js', 'zj'], quorum: 2 });
    // every head of the export carries only co-signatures over exactly it
    for (const h of doc.heads)
      for (const c of h.cosignatures) expect([c.size, c.rootHash]).toEqual([h.size, h.rootHash]);
  });
});
