/**
 * 谁用了我的数据 across provinces, on a real nats-server: a 上海 person asks 上海's audit service, which
 * asks 江苏 and 浙江 over the audit lanes. An exchange between 浙江 and 江苏 that named the person shows
 * as one line (both sides merged), an exchange 上海 asked for and was refused shows as refused, one
 * naming someone else never shows, and 安徽 (not running) is named as not having answered.
 */
import { type Principal, signToken } from '@yrd/auth';
import { request, subjects } from '@yrd/nats';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditModule, buildAudit } from './index.js';
import { anExchangeEvent } from './test-events.js';

const me = 'a1'.repeat(32);
const someoneElse = 'b2'.repeat(32);
const person = aPrincipal({ province: 'sh', sub: 'sh-subject-01', agency: '', roles: ['subject'], subjectRef: me });
const zjAgency = '11330000002482000X';
const shAgency = '11310000MB2F00000X';

interface Line {
  id: string;
  requestId: string;
  mode: string;
  outcome: string;
  code: string;
  items: string[];
  requesterProvince: string;
  requesterAgency: string;
  providerProvince: string;
  recordedBy: string[];
  consentId: string;
}

/** One side of an exchange, as the province `at` records it. */
const side = (
  at: Province,
  i: number,
  o: Partial<auditV1.AuditEvent> & Pick<auditV1.AuditEvent, 'requestId' | 'requesterProvince' | 'providerProvince'>,
): auditV1.AuditEvent =>
  anExchangeEvent(
    i,
    {
      province: at,
      kind: at === o.requesterProvince ? 'exchange.query.requested' : 'exchange.query.served',
      subjectRef: me,
      subjectRefKeyId: 'rk-1',
      ...o,
    },
    `du-${at}`,
  );

describe('who used my data: every province asked, both sides of an exchange one line', () => {
  let tb: Testbed;
  const audits = new Map<Province, AuditModule>();
  const mine = async (query = '') => {
    const sh = audits.get('sh') as AuditModule;
    const res = await sh.http.inject({
      method: 'GET',
      url: `/api/audit/v1/my/data-use${query}`,
      headers: { authorization: `Bearer ${await tb.token(person)}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return {
      body: res.json() as { uses: Line[]; next?: string; provinces: string[]; incomplete: string[] },
      raw: res.body,
    };
  };

  beforeAll(async () => {
    tb = await createTestbed();
    for (const p of ['sh', 'js', 'zj'] as const) {
      const m = await buildAudit(await tb.deps(p), { headEvery: 1, verifyEveryMs: 0 });
      tb.defer(() => m.http.close());
      // ready: the lane is answered (nothing else runs in the background)
      await m.http.ready();
      audits.set(p, m);
    }
    const append = (p: Province, e: auditV1.AuditEvent) => (audits.get(p) as AuditModule).log.append(e);
    // 浙江 asked 江苏 about the person: each keeps its side
    const zjJs = { requestId: 'zj-req-7', requesterProvince: 'zj', providerProvince: 'js' };
    await append('zj', side('zj', 1, { ...zjJs, actorAgency: zjAgency, items: ['contribution_months'] }));
    await append('js', side('js', 1, { ...zjJs, actorAgency: zjAgency, items: ['contribution_months'] }));
    // 上海 asked 浙江 to verify, and 浙江 refused (no consent): both sides say so
    const shZj = {
      requestId: 'sh-req-3',
      requesterProvince: 'sh',
      providerProvince: 'zj',
      kind: 'exchange.verify.requested',
      outcome: 'deny',
      code: 'CONSENT.CONSENT_REQUIRED',
      actorAgency: shAgency,
      items: ['person_name'],
      occurredAt: '2026-03-01T02:00:00.000Z',
    };
    await append('sh', side('sh', 2, shZj));
    await append('zj', side('zj', 2, { ...shZj, kind: 'exchange.verify.served' }));
    // someone else's exchange, and the person's own consent (not an exchange)
    await append('zj', side('zj', 3, { ...zjJs, requestId: 'zj-req-8', subjectRef: someoneElse }));
    await append('sh', side('sh', 4, { ...zjJs, requestId: '', kind: 'consent.consent.given' }));
  });
  afterAll(() => tb?.close());

  it('lists each exchange naming the person once, newest first, and names the province that did not answer', async () => {
    const { body, raw } = await mine();
    expect(body.provinces).toEqual(['sh', 'js', 'zj']);
    expect(body.incomplete).toEqual(['ah']);
    expect(body.uses.map((l) => l.id)).toEqual(['sh:sh-req-3', 'zj:zj-req-7']);
    const [refused, used] = body.uses as [Line, Line];
    expect(used).toMatchObject({
      mode: 'query',
      outcome: 'allowed',
      code: '',
      requesterProvince: 'zj',
      requesterAgency: zjAgency,
      providerProvince: 'js',
      items: ['contribution_months'],
      recordedBy: ['js', 'zj'],
    });
    expect(refused).toMatchObject({
      mode: 'verify',
      outcome: 'refused',
      code: 'CONSENT.CONSENT_REQUIRED',
      items: ['person_name'],
      recordedBy: ['sh', 'zj'],
    });
    // no one's reference, no officer, in the answer
    expect(raw).not.toContain(someoneElse);
    expect(raw).not.toContain(me);
    expect(raw).not.toContain('actorUser');
    expect(raw).not.toContain('zj-req-8');
  });

  it('pages with the cursor it gave, and filters by time', async () => {
    const first = await mine('?limit=1');
    expect(first.body.uses.map((l) => l.id)).toEqual(['sh:sh-req-3']);
    expect(first.body.next).toBeDefined();
    const second = await mine(`?limit=1&after=${encodeURIComponent(first.body.next ?? '')}`);
    expect(second.body.uses.map((l) => l.id)).toEqual(['zj:zj-req-7']);
    expect(second.body.next).toBeUndefined();
    const march = await mine(`?from=${encodeURIComponent('2026-03-01T00:00:00Z')}`);
    expect(march.body.uses.map((l) => l.id)).toEqual(['sh:sh-req-3']);
  });

  it('shows nothing to a person no exchange named', async () => {
    const sh = audits.get('sh') as AuditModule;
    const nobody = aPrincipal({ ...person, sub: 'sh-subject-02', subjectRef: 'c3'.repeat(32) });
    const res = await sh.http.inject({
      method: 'GET',
      url: '/api/audit/v1/my/data-use',
      headers: { authorization: `Bearer ${await tb.token(nobody)}` },
    });
    expect(res.json()).toMatchObject({ uses: [], incomplete: ['ah'] });
  });

  describe('the lane answers only for a data subject the asking province signed for it', () => {
    const ask = async (signer: Province, who: Principal, audience: string) => {
      const nc = await tb.connect('sh');
      const token = await signToken(tb.key(signer), who, { audience, ttlSeconds: 60 });
      return request(
        nc,
        subjects.lane('zj', 'sh', 'audit', 'subject.uses'),
        new TextEncoder().encode(JSON.stringify({ token })),
        {
          timeoutMs: 3000,
          unavailableCode: 'TEST.NO_ANSWER',
        },
      );
    };
    it.each([
      ['an officer, not a data subject', aPrincipal({ province: 'sh', roles: ['auditor'] }), 'AUTH.ROLE_REQUIRED'],
      ['a token made for another province', person, 'AUTH.TOKEN_INVALID', 'yrd:audit:subject-uses:js'],
      ['a token signed by another province', { ...person, province: 'js' as const }, 'AUTH.WRONG_PROVINCE'],
    ])('refuses %s', async (_what, who, code, audience = 'yrd:audit:subject-uses:zj') => {
      await expect(ask(who.province, who, audience)).rejects.toMatchObject({ code });
    });
    it('answers the person’s own records, without their reference', async () => {
      const out = JSON.parse(new TextDecoder().decode(await ask('sh', person, 'yrd:audit:subject-uses:zj')));
      expect(out.records.map((r: { requestId: string }) => r.requestId).sort()).toEqual(['sh-req-3', 'zj-req-7']);
      expect(JSON.stringify(out)).not.toContain(me);
    });
  });
});
