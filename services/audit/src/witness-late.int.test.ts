/**
 * A witness that comes up after a province's last head: the province publishes that head again until
 * every other province has co-signed it, so a quiet log (no new head) still gets its co-signatures and
 * its exports can pass the quorum.
 */
import { createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cosignature } from './domain/index.js';
import { AuditPublisher, type RunningAudit, startAudit } from './index.js';
import { anExchangeEvent, until } from './test-events.js';

describe('a head signed before the witnesses were up', () => {
  let tb: Testbed;
  let sh: RunningAudit;

  beforeAll(async () => {
    tb = await createTestbed();
    sh = await tb.started(startAudit(await tb.deps('sh'), { trust: tb.trust, headEvery: 1 }));
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('is co-signed by a witness that starts later, with no new append', async () => {
    const pub = new AuditPublisher(await tb.connect('sh'), 'sh');
    await pub.ensure();
    for (let i = 0; i < 3; i++) await pub.publish(anExchangeEvent(i, {}, 'late'));
    await until(async () => (sh.log.size === 3 ? true : undefined), 'three records');
    const head = await sh.log.signHead();

    await tb.started(startAudit(await tb.deps('zj'), { trust: tb.trust, headEvery: 1 }));
    const cosigned = await until(
      async () => {
        const h = (await (await fetch(`${sh.httpUrl}/api/audit/v1/heads/latest`)).json()) as {
          size: number;
          cosignatures: Cosignature[];
        };
        return h.cosignatures.some((c) => c.witness === 'zj') ? h : undefined;
      },
      '浙江’s co-signature of the head signed before it started',
      20_000,
    );
    expect(cosigned.size).toBe(head.size);
    expect(sh.log.size).toBe(3);
  });
});
