import { audiences, generateProvinceKey, loadProvinceKey, type Principal, signToken } from '@yrd/auth';
import { type NatsConnection, request, subjects } from '@yrd/nats';
import { consentV1, exchangeV1, startGrpcServer, unary } from '@yrd/proto';
import { aPrincipal, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchange, startExchange } from './index.js';

const resourceId = 'zj.330000-SCJG-00001';
const creditCode = '91330106MA2H7K3L1X';
const record = {
  credit_code: creditCode,
  company_name: '杭州云栖智造科技有限公司',
  legal_representative: '周明远',
  legal_id_number: '330106198001011234',
  phone: '13812345678',
  address: '浙江省杭州市西湖区文三路100号',
};
const granted = ['credit_code', 'company_name', 'legal_representative', 'legal_id_number', 'phone'];
const profiles: Record<string, string> = { legal_representative: 'name', legal_id_number: 'id_number', phone: 'phone' };

const requester = aPrincipal({ province: 'sh', sub: 'sh-user-1', name: '沪 审批员' });

describe('exchange between 上海 (requester) and 浙江 (provider)', () => {
  let tb: Testbed;
  let sh: RunningExchange;
  let zj: RunningExchange | undefined;
  let shNc: NatsConnection;
  let zjNc: NatsConnection;
  const authorizeCalls: consentV1.AuthorizeRequest[] = [];

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    tb.http(sh.httpUrl, requester, 'POST', path, body, headers);

  beforeAll(async () => {
    tb = await createTestbed();

    // a fake consent service for 浙江: allows grants g-ok and g-rate (2 a minute), denies everything else
    const consent = await startGrpcServer(
      (s) => {
        const impl: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
            authorizeCalls.push(req);
            if (req.grantId !== 'g-ok' && req.grantId !== 'g-rate') {
              return consentV1.AuthorizeResponse.fromPartial({
                allow: false,
                denialCode: 'CONSENT.NO_GRANT',
                reasons: [{ ruleId: 'grant.required', code: 'CONSENT.NO_GRANT', message: '无有效授权 no valid grant' }],
              });
            }
            const items = req.items.length > 0 ? req.items.filter((i) => granted.includes(i)) : granted;
            return consentV1.AuthorizeResponse.fromPartial({
              allow: true,
              allowedItems: items,
              masking: items.map((item) => ({ item, profile: profiles[item] ?? 'none' })),
              grantId: req.grantId,
              ratePerMinute: req.grantId === 'g-rate' ? 2 : 0,
            });
          }),
        };
        s.addService(consentV1.ConsentServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
    );
    tb.defer(() => consent.stop());

    // only 浙江's exchange asks a consent service; 上海's address leads nowhere
    const zjDeps = await tb.deps('zj', { grpcAddress: { consent: `127.0.0.1:${consent.port}` } });
    const shDeps = await tb.deps('sh', { grpcAddress: { consent: '127.0.0.1:1' } });
    zjNc = zjDeps.nc;
    shNc = shDeps.nc;
    zj = await startExchange(zjDeps, {
      datasets: [
        {
          resourceId,
          keyItems: ['credit_code'],
          records: [record, { ...record, credit_code: '91330106MA2H7K3L2Y', company_name: '别家公司' }],
        },
      ],
    });
    tb.defer(async () => zj?.stop());
    sh = await tb.started(startExchange(shDeps, {}));
  });

  afterAll(() => tb?.close());

  it('a query with a grant returns masked records with only the granted items', async () => {
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-q1' },
    );
    expect(res.status).toBe(200);
    const body = res.body as {
      requestId: string;
      provider: string;
      items: string[];
      masking: Record<string, string>;
      records: Record<string, string>[];
    };
    expect(body.requestId).toBe('req-q1');
    expect(body.provider).toBe('zj');
    expect(body.items.sort()).toEqual([...granted].sort());
    expect(body.masking).toMatchObject({ legal_id_number: 'id_number', legal_representative: 'name', phone: 'phone' });
    expect(body.records).toEqual([
      {
        credit_code: creditCode,
        company_name: '杭州云栖智造科技有限公司',
        legal_representative: '周**',
        legal_id_number: '330***********1234',
        phone: '138****5678',
      },
    ]);
    // the provider asked its consent service about the requester the lane and token named
    const last = authorizeCalls.at(-1);
    expect(last?.requester).toMatchObject({ userId: 'sh-user-1', province: 'sh', agencyCode: requester.agency });
    expect(last?.subjectRef).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a query without a grant is refused with the consent code as problem+json', async () => {
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode } },
      { 'x-request-id': 'req-deny1' },
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = res.body as { code: string; reasons?: { code: string }[]; requestId: string };
    expect(p.code).toBe('CONSENT.NO_GRANT');
    expect(p.reasons?.[0]?.code).toBe('CONSENT.NO_GRANT');
    expect(p.requestId).toBe('req-deny1');
  });

  it('a verification returns per-item booleans and no data', async () => {
    const res = await post('/api/exchange/v1/verifications', {
      resourceId,
      purpose: '营业执照核验',
      key: { credit_code: creditCode },
      claims: { company_name: '杭州云栖智造科技有限公司', legal_representative: '李四' },
      grantId: 'g-ok',
    });
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body.results).toEqual({ company_name: true, legal_representative: false });
    expect(Object.keys(body).sort()).toEqual(['requestId', 'results']);
    expect(JSON.stringify(body)).not.toContain('周明远');
  });

  it('a verification of an item that is not granted is refused', async () => {
    const res = await post('/api/exchange/v1/verifications', {
      resourceId,
      purpose: '营业执照核验',
      key: { credit_code: creditCode },
      claims: { address: '浙江省杭州市西湖区文三路100号' },
      grantId: 'g-ok',
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('EXCHANGE.ITEM_NOT_GRANTED');
  });

  it('a malformed body is a 400 REQUEST.INVALID', async () => {
    const res = await post('/api/exchange/v1/queries', { resourceId, key: 'not-an-object' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.INVALID');
  });

  it('an unknown resource is a 404 EXCHANGE.RESOURCE_NOT_FOUND', async () => {
    const res = await post('/api/exchange/v1/queries', {
      resourceId: 'xx.1',
      purpose: 'p',
      key: { a: 'b' },
      grantId: 'g-ok',
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('EXCHANGE.RESOURCE_NOT_FOUND');
  });

  it('refuses a requester token that is forged, foreign to the lane, or missing', async () => {
    const send = (token: string, requestId: string) =>
      request(
        shNc,
        subjects.lane('zj', 'sh', 'exchange', 'query'),
        exchangeV1.ExchangeRequest.encode(
          exchangeV1.ExchangeRequest.fromPartial({
            requestId,
            mode: 'query',
            resourceId,
            purpose: 'p',
            key: { credit_code: creditCode },
            grantId: 'g-ok',
            requesterToken: token,
          }),
        ).finish(),
        { timeoutMs: 3000, unavailableCode: 'EXCHANGE.PROVIDER_UNAVAILABLE' },
      );
    // signed by a key 浙江 does not trust for 上海
    const rogue = loadProvinceKey('sh', generateProvinceKey('sh').privateJwk);
    const forged = await signToken(rogue, requester, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
    await expect(send(forged, 'req-forged')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    // a genuine 浙江 token presented on 上海's lane
    const zjUser: Principal = { ...requester, sub: 'zj-user', province: 'zj' };
    const foreign = await signToken(tb.key('zj'), zjUser, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
    await expect(send(foreign, 'req-foreign')).rejects.toMatchObject({ code: 'AUTH.WRONG_PROVINCE' });
    // a genuine 上海 token for another audience
    const wrongAud = await signToken(tb.key('sh'), requester, { audience: audiences.user, ttlSeconds: 60 });
    await expect(send(wrongAud, 'req-aud')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    // tampered payload of a genuine token
    const good = await signToken(tb.key('sh'), requester, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
    const [h, , s] = good.split('.');
    const claims = Buffer.from(
      JSON.stringify({
        iss: 'yrd:sh',
        sub: 'someone-else',
        aud: audiences.exchange('zj'),
        province: 'sh',
        roles: ['requester'],
        exp: 9999999999,
      }),
    ).toString('base64url');
    await expect(send(`${h}.${claims}.${s}`, 'req-tampered')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    await expect(send('', 'req-empty')).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('both provinces hold the audit events in their own JetStream stream, deduplicated by request id, without personal data', async () => {
    const before = { sh: (await auditEventsIn(shNc, 'sh')).count, zj: (await auditEventsIn(zjNc, 'zj')).count };
    // a retry with the same request id adds nothing
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-q1' },
    );
    expect(res.status).toBe(200);
    const shEv = await auditEventsIn(shNc, 'sh');
    const zjEv = await auditEventsIn(zjNc, 'zj');
    expect(shEv.count).toBe(before.sh);
    expect(zjEv.count).toBe(before.zj);

    const q1sh = shEv.events.find((e) => e.requestId === 'req-q1' && e.outcome === 'allow');
    const q1zj = zjEv.events.find((e) => e.requestId === 'req-q1' && e.outcome === 'allow');
    expect(q1sh).toMatchObject({
      kind: 'exchange.query.requested',
      outcome: 'allow',
      requesterProvince: 'sh',
      providerProvince: 'zj',
      actorUser: 'sh-user-1',
    });
    expect(q1zj).toMatchObject({
      kind: 'exchange.query.served',
      outcome: 'allow',
      requesterProvince: 'sh',
      actorUser: 'sh-user-1',
      grantId: 'g-ok',
    });
    // both sides hashed the same reply bytes
    expect(q1sh?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(q1sh?.payloadHash).toBe(q1zj?.payloadHash);

    // the denial is on record on both sides
    expect(shEv.events.find((e) => e.requestId === 'req-deny1')).toMatchObject({
      outcome: 'deny',
      code: 'CONSENT.NO_GRANT',
    });
    expect(zjEv.events.find((e) => e.requestId === 'req-deny1')).toMatchObject({
      outcome: 'deny',
      code: 'CONSENT.NO_GRANT',
    });
    // the refused tokens too, at the provider
    expect(zjEv.events.find((e) => e.requestId === 'req-forged')).toMatchObject({
      outcome: 'deny',
      code: 'AUTH.TOKEN_INVALID',
    });
    expect(shEv.events.some((e) => e.kind === 'exchange.verify.requested')).toBe(true);
    expect(zjEv.events.some((e) => e.kind === 'exchange.verify.served')).toBe(true);

    const all = JSON.stringify([...shEv.events, ...zjEv.events]);
    for (const secret of [creditCode, record.legal_id_number, record.phone, '周明远', '杭州云栖'])
      expect(all).not.toContain(secret);
  });

  it('a retry with the same request id is served and audited once, with the same answer', async () => {
    const body = { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' };
    const before = authorizeCalls.length;
    const first = await post('/api/exchange/v1/queries', body, { 'x-request-id': 'req-dup' });
    const retry = await post('/api/exchange/v1/queries', body, { 'x-request-id': 'req-dup' });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(authorizeCalls.length - before).toBe(1);
    const zjEvents = (await auditEventsIn(zjNc, 'zj')).events.filter((e) => e.requestId === 'req-dup');
    const shEvents = (await auditEventsIn(shNc, 'sh')).events.filter((e) => e.requestId === 'req-dup');
    expect(zjEvents).toHaveLength(1);
    expect(shEvents).toHaveLength(1);

    const reused = await post(
      '/api/exchange/v1/queries',
      { ...body, key: { credit_code: '91330106MA2H7K3L2Y' } },
      { 'x-request-id': 'req-dup' },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('EXCHANGE.REQUEST_ID_REUSED');
  });

  it('a grant’s rate limit answers 429 with when to come back, and the refusal is audited', async () => {
    const body = { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-rate' };
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await post('/api/exchange/v1/queries', body, { 'x-request-id': `req-rate-${i}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last?.body.code).toBe('EXCHANGE.RATE_LIMITED');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    const ev = (await auditEventsIn(zjNc, 'zj')).events.find((e) => e.requestId === 'req-rate-2');
    expect(ev).toMatchObject({ outcome: 'deny', code: 'EXCHANGE.RATE_LIMITED' });
  });

  it('a provider that is down answers 503 EXCHANGE.PROVIDER_UNAVAILABLE at once, not at the timeout', async () => {
    await zj?.stop();
    zj = undefined;
    const t0 = Date.now();
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-down' },
    );
    // it said goodbye when it stopped: no waiting for the 5 s request timeout
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('EXCHANGE.PROVIDER_UNAVAILABLE');
    const shEv = await auditEventsIn(shNc, 'sh');
    expect(shEv.events.find((e) => e.requestId === 'req-down')).toMatchObject({
      outcome: 'error',
      code: 'EXCHANGE.PROVIDER_UNAVAILABLE',
    });
  });
});
