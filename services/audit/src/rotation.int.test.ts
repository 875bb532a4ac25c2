/**
 * A province rotates its head-signing key: the trust list keeps the old key with a `validUntil` and adds
 * the new one. Heads signed before keep verifying under the old key, new heads name the new key, the
 * whole log still verifies, and the public trust list shows both. A head the old key signs after it was
 * retired is refused.
 */
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { anchorsFrom, loadProvinceKey, type TrustAnchors } from '@yrd/auth';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedTreeHead, signTreeHead } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';
import { anExchangeEvent, until } from './test-events.js';

const event = (i: number) => anExchangeEvent(i, {}, 'rot');

describe('rotating a province’s head-signing key', () => {
  let tb: Testbed;
  let db: DatabaseHandle;
  let audit: RunningAudit | undefined;
  const auditor = aPrincipal({ province: 'sh', sub: 'sh-auditor', roles: ['auditor'] });
  const second = generateKeyPairSync('ed25519');
  const secondJwk = { ...second.privateKey.export({ format: 'jwk' }), kid: 'sh-2' } as JsonWebKey;
  let rotatedAt: string;
  let rotated: TrustAnchors;

  const appendAndWait = async (from: number, to: number) => {
    const pub = new AuditPublisher(await tb.connect('sh'), 'sh');
    await pub.ensure();
    for (let i = from; i < to; i++) await pub.publish(event(i));
    return until(async () => (audit && audit.log.size === to ? audit.log.signHead() : undefined), `size ${to}`);
  };

  beforeAll(async () => {
    tb = await createTestbed();
    db = await openDatabase();
    tb.defer(() => db.close());
  });
  afterAll(async () => {
    await audit?.stop();
    await tb?.close();
  });

  it('signs with the old key, then with the new one, and the whole log verifies under the trust list', async () => {
    const before = anchorsFrom(tb.trust, '2020-01-01T00:00:00.000Z');
    audit = await startAudit(await tb.deps('sh', { db }), { trust: before, headEvery: 1 });
    const old = await appendAndWait(0, 4);
    expect(old.keyId).toBe('sh-1');
    await audit.stop();

    rotatedAt = new Date().toISOString();
    rotated = structuredClone(before);
    const sh = rotated.provinces.sh.keys;
    sh[0] = { ...sh[0]!, validUntil: rotatedAt };
    const { d: _d, ...publicJwk } = secondJwk as JsonWebKey & { d: string };
    sh.push({ kid: 'sh-2', jwk: publicJwk, validFrom: rotatedAt });
    audit = await startAudit(
      { ...(await tb.deps('sh', { db })), key: loadProvinceKey('sh', secondJwk) },
      {
        trust: rotated,
        headEvery: 1,
      },
    );
    const fresh = await appendAndWait(4, 8);
    expect(fresh.keyId).toBe('sh-2');

    const verified = (await tb.http(audit.httpUrl, auditor, 'GET', '/api/audit/v1/verify')).body;
    expect(verified).toMatchObject({ ok: true, size: 8 });

    // the public list shows both keys; the old head is still served and signed by the old key
    const list = (await (await fetch(`${audit.httpUrl}/api/audit/v1/trust-list`)).json()) as {
      provinces: { sh: { keys: { kid: string; status: string; validUntil?: string }[] } };
    };
    expect(list.provinces.sh.keys.map((k) => [k.kid, k.status])).toEqual([
      ['sh-1', 'retired'],
      ['sh-2', 'current'],
    ]);
    const oldHead = (await (await fetch(`${audit.httpUrl}/api/audit/v1/heads/${old.size}`)).json()) as SignedTreeHead;
    expect(oldHead).toMatchObject({ keyId: 'sh-1', rootHash: old.rootHash });
  });

  it('a head the retired key signs after its validUntil does not verify', async () => {
    const running = audit!;
    const earlier = (await running.log.headOf(4))!;
    // someone holding the retired key re-signs an old head with a time after its retirement, as a
    // rewrite of the past would need
    const forged = signTreeHead(
      { province: 'sh', size: earlier.size, rootHash: earlier.rootHash, timestamp: new Date().toISOString() },
      tb.key('sh').privateKey,
      'sh-1',
    );
    expect(Date.parse(forged.timestamp)).toBeGreaterThan(Date.parse(rotatedAt));
    await db.db.execute(sql`
      update audit.tree_heads set ts = ${forged.timestamp}, signature = ${forged.signature},
        doc = ${JSON.stringify(forged)}::jsonb where size = ${forged.size}`);
    const verified = (await tb.http(running.httpUrl, auditor, 'GET', '/api/audit/v1/verify')).body;
    expect(verified).toMatchObject({ ok: false, failure: { code: 'AUDIT.HEAD_SIGNATURE_INVALID' } });
    expect(String(verified.failure.entry)).toBe(`head size ${forged.size}`);
  });
});
