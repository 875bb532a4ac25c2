import { Writable } from 'node:stream';
import { createLogger } from '@yrd/logger';
import type { Region } from '@yrd/node';
import { checkHealth } from '@yrd/proto';
import { agencyBySlug, demoBookingNo, demoCompany, demoSubject } from '@yrd/seeds';
import { InMemorySpanExporter, initTelemetry, parseScrape, type Sample, SpanKind, scrapedNames } from '@yrd/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RegionClient, startSeededRegion } from './client.js';
import { dashboardMetricNames } from './observability.js';

const booking = 'zj.330000-DSJ-00001'; // 浙里办场馆预约记录: conditional, personal items
const grantedItems = ['booking_no', 'venue', 'person_name', 'phone', 'visit_date'];
const purpose = '长三角场馆客流与公共安全保障';

interface Problem {
  code: string;
  status: number;
  detail?: string;
  reasons?: { ruleId: string; code: string }[];
}
type Json = Record<string, unknown>;

describe('the four-province journey', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let region: Region;
  let api: RegionClient;
  let grantId: string;

  const spans = new InMemorySpanExporter();
  /** what the region logs at info and above, one JSON object a line */
  const logLines: string[] = [];
  const logSink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });

  beforeAll(async () => {
    initTelemetry({ serviceName: 'yrd-e2e', exporter: spans });
    started = await startSeededRegion('journey', { logger: createLogger({ name: 'yrd-e2e', level: 'info' }, logSink) });
    region = started.region;
    api = new RegionClient(region);
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('every node is healthy', async () => {
    for (const p of ['sh', 'js', 'zj', 'ah'] as const) {
      const r = await api.call(p, 'GET', '/healthz');
      expect(r.status).toBe(200);
      expect(r.body.services).toEqual({ catalog: 'ok', consent: 'ok', exchange: 'ok', audit: 'ok', certificate: 'ok' });
    }
  });

  it('every service answers the standard gRPC health check', async () => {
    for (const p of ['sh', 'js', 'zj', 'ah'] as const) {
      for (const [name, service] of Object.entries(region.nodes[p].services)) {
        const fullName = `yrd.${name}.v1.${name[0]?.toUpperCase()}${name.slice(1)}Service`;
        expect(await checkHealth(`127.0.0.1:${service.grpcPort}`)).toBe('SERVING');
        expect(await checkHealth(`127.0.0.1:${service.grpcPort}`, fullName)).toBe('SERVING');
      }
    }
  });

  it('each service describes its API in OpenAPI through the edge', async () => {
    for (const service of ['catalog', 'consent', 'exchange', 'audit']) {
      const r = await api.call<{ openapi: string; paths: Record<string, unknown> }>(
        'sh',
        'GET',
        `/api/${service}/v1/openapi.json`,
      );
      expect(r.status).toBe(200);
      expect(r.body.openapi).toBe('3.1.0');
      expect(Object.keys(r.body.paths).some((p) => p.startsWith(`/api/${service}/v1/`))).toBe(true);
    }
  });

  it.each([
    ['营业执照', 'zj.330000-SCJG-00001'],
    ['社保缴费', 'js.320000-RSJ-00001'],
    ['危险品', 'ah.340000-HFHG-00001'],
    ['客流', 'js.320000-WL-00001'],
  ])('searching %s in Chinese finds the seeded entries first', async (q, scenarioEntry) => {
    const r = await api.as<{
      total: number;
      items: { id: string; name: string; summary: string }[];
      facets: Record<string, { value: string; count: number; label?: string }[]>;
    }>('sh-dsj-requester', 'sh', 'GET', `/api/catalog/v1/resources?q=${encodeURIComponent(q)}&pageSize=5`);
    expect(r.status).toBe(200);
    const top = r.body.items[0];
    expect(`${top?.name}${top?.summary}`).toContain(q); // the best hit names it outright
    expect(r.body.items.map((i) => i.id)).toContain(scenarioEntry);
    expect(r.body.facets.agency?.[0]?.label).toBeTruthy(); // facets by agency carry the agency's name
    expect(r.body.facets.province?.reduce((n, f) => n + f.count, 0)).toBe(r.body.total);
  });

  it("a 浙江 publisher's new conditional entry appears in 上海's regional search", async () => {
    const created = await api.as<Json>('zj-dsjj-publisher', 'zj', 'POST', '/api/catalog/v1/resources', {
      resourceCode: '330000-DSJ-00901',
      classCode: 'A02-05-02-01',
      name: '长三角演出票务实名入场记录',
      providerCreditCode: '11330000MB1N88352L',
      summary: '大型演出实名入场核验记录（测试条目）',
      items: [
        { name: 'ticket_no', label: '票号', grade: 'general', subLevel: 2 },
        {
          name: 'holder_name',
          label: '持票人姓名',
          grade: 'general',
          subLevel: 3,
          personalInfo: true,
          piiKind: 'name',
        },
      ],
      keyItems: ['ticket_no'],
      sharingTier: 'conditional',
      sharingConditions: '限公共安全保障',
      sharingModes: ['interface'],
      openTier: 'none',
      grade: 'general',
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    const id = String(created.body.id);
    const submitted = await api.as<Json>('zj-dsjj-publisher', 'zj', 'POST', `/api/catalog/v1/resources/${id}/submit`);
    expect(submitted.body.status).toBe('submitted');
    // 审核 by 浙江's province admin publishes it region-wide
    const published = await api.as<Json>('zj-admin', 'zj', 'POST', `/api/catalog/v1/resources/${id}/review`, {
      decision: 'approve',
    });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');

    const hit = await eventually(async () => {
      const r = await api.as<{ items: { id: string; province: string; sharingTier: string }[] }>(
        'sh-dsj-requester',
        'sh',
        'GET',
        `/api/catalog/v1/resources?q=${encodeURIComponent('演出票务')}`,
      );
      return r.body.items.find((i) => i.id === id);
    });
    expect(hit).toMatchObject({ province: 'zj', sharingTier: 'conditional' });
  });

  it('上海 applies, 浙江 approves, 上海 gets only the granted items, masked', async () => {
    const applied = await api.as<Json>('sh-dsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: booking,
      purpose,
      legalBasis: '《上海市公共数据管理办法》第二十四条',
      items: grantedItems,
      validUntil: '2027-12-31T23:59:59+08:00',
    });
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('submitted');
    const appId = String(applied.body.id);

    const decided = await api.as<{ application: Json; grant: { id: string; items: string[] } }>(
      'zj-dsjj-reviewer',
      'zj',
      'POST',
      `/api/consent/v1/applications/${appId}/decision`,
      { decision: 'approve', reason: '符合共享条件' },
    );
    expect(decided.status).toBe(200);
    expect(decided.body.application.status).toBe('approved');
    grantId = decided.body.grant.id;
    expect(decided.body.grant.items).toEqual(grantedItems);

    // the requester sees the outcome in its own province
    const seen = await api.as<Json>('sh-dsj-requester', 'sh', 'GET', `/api/consent/v1/applications/${appId}`);
    expect(seen.body).toMatchObject({ status: 'approved', grantId });

    const q = await api.as<{ requestId: string; records: Record<string, string>[]; items: string[] }>(
      'sh-dsj-requester',
      'sh',
      'POST',
      '/api/exchange/v1/queries',
      { resourceId: booking, purpose, key: { booking_no: demoBookingNo }, grantId },
      { 'x-request-id': 'e2e-query-0001' },
    );
    expect(q.status).toBe(200);
    expect(q.body.requestId).toBe('e2e-query-0001');
    expect(q.body.records).toHaveLength(1);
    const rec = q.body.records[0] ?? {};
    expect(Object.keys(rec).sort()).toEqual([...grantedItems].sort());
    expect(rec.verified).toBeUndefined(); // not granted, never leaves 浙江
    expect(rec.booking_no).toBe(demoBookingNo);
    expect(rec.person_name).toBe('李**');
    expect(rec.phone).toBe('138****0317');
  });

  it('one trace follows the query across HTTP and NATS, and through the policy decision, in both provinces', async () => {
    const finished = spans.getFinishedSpans();
    const edge = finished.find(
      (s) => s.attributes['yrd.request_id'] === 'e2e-query-0001' && s.attributes['yrd.service'] === 'edge',
    );
    expect(edge).toBeDefined();
    const traceId = edge?.spanContext().traceId;
    const trace = finished.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(trace).toEqual(
      expect.arrayContaining([
        'POST /api/exchange/v1/queries', // the 上海 exchange service behind the edge
        'nats request xchg.zj.from.sh.exchange.query', // 上海 asks on its lane
        'nats xchg.zj.from.sh.exchange.query', // 浙江 serves it
        'consent.Authorize', // 浙江's policy decision, a function call in the node (the catalogue entry may come from its 2 s cache)
      ]),
    );

    // the trace goes on through JetStream: each province's audit service appends its record of the
    // exchange in a consumer span under the send of that record
    const appended = ['audit.sh.exchange.query.requested', 'audit.zj.exchange.query.served'];
    const inTrace = await eventually(
      async () => {
        const all = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
        const names = new Set(all.map((s) => s.name));
        return appended.every((subject) => names.has(`process ${subject}`)) ? all : undefined;
      },
      15_000,
      'the audit appends of both provinces in the trace',
    );
    for (const subject of appended) {
      const consumer = inTrace.find((s) => s.name === `process ${subject}`);
      expect(consumer?.kind).toBe(SpanKind.CONSUMER);
      expect(consumer?.attributes['messaging.consumer.group.name']).toBe('audit-log');
      const send = inTrace.find((s) => s.spanContext().spanId === consumer?.parentSpanContext?.spanId);
      expect({ name: send?.name, kind: send?.kind }).toEqual({ name: `send ${subject}`, kind: SpanKind.PRODUCER });
    }

    // and the log lines written while answering carry the trace: the request lines of the edge and
    // the 上海 exchange, each with the id of a span of this trace
    const spanIds = new Set(inTrace.map((s) => s.spanContext().spanId));
    const requestLines = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.reqId === 'e2e-query-0001' && l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    for (const line of requestLines) {
      expect(line.trace_id).toBe(traceId);
      expect(spanIds.has(String(line.span_id))).toBe(true);
    }
  });

  it('both provinces audited the exchange, and their logs verify', async () => {
    for (const [p, auditor] of [
      ['sh', 'sh-auditor'],
      ['zj', 'zj-auditor'],
    ] as const) {
      const records = await eventually(async () => {
        const r = await api.as<{ records: Json[] }>(
          auditor,
          p,
          'GET',
          '/api/audit/v1/records?requestId=e2e-query-0001',
        );
        return r.body.records?.length ? r.body.records : undefined;
      });
      expect(records[0]).toMatchObject({ requestId: 'e2e-query-0001', resourceId: booking, outcome: 'allow' });
      expect(JSON.stringify(records)).not.toContain(demoBookingNo); // hashes, never payloads
      const v = await api.as<{ ok: boolean; size: number; root: string }>(auditor, p, 'GET', '/api/audit/v1/verify');
      expect(v.status).toBe(200);
      expect(v.body.ok).toBe(true);
      expect(v.body.size).toBeGreaterThan(0);
      expect(v.body.root).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('an agency exports its catalogue as CSV through its edge and imports it back unchanged', async () => {
    const auth = { authorization: `Bearer ${await api.token('zj-dsjj-publisher')}` };
    const zjEdge = api.url('zj');
    const csv = await fetch(`${zjEdge}/api/catalog/v1/export?format=csv&scope=own`, { headers: auth });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const file = Buffer.from(await csv.arrayBuffer());
    const back = await fetch(`${zjEdge}/api/catalog/v1/imports?wait=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: file,
    });
    expect(back.status).toBe(200);
    const job = (await back.json()) as { status: string; created: number; updated: number; unchanged: number };
    expect(job).toMatchObject({ status: 'done', created: 0, updated: 0 });
    expect(job.unchanged).toBeGreaterThan(0);
  });

  it('an auditor in 上海 sees both sides of the exchange, the other with proofs against 浙江’s head', async () => {
    type Page = { records: { kind: string; leafHash: string; proof: { treeSize: number; rootHash: string } }[] };
    const both = await eventually(async () => {
      const r = await api.as<
        Page & { counterparts?: Record<string, Page & { head: { size: number; rootHash: string } }> }
      >('sh-auditor', 'sh', 'GET', '/api/audit/v1/records?requestId=e2e-query-0001&counterpart=true');
      return r.body.counterparts?.zj?.records.length ? r.body : undefined;
    });
    expect(both.records.map((r) => r.kind)).toContain('exchange.query.requested');
    const zj = both.counterparts?.zj;
    expect(zj?.records.map((r) => r.kind)).toContain('exchange.query.served');
    for (const r of zj?.records ?? []) expect(r.proof.rootHash).toBe(zj?.head.rootHash);
    // 浙江's heads are co-signed by the other provinces' witnesses
    const latest = await eventually(async () => {
      const h = await api.as<{ cosignatures: { witness: string }[] }>(
        'zj-auditor',
        'zj',
        'GET',
        '/api/audit/v1/heads/latest',
      );
      return h.body.cosignatures.length >= 3 ? h.body : undefined;
    });
    expect(latest.cosignatures.map((c) => c.witness).sort()).toEqual(['ah', 'js', 'sh']);
  });

  describe('the demo scenarios on the seeds', () => {
    it('1 · 上海 verifies a 浙江 business licence and its legal representative (核验, unconditional)', async () => {
      const verify = (claims: Record<string, string>) =>
        api.as<{ results: Record<string, boolean>; records?: unknown }>(
          'sh-scjgj-requester',
          'sh',
          'POST',
          '/api/exchange/v1/verifications',
          {
            resourceId: 'zj.330000-SCJG-00001',
            purpose: '跨省通办 企业变更登记',
            key: { credit_code: demoCompany.creditCode },
            claims,
          },
        );
      const ok = await verify({ legal_representative: demoCompany.legalRepresentative, license_status: '存续' });
      expect(ok.status).toBe(200);
      expect(ok.body.results).toEqual({ legal_representative: true, license_status: true });
      expect(ok.body.records).toBeUndefined(); // no data comes back, only match / no-match
      const wrong = await verify({ legal_representative: '王某某' });
      expect(wrong.body.results).toEqual({ legal_representative: false });
    });

    it('2 · 江苏 social-insurance months reach 上海 with the subject’s consent, and stop when it is revoked', async () => {
      const items = ['id_number', 'person_name', 'contribution_months', 'last_contribution'];
      const purpose2 = '社保关系转移接续';
      const applied = await api.as<Json>('sh-rsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
        resourceId: 'js.320000-RSJ-00001',
        purpose: purpose2,
        legalBasis: '《社会保险法》第十九条',
        items,
        validUntil: '2027-12-31T23:59:59+08:00',
      });
      expect(applied.status).toBe(201);
      const firstLevel = await api.as<{ application: { status: string } }>(
        'js-rst-reviewer',
        'js',
        'POST',
        `/api/consent/v1/applications/${applied.body.id}/decision`,
        {
          decision: 'approve',
          reason: '社保关系转移',
        },
      );
      // important data: 江苏's data authority gives the second approval
      expect(firstLevel.body.application.status).toBe('second_approval');
      const decided = await api.as<{ grant: { id: string } }>(
        'js-admin',
        'js',
        'POST',
        `/api/consent/v1/applications/${applied.body.id}/second-approval`,
        { decision: 'approve' },
      );
      expect(decided.status).toBe(200);
      const grant = decided.body.grant.id;
      const query = (consentId?: string) =>
        api.as<{ records: Record<string, string>[] }>('sh-rsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
          resourceId: 'js.320000-RSJ-00001',
          purpose: purpose2,
          key: { id_number: demoSubject.idNumber },
          grantId: grant,
          ...(consentId ? { consentId } : {}),
        });
      // sensitive personal information (身份证号) needs the subject's separate consent
      expect((await query()).body).toMatchObject({ code: 'CONSENT.CONSENT_REQUIRED' });

      const consent = await api.as<Json>('sh-subject-01', 'sh', 'POST', '/api/consent/v1/consents', {
        requesterAgency: agencyBySlug('sh', 'rsj').creditCode,
        requesterProvince: 'sh',
        resourceId: 'js.320000-RSJ-00001',
        items,
        purpose: purpose2,
        validUntil: '2027-12-31T23:59:59+08:00',
      });
      expect(consent.status).toBe(201);
      const consentId = String(consent.body.id);
      const q = await query(consentId);
      expect(q.status).toBe(200);
      expect(q.body.records.length).toBeGreaterThan(0);
      for (const r of q.body.records) {
        expect(r.id_number).toBe(`${demoSubject.idNumber.slice(0, 3)}***********${demoSubject.idNumber.slice(-4)}`);
        expect(r.person_name).toBe(`${demoSubject.name.slice(0, 1)}${'*'.repeat(demoSubject.name.length - 1)}`);
        expect(Number(r.contribution_months)).toBeGreaterThan(0);
      }

      expect((await api.as('sh-subject-01', 'sh', 'DELETE', `/api/consent/v1/consents/${consentId}`)).status).toBe(200);
      expect((await query(consentId)).body).toMatchObject({ code: 'CONSENT.CONSENT_REVOKED' });
    });

    it('5 · 江苏 visitor-flow statistics are open to the other provinces without an application', async () => {
      const r = await api.as<{ records: Record<string, string>[] }>(
        'ah-sjzyj-requester',
        'ah',
        'POST',
        '/api/exchange/v1/queries',
        {
          resourceId: 'js.320000-WL-00001',
          purpose: '节假日客流预警',
          key: { scenic_area: '拙政园' },
        },
      );
      expect(r.status).toBe(200);
      expect(r.body.records[0]).toMatchObject({ scenic_area: '拙政园', city: '苏州市' });
    });

    it('7 · 上海 household registration is in the catalogue with its legal basis, and never exchangeable', async () => {
      const entry = await api.as<Json>('js-sjj-requester', 'js', 'GET', '/api/catalog/v1/resources/sh.310000-GA-00001');
      expect(entry.status).toBe(200);
      expect(entry.body).toMatchObject({ sharingTier: 'none', grade: 'core' });
      expect(String(entry.body.legalBasis)).toContain('《');
      const q = await api.as<Problem>('js-sjj-requester', 'js', 'POST', '/api/exchange/v1/queries', {
        resourceId: 'sh.310000-GA-00001',
        purpose: '核验',
        key: { id_number: demoSubject.idNumber },
      });
      expect(q.status).toBe(403);
      expect(q.body.reasons?.map((r) => r.code)).toEqual(
        expect.arrayContaining(['CONSENT.CORE_DATA_LOCAL', 'CONSENT.NOT_SHARED']),
      );
    });
  });

  describe('refusals', () => {
    const expectProblem = (r: { status: number; body: unknown; contentType: string }, status: number, code: string) => {
      expect(r.contentType).toContain('application/problem+json');
      expect({ status: r.status, code: (r.body as Problem).code }).toEqual({ status, code });
    };

    it('applying for a resource that is not shared (不予共享)', async () => {
      const r = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/consent/v1/applications', {
        resourceId: 'zj.330100-GA-00001',
        purpose,
        legalBasis: '—',
        items: ['document_type'],
        validUntil: '2027-12-31T23:59:59+08:00',
      });
      expectProblem(r, 403, 'CONSENT.NOT_SHARED');
    });

    it('querying a conditional resource without a grant', async () => {
      const r = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
        resourceId: booking,
        purpose,
        key: { booking_no: demoBookingNo },
      });
      expectProblem(r, 403, 'CONSENT.NO_GRANT');
      expect((r.body as unknown as Problem).reasons?.[0]?.ruleId).toBe('R-GRANT-REQUIRED');
    });

    it('asking for items outside the grant', async () => {
      const r = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', {
        resourceId: booking,
        purpose,
        key: { booking_no: demoBookingNo },
        grantId,
        items: ['booking_no', 'verified'],
      });
      expectProblem(r, 403, 'CONSENT.ITEMS_NOT_GRANTED');
    });

    it("a requester of a third province using 上海's grant", async () => {
      const r = await api.as('ah-sjzyj-requester', 'ah', 'POST', '/api/exchange/v1/queries', {
        resourceId: booking,
        purpose,
        key: { booking_no: demoBookingNo },
        grantId,
      });
      expectProblem(r, 403, 'CONSENT.GRANT_NOT_YOURS');
    });

    it('a malformed body', async () => {
      const r = await api.as('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/queries', { resourceId: 42 });
      expectProblem(r, 400, 'REQUEST.INVALID');
      const broken = await api.call('sh', 'POST', '/api/exchange/v1/queries', {
        raw: '{"resourceId":',
        headers: { authorization: `Bearer ${await api.token('sh-dsj-requester')}` },
      });
      expectProblem(broken, 400, 'REQUEST.MALFORMED');
    });

    it('no token, and a token from another province', async () => {
      expectProblem(await api.call('sh', 'GET', '/api/catalog/v1/resources'), 401, 'AUTH.MISSING_TOKEN');
      const r = await api.call('sh', 'POST', '/api/auth/v1/dev-token', { body: { user: 'zj-dsjj-requester' } });
      expectProblem(r, 403, 'AUTH.WRONG_PROVINCE');
      // a user signs in at their own province: a 浙江 token is refused at 上海's origin
      const foreign = await api.call('sh', 'GET', '/api/catalog/v1/resources', {
        headers: { authorization: `Bearer ${await api.token('zj-dsjj-requester')}` },
      });
      expectProblem(foreign, 401, 'AUTH.WRONG_PROVINCE');
    });
  });

  it('each service counts the journey on its admin /metrics, and the dashboard names only series that exist', async () => {
    const scrapeOf = async (url: string) => {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const samplesOf = async (url: string) => parseScrape(await scrapeOf(url));
    const value = (all: Sample[], name: string, labels: Record<string, string>) =>
      all
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    const sh = region.nodes.sh;
    const zj = region.nodes.zj;

    // 上海 asked 浙江 (allowed) and was refused without a grant; 浙江 served it
    const shExchange = await samplesOf(sh.services.exchange?.adminUrl ?? '');
    const pair = { requester_province: 'sh', provider_province: 'zj', mode: 'query' };
    expect(value(shExchange, 'yrd_exchanges_total', { ...pair, step: 'requested', outcome: 'allow' })).toBeGreaterThan(
      0,
    );
    expect(value(shExchange, 'yrd_exchange_refusals_total', { code: 'CONSENT.NO_GRANT' })).toBeGreaterThan(0);
    expect(
      value(shExchange, 'yrd_http_problems_total', { code: 'CONSENT.NO_GRANT', status_code: '403' }),
    ).toBeGreaterThan(0);
    // by route template, with the province and service every series carries
    expect(
      value(shExchange, 'http_server_requests_total', {
        method: 'POST',
        route: '/api/exchange/v1/queries',
        status_code: '200',
        province: 'sh',
        service: 'exchange',
      }),
    ).toBeGreaterThan(0);
    const zjExchange = await samplesOf(zj.services.exchange?.adminUrl ?? '');
    expect(value(zjExchange, 'yrd_exchanges_total', { ...pair, step: 'served', outcome: 'allow' })).toBeGreaterThan(0);
    expect(
      zjExchange.some((s) => s.name === 'yrd_nats_requests_handled_total' && s.labels.outcome === 'ok' && s.value > 0),
    ).toBe(true);
    const zjConsent = await samplesOf(zj.services.consent?.adminUrl ?? '');
    // the node runs consent beside the exchange: Authorize is a function call (traced as
    // consent.Authorize, above), not a gRPC call to count
    expect(
      zjConsent.some((s) => s.name === 'grpc_server_handled_total' && /Authorize$/.test(s.labels.grpc_method ?? '')),
    ).toBe(false);
    expect(zjConsent.filter((s) => s.name === 'yrd_consent_applications_pending').map((s) => s.labels.stage)).toContain(
      'submitted',
    );
    // the edge counts what it forwarded by its own route template
    const shEdge = await samplesOf(sh.adminUrl);
    expect(value(shEdge, 'http_server_requests_total', { route: '/api/exchange/*', service: 'edge' })).toBeGreaterThan(
      0,
    );
    // both audit logs hold the exchange; the append lag was measured
    for (const node of [sh, zj]) {
      const audit = node.services.audit?.adminUrl ?? '';
      await eventually(async () => (value(await samplesOf(audit), 'yrd_audit_log_size', {}) > 0 ? true : undefined));
      const auditNow = await samplesOf(audit);
      expect(value(auditNow, 'yrd_audit_append_lag_seconds_count', {})).toBeGreaterThan(0);
      // the ingestion consumer's lag is read from the broker at the scrape
      expect(
        auditNow.filter((s) => s.name === 'yrd_jetstream_consumer_messages' && s.labels.consumer === 'audit-log'),
      ).toHaveLength(2);
    }

    // the admin port is not the public one, and the edge does not hand /metrics out
    expect(sh.services.exchange?.adminUrl).not.toBe(sh.services.exchange?.httpUrl);
    const viaEdge = await api.call('sh', 'GET', '/metrics');
    expect(viaEdge.status).toBeGreaterThanOrEqual(400);

    // every series the dashboard queries exists in a real scrape of the two provinces' ten listeners
    const urls = [sh, zj].flatMap((n) => [n.adminUrl, ...Object.values(n.services).map((s) => s.adminUrl)]);
    const texts = await Promise.all(urls.map(scrapeOf));
    const scraped = new Set(texts.flatMap((t) => [...scrapedNames(t)]));
    const missing = [...dashboardMetricNames()].filter((n) => !scraped.has(n));
    expect(missing).toEqual([]);
    // no personal data in a name or a label: not the query key, not the person
    for (const t of texts) {
      expect(t).not.toContain(demoBookingNo);
      expect(t).not.toContain(demoSubject.idNumber);
    }
  });
});
