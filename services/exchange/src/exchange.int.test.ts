import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  type ProvinceKey,
  signToken,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { type DatabaseHandle, openDatabase } from '@yrd/db';
import { silentLogger } from '@yrd/logger';
import {
  auditStream,
  connectProvince,
  jetstreamManager,
  type NatsConnection,
  type RunningNats,
  request,
  startNatsServer,
  subjects,
} from '@yrd/nats';
import { auditV1, consentV1, exchangeV1, type GrpcServerHandle, startGrpcServer, unary } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { ServiceDeps } from '@yrd/runtime';
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

const requester: Principal = {
  sub: 'sh-user-1',
  name: '沪 审批员',
  province: 'sh',
  agency: '11310000MB2F01234X',
  roles: ['requester'],
  kind: 'government',
};

describe('exchange between 上海 (requester) and 浙江 (provider)', () => {
  let dir: string;
  let server: RunningNats;
  let consent: GrpcServerHandle;
  let sh: RunningExchange;
  let zj: RunningExchange | undefined;
  const conns: NatsConnection[] = [];
  const dbs: DatabaseHandle[] = [];
  const keys = {} as Record<'sh' | 'zj', ProvinceKey>;
  let userToken: string;
  const authorizeCalls: consentV1.AuthorizeRequest[] = [];

  const connectAs = async (p: Province) => {
    const nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials[p],
      name: `test/${p}`,
      logger: silentLogger(),
    });
    conns.push(nc);
    return nc;
  };

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sh.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}`, ...headers },
      body: JSON.stringify(body),
    });

  const events = async (nc: NatsConnection, p: Province) => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(auditStream(p));
    const out: auditV1.AuditEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(auditStream(p), { seq });
      if (m) out.push(auditV1.AuditEvent.decode(m.data));
    }
    return { count: info.state.messages, events: out };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-exchange-'));
    server = await startNatsServer({ dir });
    const shJwk = generateProvinceKey('sh');
    const zjJwk = generateProvinceKey('zj');
    keys.sh = loadProvinceKey('sh', shJwk.privateJwk);
    keys.zj = loadProvinceKey('zj', zjJwk.privateJwk);
    const verifier = new TokenVerifier({ sh: shJwk.publicJwk, zj: zjJwk.publicJwk } as TrustList);

    // a fake consent service for 浙江: allows grant g-ok, denies everything else
    consent = await startGrpcServer(
      (s) => {
        const impl: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
            authorizeCalls.push(req);
            if (req.grantId !== 'g-ok') {
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
              grantId: 'g-ok',
            });
          }),
        };
        s.addService(consentV1.ConsentServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
    );

    const depsFor = async (p: 'sh' | 'zj'): Promise<ServiceDeps> => {
      const db = await openDatabase();
      dbs.push(db);
      return {
        province: p,
        logger: silentLogger(),
        db,
        nc: await connectAs(p),
        verifier,
        key: keys[p],
        grpcAddress: {
          catalog: '127.0.0.1:1',
          consent: p === 'zj' ? `127.0.0.1:${consent.port}` : '127.0.0.1:1',
          exchange: '127.0.0.1:1',
          audit: '127.0.0.1:1',
        },
        ports: { http: 0, grpc: 0 },
        clock: () => new Date(),
      };
    };
    zj = await startExchange(await depsFor('zj'), {
      datasets: [
        {
          resourceId,
          keyItems: ['credit_code'],
          records: [record, { ...record, credit_code: '91330106MA2H7K3L2Y', company_name: '别家公司' }],
        },
      ],
    });
    sh = await startExchange(await depsFor('sh'), {});
    userToken = await signToken(keys.sh, requester, { audience: audiences.user, ttlSeconds: 600 });
  });

  afterAll(async () => {
    await sh?.stop();
    await zj?.stop();
    await consent?.stop();
    await Promise.all(conns.map((c) => c.close()));
    await Promise.all(dbs.map((d) => d.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a query with a grant returns masked records with only the granted items', async () => {
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-q1' },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
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
    const p = (await res.json()) as { code: string; reasons?: { code: string }[]; requestId: string };
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
    const body = (await res.json()) as Record<string, unknown>;
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
    expect(((await res.json()) as { code: string }).code).toBe('EXCHANGE.ITEM_NOT_GRANTED');
  });

  it('a malformed body is a 400 REQUEST.INVALID', async () => {
    const res = await post('/api/exchange/v1/queries', { resourceId, key: 'not-an-object' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('REQUEST.INVALID');
  });

  it('an unknown resource is a 404 EXCHANGE.RESOURCE_NOT_FOUND', async () => {
    const res = await post('/api/exchange/v1/queries', {
      resourceId: 'xx.1',
      purpose: 'p',
      key: { a: 'b' },
      grantId: 'g-ok',
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('EXCHANGE.RESOURCE_NOT_FOUND');
  });

  it('refuses a requester token that is forged, foreign to the lane, or missing', async () => {
    const nc = conns[1] as NatsConnection; // 上海's connection (zj connected first)
    const send = (token: string, requestId: string) =>
      request(
        nc,
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
    const foreign = await signToken(keys.zj, zjUser, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
    await expect(send(foreign, 'req-foreign')).rejects.toMatchObject({ code: 'AUTH.WRONG_PROVINCE' });
    // a genuine 上海 token for another audience
    const wrongAud = await signToken(keys.sh, requester, { audience: audiences.user, ttlSeconds: 60 });
    await expect(send(wrongAud, 'req-aud')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    // tampered payload of a genuine token
    const good = await signToken(keys.sh, requester, { audience: audiences.exchange('zj'), ttlSeconds: 60 });
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
    const shNc = conns[1] as NatsConnection;
    const zjNc = conns[0] as NatsConnection;
    const before = { sh: (await events(shNc, 'sh')).count, zj: (await events(zjNc, 'zj')).count };
    // a retry with the same request id adds nothing
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-q1' },
    );
    expect(res.status).toBe(200);
    const shEv = await events(shNc, 'sh');
    const zjEv = await events(zjNc, 'zj');
    expect(shEv.count).toBe(before.sh);
    expect(zjEv.count).toBe(before.zj);

    const q1sh = shEv.events.find((e) => e.eventId === 'req-q1:sh:requester');
    const q1zj = zjEv.events.find((e) => e.eventId === 'req-q1:zj:provider');
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
    expect(shEv.events.find((e) => e.eventId === 'req-deny1:sh:requester')).toMatchObject({
      outcome: 'deny',
      code: 'CONSENT.NO_GRANT',
    });
    expect(zjEv.events.find((e) => e.eventId === 'req-deny1:zj:provider')).toMatchObject({
      outcome: 'deny',
      code: 'CONSENT.NO_GRANT',
    });
    // the refused tokens too, at the provider
    expect(zjEv.events.find((e) => e.eventId === 'req-forged:zj:provider')).toMatchObject({
      outcome: 'deny',
      code: 'AUTH.TOKEN_INVALID',
    });
    expect(shEv.events.some((e) => e.kind === 'exchange.verify.requested')).toBe(true);
    expect(zjEv.events.some((e) => e.kind === 'exchange.verify.served')).toBe(true);

    const all = JSON.stringify([...shEv.events, ...zjEv.events]);
    for (const secret of [creditCode, record.legal_id_number, record.phone, '周明远', '杭州云栖'])
      expect(all).not.toContain(secret);
  });

  it('a provider that is down answers 503 EXCHANGE.PROVIDER_UNAVAILABLE quickly', async () => {
    await zj?.stop();
    zj = undefined;
    const t0 = Date.now();
    const res = await post(
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok' },
      { 'x-request-id': 'req-down' },
    );
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('EXCHANGE.PROVIDER_UNAVAILABLE');
    const shEv = await events(conns[1] as NatsConnection, 'sh');
    expect(shEv.events.find((e) => e.eventId === 'req-down:sh:requester')).toMatchObject({
      outcome: 'error',
      code: 'EXCHANGE.PROVIDER_UNAVAILABLE',
    });
  });
});
