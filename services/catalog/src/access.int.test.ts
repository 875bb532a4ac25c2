/**
 * Access inside a province follows the agency (issue 10 §2), through HTTP: another agency's draft,
 * its history, a version never published and a withdrawn entry are not there (404) for anyone but
 * the providing agency's publishers and the province admin; a published entry is the region's.
 * Asked through `http.inject()` on a catalogue built but never listening.
 */
import type { Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog, type CatalogModule } from './index.js';

const agencies = { nameOf: (code: string) => (code.startsWith('11') ? '测试单位' : undefined) };
const ZJ_DSJJ = agencyCode('zj', 2);
const ZJ_SCJG = agencyCode('zj', 3);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const users = {
  dsjjPublisher: aPrincipal({ province: 'zj', sub: 'zj-dsjj-pub', agency: ZJ_DSJJ, roles: ['publisher'] }),
  dsjjReviewer: aPrincipal({ province: 'zj', sub: 'zj-dsjj-rev', agency: ZJ_DSJJ, roles: ['reviewer'] }),
  scjgPublisher: aPrincipal({ province: 'zj', sub: 'zj-scjg-pub', agency: ZJ_SCJG, roles: ['publisher'] }),
  scjgReviewer: aPrincipal({ province: 'zj', sub: 'zj-scjg-rev', agency: ZJ_SCJG, roles: ['reviewer'] }),
  zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
  zjAuditor: aPrincipal({ province: 'zj', sub: 'zj-auditor', agency: agencyCode('zj', 9), roles: ['auditor'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
  shRequester: aPrincipal({ province: 'sh', sub: 'sh-req', agency: agencyCode('sh', 4), roles: ['requester'] }),
};

function input(code: string, o: Record<string, unknown> = {}) {
  return {
    resourceCode: code,
    classCode: 'B01-01-01-01',
    name: '场馆预约信息',
    providerCreditCode: ZJ_DSJJ,
    summary: '场馆预约与客流',
    items: [
      { name: 'booking_no', label: '预约号', grade: 'general', subLevel: 1 },
      { name: 'venue', label: '场馆', grade: 'general', subLevel: 1 },
    ],
    keyItems: ['booking_no'],
    sharingTier: 'conditional',
    sharingModes: ['interface'],
    openTier: 'none',
    grade: 'general',
    ...o,
  };
}

describe('catalogue entries follow the agency, not only the province', () => {
  let tb: Testbed;
  let zj: CatalogModule;
  const call = async (who: Principal, method: Method, url: string, body?: unknown): Promise<Reply> => {
    const res = await zj.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await tb.token(who)}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
    return { status: res.statusCode, headers, body: res.json() };
  };
  const at = (who: Principal, method: Method, path: string, body?: unknown) =>
    call(who, method, `/api/catalog/v1${path}`, body);
  const expectAnswer = async (p: ReturnType<typeof at>, status: number, code?: string) => {
    const res = await p;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (code) {
      expect(res.body.code).toBe(code);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    return res;
  };

  beforeAll(async () => {
    tb = await createTestbed();
    zj = await buildCatalog(await tb.deps('zj'), { agencies });
    tb.defer(() => zj.http.close());
  });
  afterAll(() => tb?.close());

  it('another agency’s draft is not there for anyone but its publishers and the admin', async () => {
    const id = String(
      (await expectAnswer(at(users.dsjjPublisher, 'POST', '/resources', input('330000-DSJ-00201')), 201)).body.id,
    );
    const strangers = [users.scjgPublisher, users.scjgReviewer, users.dsjjReviewer, users.zjAuditor, users.shAdmin];
    for (const who of strangers) {
      await expectAnswer(at(who, 'GET', `/resources/${id}`), 404, 'CATALOG.NOT_FOUND');
      await expectAnswer(at(who, 'GET', `/resources/${id}/versions/1`), 404, 'CATALOG.NOT_FOUND');
    }
    // a write by id answers as a read would, and no differently from an id that does not exist
    for (const [method, path, body] of [
      ['PUT', `/resources/${id}`, input('330000-DSJ-00201', { summary: '改' })],
      ['POST', `/resources/${id}/submit`, undefined],
      ['POST', `/resources/${id}/withdraw`, { reason: '停止' }],
      ['POST', `/resources/${id}/publish`, undefined],
      ['GET', `/resources/${id}/history`, undefined],
    ] as const) {
      await expectAnswer(at(users.scjgPublisher, method, path, body), 404, 'CATALOG.NOT_FOUND');
      await expectAnswer(
        at(users.scjgPublisher, method, path.replace(id, 'zj.330000-DSJ-09999'), body),
        404,
        'CATALOG.NOT_FOUND',
      );
    }
    for (const who of [users.dsjjPublisher, users.zjAdmin]) {
      expect((await at(who, 'GET', `/resources/${id}`)).body.status, who.sub).toBe('draft');
      expect((await at(who, 'GET', `/resources/${id}/history`)).status, who.sub).toBe(200);
    }
    // the own-entries export of another agency does not list it; the admin's does
    const exported = async (who: Principal) =>
      (await call(who, 'GET', '/api/catalog/v1/export?format=dcat&scope=own')).body;
    expect(JSON.stringify(await exported(users.scjgPublisher))).not.toContain('330000-DSJ-00201');
    expect(JSON.stringify(await exported(users.zjAdmin))).toContain('330000-DSJ-00201');
  });

  it('a published entry is the region’s; its unpublished versions and its history stay its agency’s', async () => {
    const id = String(
      (await expectAnswer(at(users.dsjjPublisher, 'POST', '/resources', input('330000-DSJ-00202')), 201)).body.id,
    );
    // version 2 is made while still a draft, so version 1 was never published
    await expectAnswer(
      at(users.dsjjPublisher, 'PUT', `/resources/${id}`, input('330000-DSJ-00202', { summary: '第二稿' })),
      200,
    );
    await expectAnswer(at(users.dsjjPublisher, 'POST', `/resources/${id}/submit`), 200);
    await expectAnswer(at(users.zjAdmin, 'POST', `/resources/${id}/review`, { decision: 'approve' }), 200);

    for (const who of [users.scjgPublisher, users.zjAuditor, users.shRequester]) {
      expect((await at(who, 'GET', `/resources/${id}`)).body.status, who.sub).toBe('published');
      expect((await at(who, 'GET', `/resources/${id}/versions/2`)).body.version, who.sub).toBe(2);
      await expectAnswer(at(who, 'GET', `/resources/${id}/versions/1`), 404, 'CATALOG.VERSION_NOT_FOUND');
    }
    expect((await at(users.dsjjPublisher, 'GET', `/resources/${id}/versions/1`)).body.summary).toBe('场馆预约与客流');

    // who sees it but may not change it is told why
    await expectAnswer(at(users.scjgPublisher, 'GET', `/resources/${id}/history`), 403, 'CATALOG.NOT_YOUR_AGENCY');
    await expectAnswer(
      at(users.scjgPublisher, 'POST', `/resources/${id}/withdraw`, { reason: '停止' }),
      403,
      'CATALOG.NOT_YOUR_AGENCY',
    );
    await expectAnswer(
      at(users.shAdmin, 'POST', `/resources/${id}/withdraw`, { reason: '停止' }),
      403,
      'CATALOG.WRONG_PROVINCE',
    );

    // withdrawn, it leaves the region: only its owners still see it
    await expectAnswer(at(users.dsjjPublisher, 'POST', `/resources/${id}/withdraw`, { reason: '数据停止更新' }), 200);
    await expectAnswer(at(users.scjgPublisher, 'GET', `/resources/${id}`), 404, 'CATALOG.NOT_FOUND');
    await expectAnswer(at(users.scjgPublisher, 'GET', `/resources/${id}/versions/2`), 404, 'CATALOG.NOT_FOUND');
    expect((await at(users.zjAdmin, 'GET', `/resources/${id}`)).body.status).toBe('withdrawn');
  });
});
