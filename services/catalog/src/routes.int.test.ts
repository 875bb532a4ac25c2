/**
 * Every route of the catalogue through `http.inject()` on a catalogue built but never listening
 * (in-memory PGlite, the testbed's nats-server for its announcements): one row per refusal — 401
 * without a token, 403 for the wrong role, agency or province, 400 for a malformed body or
 * parameter, 404 for an unknown id, 409 for the wrong state — and one success per route.
 * What crosses processes (federation, the listening server) stays in the other int tests.
 */
import type { Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog, type CatalogModule, columns, entryRows, writeTableFile } from './index.js';

const ZJ_DSJJ = agencyCode('zj', 2);
const ZJ_SCJG = agencyCode('zj', 3);
const ZJ_ADMIN_AGENCY = agencyCode('zj', 9);
const names = new Map([
  [ZJ_DSJJ, '浙江省大数据发展管理局'],
  [ZJ_SCJG, '浙江省市场监督管理局'],
  [ZJ_ADMIN_AGENCY, '浙江省数据局'],
]);
const agencies = { nameOf: (code: string) => names.get(code) };

const users = {
  dsjjPublisher: aPrincipal({ province: 'zj', sub: 'zj-dsjj-pub', agency: ZJ_DSJJ, roles: ['publisher'] }),
  scjgPublisher: aPrincipal({ province: 'zj', sub: 'zj-scjg-pub', agency: ZJ_SCJG, roles: ['publisher'] }),
  zjRequester: aPrincipal({ province: 'zj', sub: 'zj-req', agency: ZJ_SCJG, roles: ['requester'] }),
  zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: ZJ_ADMIN_AGENCY, roles: ['admin'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
};
type Who = keyof typeof users | 'nobody';

const provider = { creditCode: ZJ_DSJJ, name: names.get(ZJ_DSJJ) ?? '' };
/** published from the seed: the entry every refusal is tried on */
const published = aResource('zj', '330000-DSJ-00001', { provider });
/** published from the seed, withdrawn by the success row of its route */
const toWithdraw = aResource('zj', '330000-DSJ-00005', { provider });

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

interface Row {
  name: string;
  as: Who;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** under /api/catalog/v1; `{draft}` and the like are the fixtures' ids */
  path: string;
  body?: unknown;
  /** the raw body and its content type (a file, broken JSON) */
  raw?: { payload: string | Buffer; type: string };
  status: number;
  /** a refusal's problem+json code */
  code?: string;
}

describe('catalogue routes through inject(): each refusal and one success', () => {
  let tb: Testbed;
  let catalog: CatalogModule;
  const ids: Record<string, string> = { published: published.id, toWithdraw: toWithdraw.id };
  const tokens = new Map<Who, string>();

  const send = async (as: Who, method: Row['method'], path: string, body?: unknown, raw?: Row['raw']) => {
    const url = `/api/catalog/v1${path.replace(/\{(\w+)\}/g, (_m, k: string) => ids[k] ?? `missing-${k}`)}`;
    const token = tokens.get(as);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (raw) headers['content-type'] = raw.type;
    const res = await catalog.http.inject({
      method,
      url,
      headers,
      ...(raw ? { payload: raw.payload } : body === undefined ? {} : { payload: body as object }),
    });
    const type = String(res.headers['content-type'] ?? '');
    const json = type.includes('json') ? (res.json() as Record<string, unknown>) : {};
    return { status: res.statusCode, type, body: json, text: res.body, location: res.headers.location };
  };
  const csvOf = async () => ({ payload: Buffer.from(ids.csv ?? '', 'base64'), type: 'text/csv' });
  const ok = async (as: Who, method: Row['method'], path: string, body?: unknown) => {
    const res = await send(as, method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };

  beforeAll(async () => {
    tb = await createTestbed();
    for (const [who, p] of Object.entries(users) as [Who, Principal][]) tokens.set(who, await tb.token(p));
    catalog = await buildCatalog(await tb.deps('zj'), { agencies, seed: [published, toWithdraw] });
    tb.defer(() => catalog.http.close());

    const create = async (code: string) =>
      String((await ok('dsjjPublisher', 'POST', '/resources', input(code))).id ?? '');
    ids.draft = await create('330000-DSJ-00002');
    ids.toSubmit = await create('330000-DSJ-00003');
    ids.submitted = await create('330000-DSJ-00004');
    await ok('dsjjPublisher', 'POST', '/resources/{submitted}/submit');
    ids.toPublish = await create('330000-DSJ-00006');
    ids.withdrawn = await create('330000-DSJ-00007');
    await ok('dsjjPublisher', 'POST', '/resources/{withdrawn}/withdraw', { reason: '停止更新' });

    const file = (code: string) =>
      writeTableFile('csv', [
        columns.map((c) => c.header),
        ...entryRows(aResource('zj', code, { provider, status: 'draft' })),
      ]);
    ids.csv = (await file('330000-DSJ-00010')).toString('base64');
    const imported = await send('dsjjPublisher', 'POST', '/imports?wait=true', undefined, await csvOf());
    expect(imported.body, JSON.stringify(imported.body)).toMatchObject({ status: 'done', created: 1 });
    ids.job = String(imported.body.id);

    ids.duty = String(
      (
        await ok('zjAdmin', 'POST', '/duties', {
          agencyCreditCode: ZJ_DSJJ,
          classCode: 'A01-01-02-01',
          name: '户籍人口',
        })
      ).id,
    );
    ids.dutyToRemove = String(
      (
        await ok('zjAdmin', 'POST', '/duties', {
          agencyCreditCode: ZJ_DSJJ,
          classCode: 'A01-01-04-01',
          name: '居住登记',
        })
      ).id,
    );
    const negative = { reason: '涉及公民个人隐私', legalBasis: '《中华人民共和国个人信息保护法》第二十八条' };
    ids.negative = String((await ok('zjAdmin', 'POST', '/negative-list', { classCode: 'A01-01-02', ...negative })).id);
    ids.negativeToRemove = String(
      (await ok('zjAdmin', 'POST', '/negative-list', { classCode: 'A02', ...negative })).id,
    );
  }, 60_000);
  afterAll(() => tb?.close());

  const tooLong = 'x'.repeat(101);
  const unknown = 'zj.330000-DSJ-09999';

  // biome-ignore format: a table reads best one case a line
  const rows: Row[] = [
    // search and the class table: any signed-in user
    { name: 'search: no token', as: 'nobody', method: 'GET', path: '/resources', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'search: page 0', as: 'zjRequester', method: 'GET', path: '/resources?page=0', status: 400, code: 'REQUEST.INVALID' },
    { name: 'search: unknown province', as: 'zjRequester', method: 'GET', path: '/resources?province=xx', status: 400, code: 'REQUEST.INVALID' },
    { name: 'search: ok', as: 'shAdmin', method: 'GET', path: '/resources?q=场馆', status: 200 },
    { name: 'classes: no token', as: 'nobody', method: 'GET', path: '/classes', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'classes: ok', as: 'zjRequester', method: 'GET', path: '/classes', status: 200 },

    // one entry
    { name: 'get: no token', as: 'nobody', method: 'GET', path: '/resources/{published}', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'get: id longer than a path parameter may be', as: 'zjRequester', method: 'GET', path: `/resources/${tooLong}`, status: 414, code: 'REQUEST.URL_TOO_LONG' },
    { name: 'get: unknown id', as: 'zjRequester', method: 'GET', path: `/resources/${unknown}`, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'get: another agency’s draft', as: 'scjgPublisher', method: 'GET', path: '/resources/{draft}', status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'get: ok', as: 'shAdmin', method: 'GET', path: '/resources/{published}', status: 200 },

    // create
    { name: 'create: no token', as: 'nobody', method: 'POST', path: '/resources', body: input('330000-DSJ-00020'), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'create: a requester', as: 'zjRequester', method: 'POST', path: '/resources', body: input('330000-DSJ-00020'), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'create: for another agency', as: 'scjgPublisher', method: 'POST', path: '/resources', body: input('330000-DSJ-00020'), status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'create: in another province', as: 'shAdmin', method: 'POST', path: '/resources', body: input('330000-DSJ-00020'), status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'create: body without items', as: 'dsjjPublisher', method: 'POST', path: '/resources', body: { resourceCode: '330000-DSJ-00020' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'create: broken JSON', as: 'dsjjPublisher', method: 'POST', path: '/resources', raw: { payload: '{"resourceCode":', type: 'application/json' }, status: 400, code: 'REQUEST.MALFORMED' },
    { name: 'create: code of another province', as: 'dsjjPublisher', method: 'POST', path: '/resources', body: input('310000-DSJ-00020'), status: 400, code: 'CATALOG.RESOURCE_CODE_PROVINCE' },
    { name: 'create: code taken', as: 'dsjjPublisher', method: 'POST', path: '/resources', body: input('330000-DSJ-00001'), status: 409, code: 'CATALOG.DUPLICATE_RESOURCE_CODE' },
    { name: 'create: ok', as: 'dsjjPublisher', method: 'POST', path: '/resources', body: input('330000-DSJ-00020'), status: 201 },

    // change
    { name: 'update: no token', as: 'nobody', method: 'PUT', path: '/resources/{draft}', body: input('330000-DSJ-00002'), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'update: a requester', as: 'zjRequester', method: 'PUT', path: '/resources/{published}', body: input('330000-DSJ-00001'), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'update: another agency’s published entry', as: 'scjgPublisher', method: 'PUT', path: '/resources/{published}', body: input('330000-DSJ-00001'), status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'update: from another province', as: 'shAdmin', method: 'PUT', path: '/resources/{published}', body: input('330000-DSJ-00001'), status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'update: body not an entry', as: 'dsjjPublisher', method: 'PUT', path: '/resources/{draft}', body: { name: 1 }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'update: another resource code', as: 'dsjjPublisher', method: 'PUT', path: '/resources/{draft}', body: input('330000-DSJ-00099'), status: 400, code: 'CATALOG.RESOURCE_CODE_FIXED' },
    { name: 'update: unknown id', as: 'dsjjPublisher', method: 'PUT', path: `/resources/${unknown}`, body: input('330000-DSJ-09999'), status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'update: withdrawn', as: 'dsjjPublisher', method: 'PUT', path: '/resources/{withdrawn}', body: input('330000-DSJ-00007'), status: 409, code: 'CATALOG.WITHDRAWN' },
    { name: 'update: ok', as: 'dsjjPublisher', method: 'PUT', path: '/resources/{draft}', body: input('330000-DSJ-00002', {summary: '第二稿' }), status: 200 },

    // history and versions
    { name: 'history: no token', as: 'nobody', method: 'GET', path: '/resources/{published}/history', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'history: a requester', as: 'zjRequester', method: 'GET', path: '/resources/{published}/history', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'history: another agency', as: 'scjgPublisher', method: 'GET', path: '/resources/{published}/history', status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'history: unknown id', as: 'zjAdmin', method: 'GET', path: `/resources/${unknown}/history`, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'history: ok', as: 'dsjjPublisher', method: 'GET', path: '/resources/{published}/history', status: 200 },
    { name: 'version: no token', as: 'nobody', method: 'GET', path: '/resources/{published}/versions/1', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'version: version 0', as: 'zjRequester', method: 'GET', path: '/resources/{published}/versions/0', status: 400, code: 'REQUEST.INVALID' },
    { name: 'version: not a number', as: 'zjRequester', method: 'GET', path: '/resources/{published}/versions/one', status: 400, code: 'REQUEST.INVALID' },
    { name: 'version: unknown version', as: 'zjRequester', method: 'GET', path: '/resources/{published}/versions/9', status: 404, code: 'CATALOG.VERSION_NOT_FOUND' },
    { name: 'version: unknown id', as: 'zjRequester', method: 'GET', path: `/resources/${unknown}/versions/1`, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'version: ok', as: 'zjRequester', method: 'GET', path: '/resources/{published}/versions/1', status: 200 },

    // the review workflow
    { name: 'submit: no token', as: 'nobody', method: 'POST', path: '/resources/{toSubmit}/submit', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'submit: a requester', as: 'zjRequester', method: 'POST', path: '/resources/{toSubmit}/submit', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'submit: another agency', as: 'scjgPublisher', method: 'POST', path: '/resources/{published}/submit', status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'submit: unknown id', as: 'dsjjPublisher', method: 'POST', path: `/resources/${unknown}/submit`, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'submit: published', as: 'dsjjPublisher', method: 'POST', path: '/resources/{published}/submit', status: 409, code: 'CATALOG.NOT_DRAFT' },
    { name: 'submit: ok', as: 'dsjjPublisher', method: 'POST', path: '/resources/{toSubmit}/submit', status: 200 },
    { name: 'review: no token', as: 'nobody', method: 'POST', path: '/resources/{submitted}/review', body: { decision: 'approve' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'review: a publisher', as: 'dsjjPublisher', method: 'POST', path: '/resources/{submitted}/review', body: { decision: 'approve' }, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'review: another province’s admin', as: 'shAdmin', method: 'POST', path: '/resources/{published}/review', body: { decision: 'approve' }, status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'review: no such decision', as: 'zjAdmin', method: 'POST', path: '/resources/{submitted}/review', body: { decision: 'maybe' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'review: sent back without a reason', as: 'zjAdmin', method: 'POST', path: '/resources/{submitted}/review', body: { decision: 'reject' }, status: 400, code: 'CATALOG.REASON_REQUIRED' },
    { name: 'review: unknown id', as: 'zjAdmin', method: 'POST', path: `/resources/${unknown}/review`, body: { decision: 'approve' }, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'review: a draft', as: 'zjAdmin', method: 'POST', path: '/resources/{draft}/review', body: { decision: 'approve' }, status: 409, code: 'CATALOG.NOT_SUBMITTED' },
    { name: 'review: ok', as: 'zjAdmin', method: 'POST', path: '/resources/{submitted}/review', body: { decision: 'approve' }, status: 200 },
    { name: 'publish: no token', as: 'nobody', method: 'POST', path: '/resources/{toPublish}/publish', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'publish: a requester', as: 'zjRequester', method: 'POST', path: '/resources/{toPublish}/publish', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'publish: a publisher must submit', as: 'dsjjPublisher', method: 'POST', path: '/resources/{toPublish}/publish', status: 403, code: 'CATALOG.REVIEW_REQUIRED' },
    { name: 'publish: another province’s admin', as: 'shAdmin', method: 'POST', path: '/resources/{published}/publish', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'publish: unknown id', as: 'zjAdmin', method: 'POST', path: `/resources/${unknown}/publish`, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'publish: withdrawn', as: 'zjAdmin', method: 'POST', path: '/resources/{withdrawn}/publish', status: 409, code: 'CATALOG.WITHDRAWN' },
    { name: 'publish: ok', as: 'zjAdmin', method: 'POST', path: '/resources/{toPublish}/publish', status: 200 },
    { name: 'withdraw: no token', as: 'nobody', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '停止' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'withdraw: a requester', as: 'zjRequester', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '停止' }, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'withdraw: another agency', as: 'scjgPublisher', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '停止' }, status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'withdraw: another province’s admin', as: 'shAdmin', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '停止' }, status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'withdraw: no body', as: 'dsjjPublisher', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'withdraw: a blank reason', as: 'dsjjPublisher', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '  ' }, status: 400, code: 'CATALOG.REASON_REQUIRED' },
    { name: 'withdraw: unknown id', as: 'dsjjPublisher', method: 'POST', path: `/resources/${unknown}/withdraw`, body: { reason: '停止' }, status: 404, code: 'CATALOG.NOT_FOUND' },
    { name: 'withdraw: ok', as: 'dsjjPublisher', method: 'POST', path: '/resources/{toWithdraw}/withdraw', body: { reason: '数据停止更新' }, status: 200 },

    // import and export
    { name: 'import: no token', as: 'nobody', method: 'POST', path: '/imports', raw: { payload: 'a,b', type: 'text/csv' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'import: a requester', as: 'zjRequester', method: 'POST', path: '/imports', raw: { payload: 'a,b', type: 'text/csv' }, status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'import: another province’s admin', as: 'shAdmin', method: 'POST', path: '/imports', raw: { payload: 'a,b', type: 'text/csv' }, status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'import: a JSON body', as: 'dsjjPublisher', method: 'POST', path: '/imports', body: { rows: [] }, status: 400, code: 'IMPORT.FORMAT_UNKNOWN' },
    { name: 'import: an XML body', as: 'dsjjPublisher', method: 'POST', path: '/imports', raw: { payload: '<a/>', type: 'application/xml' }, status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
    { name: 'import: no such format', as: 'dsjjPublisher', method: 'POST', path: '/imports?format=pdf', raw: { payload: 'a,b', type: 'text/csv' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'import: a file of bad rows', as: 'dsjjPublisher', method: 'POST', path: '/imports?wait=true', raw: { payload: 'a,b\n1,2', type: 'text/csv' }, status: 400, code: 'IMPORT.COLUMN_MISSING' },
    { name: 'job: no token', as: 'nobody', method: 'GET', path: '/imports/{job}', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'job: a requester', as: 'zjRequester', method: 'GET', path: '/imports/{job}', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'job: id too long', as: 'dsjjPublisher', method: 'GET', path: `/imports/${'j'.repeat(65)}`, status: 400, code: 'REQUEST.INVALID' },
    { name: 'job: another publisher’s', as: 'scjgPublisher', method: 'GET', path: '/imports/{job}', status: 404, code: 'CATALOG.IMPORT_NOT_FOUND' },
    { name: 'job: unknown id', as: 'zjAdmin', method: 'GET', path: '/imports/nope', status: 404, code: 'CATALOG.IMPORT_NOT_FOUND' },
    { name: 'job: ok', as: 'dsjjPublisher', method: 'GET', path: '/imports/{job}', status: 200 },
    { name: 'export: no token', as: 'nobody', method: 'GET', path: '/export', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'export: no such format', as: 'zjRequester', method: 'GET', path: '/export?format=pdf', status: 400, code: 'REQUEST.INVALID' },
    { name: 'export own: a requester', as: 'zjRequester', method: 'GET', path: '/export?scope=own', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'export own: another province’s admin', as: 'shAdmin', method: 'GET', path: '/export?scope=own', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'export: ok', as: 'zjRequester', method: 'GET', path: '/export?format=csv', status: 200 },

    // 本单位目录: own entries in every state
    { name: 'own entries: no token', as: 'nobody', method: 'GET', path: '/own-resources', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'own entries: a requester', as: 'zjRequester', method: 'GET', path: '/own-resources', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'own entries: another province’s admin', as: 'shAdmin', method: 'GET', path: '/own-resources', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'own entries: no such state', as: 'dsjjPublisher', method: 'GET', path: '/own-resources?status=archived', status: 400, code: 'REQUEST.INVALID' },
    { name: 'own entries: page size 0', as: 'dsjjPublisher', method: 'GET', path: '/own-resources?pageSize=0', status: 400, code: 'REQUEST.INVALID' },
    { name: 'own entries: q too long', as: 'dsjjPublisher', method: 'GET', path: `/own-resources?q=${tooLong}`, status: 400, code: 'REQUEST.INVALID' },
    { name: 'own entries: ok', as: 'dsjjPublisher', method: 'GET', path: '/own-resources?status=draft&q=场馆', status: 200 },

    // 共享责任清单
    { name: 'duties: no token', as: 'nobody', method: 'GET', path: '/duties', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'duties: a requester', as: 'zjRequester', method: 'GET', path: '/duties', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'duties: another province’s admin', as: 'shAdmin', method: 'GET', path: '/duties', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'duties: another agency’s', as: 'scjgPublisher', method: 'GET', path: `/duties?agency=${ZJ_DSJJ}`, status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'duties: includeRemoved not a flag', as: 'zjAdmin', method: 'GET', path: '/duties?includeRemoved=yes', status: 400, code: 'REQUEST.INVALID' },
    { name: 'duties: not a credit code', as: 'zjAdmin', method: 'GET', path: '/duties?agency=123', status: 400, code: 'CATALOG.INVALID_CREDIT_CODE' },
    { name: 'duties: ok', as: 'dsjjPublisher', method: 'GET', path: '/duties', status: 200 },
    { name: 'add duty: no token', as: 'nobody', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01-01-01-01', name: '营业执照' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'add duty: a publisher', as: 'dsjjPublisher', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01-01-01-01', name: '营业执照' }, status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'add duty: another province’s admin', as: 'shAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01-01-01-01', name: '营业执照' }, status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'add duty: a one-letter name', as: 'zjAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01-01-01-01', name: '照' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'add duty: unregistered agency', as: 'zjAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: agencyCode('zj', 77), classCode: 'B01-01-01-01', name: '营业执照' }, status: 400, code: 'CATALOG.UNKNOWN_AGENCY' },
    { name: 'add duty: not a 细目', as: 'zjAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01', name: '营业执照' }, status: 400, code: 'CATALOG.UNKNOWN_CLASS_CODE' },
    { name: 'add duty: listed already', as: 'zjAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_DSJJ, classCode: 'A01-01-02-01', name: '户籍人口' }, status: 409, code: 'CATALOG.DUPLICATE_DUTY' },
    { name: 'add duty: ok', as: 'zjAdmin', method: 'POST', path: '/duties', body: { agencyCreditCode: ZJ_SCJG, classCode: 'B01-01-01-01', name: '营业执照' }, status: 201 },
    { name: 'remove duty: no token', as: 'nobody', method: 'DELETE', path: '/duties/{dutyToRemove}?reason=合并', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'remove duty: a publisher', as: 'dsjjPublisher', method: 'DELETE', path: '/duties/{dutyToRemove}?reason=合并', status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'remove duty: id longer than a path parameter may be', as: 'zjAdmin', method: 'DELETE', path: `/duties/${tooLong}?reason=合并`, status: 414, code: 'REQUEST.URL_TOO_LONG' },
    { name: 'remove duty: no reason', as: 'zjAdmin', method: 'DELETE', path: '/duties/{dutyToRemove}', status: 400, code: 'CATALOG.REASON_REQUIRED' },
    { name: 'remove duty: unknown id', as: 'zjAdmin', method: 'DELETE', path: '/duties/nope?reason=合并', status: 404, code: 'CATALOG.DUTY_NOT_FOUND' },
    { name: 'remove duty: ok', as: 'zjAdmin', method: 'DELETE', path: '/duties/{dutyToRemove}', body: { reason: '与另一项合并' }, status: 200 },

    // 负面清单
    { name: 'negative list: no token', as: 'nobody', method: 'GET', path: '/negative-list', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'negative list: a requester', as: 'zjRequester', method: 'GET', path: '/negative-list', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'negative list: another province’s admin', as: 'shAdmin', method: 'GET', path: '/negative-list', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'negative list: ok', as: 'scjgPublisher', method: 'GET', path: '/negative-list?includeRemoved=true', status: 200 },
    { name: 'list negative: no token', as: 'nobody', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', reason: '出入境', legalBasis: '法' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'list negative: a publisher', as: 'dsjjPublisher', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', reason: '出入境', legalBasis: '法' }, status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'list negative: reason not text', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', reason: 5 }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'list negative: class and entry both', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', resourceId: published.id, reason: '出入境', legalBasis: '法' }, status: 400, code: 'CATALOG.NEGATIVE_TARGET' },
    { name: 'list negative: no legal basis', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', reason: '出入境' }, status: 400, code: 'CATALOG.LEGAL_BASIS_REQUIRED' },
    { name: 'list negative: unknown entry', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { resourceId: unknown, reason: '出入境', legalBasis: '法' }, status: 400, code: 'CATALOG.UNKNOWN_RESOURCE' },
    { name: 'list negative: listed already', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { classCode: 'A01-01-02', reason: '户籍', legalBasis: '法' }, status: 409, code: 'CATALOG.DUPLICATE_NEGATIVE_ENTRY' },
    { name: 'list negative: ok', as: 'zjAdmin', method: 'POST', path: '/negative-list', body: { classCode: 'A01-03', reason: '出入境', legalBasis: '《出境入境管理法》' }, status: 201 },
    { name: 'unlist negative: no token', as: 'nobody', method: 'DELETE', path: '/negative-list/{negativeToRemove}?reason=调整', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'unlist negative: a publisher', as: 'dsjjPublisher', method: 'DELETE', path: '/negative-list/{negativeToRemove}?reason=调整', status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'unlist negative: no reason', as: 'zjAdmin', method: 'DELETE', path: '/negative-list/{negativeToRemove}', status: 400, code: 'CATALOG.REASON_REQUIRED' },
    { name: 'unlist negative: unknown id', as: 'zjAdmin', method: 'DELETE', path: '/negative-list/nope?reason=调整', status: 404, code: 'CATALOG.NEGATIVE_ENTRY_NOT_FOUND' },
    { name: 'unlist negative: ok', as: 'zjAdmin', method: 'DELETE', path: '/negative-list/{negativeToRemove}?reason=政策调整', status: 200 },

    // 履责情况
    { name: 'compliance: no token', as: 'nobody', method: 'GET', path: '/compliance', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'compliance: a requester', as: 'zjRequester', method: 'GET', path: '/compliance', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'compliance: another agency’s', as: 'scjgPublisher', method: 'GET', path: `/compliance?agency=${ZJ_DSJJ}`, status: 403, code: 'CATALOG.NOT_YOUR_AGENCY' },
    { name: 'compliance: another province’s admin', as: 'shAdmin', method: 'GET', path: '/compliance', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'compliance: ok', as: 'zjAdmin', method: 'GET', path: '/compliance', status: 200 },

    // 检索同义词表 (the migration seeds seed-01 …, 社保 ⇄ 社会保险 among them)
    { name: 'synonyms: no token', as: 'nobody', method: 'GET', path: '/search-synonyms', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'synonyms: a requester', as: 'zjRequester', method: 'GET', path: '/search-synonyms', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'synonyms: another province’s admin', as: 'shAdmin', method: 'GET', path: '/search-synonyms', status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'synonyms: includeRemoved not a flag', as: 'zjAdmin', method: 'GET', path: '/search-synonyms?includeRemoved=1', status: 400, code: 'REQUEST.INVALID' },
    { name: 'synonyms: ok', as: 'dsjjPublisher', method: 'GET', path: '/search-synonyms', status: 200 },
    { name: 'add synonym: no token', as: 'nobody', method: 'POST', path: '/search-synonyms', body: { term: '网约车', synonym: '网络预约出租汽车' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'add synonym: a publisher', as: 'dsjjPublisher', method: 'POST', path: '/search-synonyms', body: { term: '网约车', synonym: '网络预约出租汽车' }, status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'add synonym: another province’s admin', as: 'shAdmin', method: 'POST', path: '/search-synonyms', body: { term: '网约车', synonym: '网络预约出租汽车' }, status: 403, code: 'CATALOG.WRONG_PROVINCE' },
    { name: 'add synonym: punctuation', as: 'zjAdmin', method: 'POST', path: '/search-synonyms', body: { term: '网约车!', synonym: '网络预约出租汽车' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'add synonym: the same word folded', as: 'zjAdmin', method: 'POST', path: '/search-synonyms', body: { term: '醫保', synonym: '医保' }, status: 400, code: 'CATALOG.SYNONYM_SAME' },
    { name: 'add synonym: listed already', as: 'zjAdmin', method: 'POST', path: '/search-synonyms', body: { term: '社保', synonym: '社会保险' }, status: 409, code: 'CATALOG.DUPLICATE_SYNONYM' },
    { name: 'add synonym: ok', as: 'zjAdmin', method: 'POST', path: '/search-synonyms', body: { term: '网约车', synonym: '网络预约出租汽车' }, status: 201 },
    { name: 'remove synonym: no token', as: 'nobody', method: 'DELETE', path: '/search-synonyms/seed-02?reason=过时', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'remove synonym: a publisher', as: 'dsjjPublisher', method: 'DELETE', path: '/search-synonyms/seed-02?reason=过时', status: 403, code: 'CATALOG.ADMIN_REQUIRED' },
    { name: 'remove synonym: not a line id', as: 'zjAdmin', method: 'DELETE', path: '/search-synonyms/a%20b?reason=过时', status: 400, code: 'REQUEST.INVALID' },
    { name: 'remove synonym: no reason', as: 'zjAdmin', method: 'DELETE', path: '/search-synonyms/seed-02', status: 400, code: 'CATALOG.REASON_REQUIRED' },
    { name: 'remove synonym: unknown id', as: 'zjAdmin', method: 'DELETE', path: '/search-synonyms/seed-999?reason=过时', status: 404, code: 'CATALOG.SYNONYM_NOT_FOUND' },
    { name: 'remove synonym: ok', as: 'zjAdmin', method: 'DELETE', path: '/search-synonyms/seed-02?reason=过时', status: 200 },

    // no such route, and a body too deep for any route
    { name: 'an unknown route', as: 'zjAdmin', method: 'GET', path: '/nothing-here', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
    { name: 'a body nested too deep', as: 'dsjjPublisher', method: 'POST', path: '/resources', raw: { payload: `${'['.repeat(200)}${']'.repeat(200)}`, type: 'application/json' }, status: 400, code: 'REQUEST.TOO_DEEP' },
  ];

  const cases = rows.map((row) => [`${row.name} → ${row.status}${row.code ? ` ${row.code}` : ''}`, row] as const);
  it.each(cases)('%s', async (_title, row) => {
    const res = await send(row.as, row.method, row.path, row.body, row.raw);
    expect(res.status, JSON.stringify(res.body)).toBe(row.status);
    if (row.code) {
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe(row.code);
      expect(res.body.status).toBe(row.status);
    } else {
      expect(res.type).not.toContain('problem');
    }
  });

  it('import: ok — the same file again changes nothing; without wait, 202 and where to poll', async () => {
    const res = await send('dsjjPublisher', 'POST', '/imports?wait=true', undefined, await csvOf());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', created: 0 });
    // and without wait: 202 with where to poll (no public base URL configured: a path of its own)
    const started = await send('dsjjPublisher', 'POST', '/imports', undefined, await csvOf());
    expect(started.status).toBe(202);
    expect(started.location).toBe(`/api/catalog/v1/imports/${String(started.body.id)}`);
  });

  it('own entries: the agency’s in one state, newest change first, with the count of each state', async () => {
    type Page = {
      total: number;
      items: { id: string; status: string; updatedAt: string }[];
      counts: Record<string, number>;
    };
    const page = async (as: Who, query: string) =>
      (await send(as, 'GET', `/own-resources${query}`)).body as unknown as Page;
    const all = await page('dsjjPublisher', '?pageSize=100');
    const draft = all.counts.draft;
    expect(all.total).toBe(Object.values(all.counts).reduce((a, b) => a + b, 0));
    expect(all.items.map((i) => i.id)).toEqual(expect.arrayContaining([ids.draft, ids.withdrawn, published.id]));
    const times = all.items.map((i) => i.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
    const drafts = await page('dsjjPublisher', '?status=draft');
    expect(drafts.total).toBe(draft);
    expect(drafts.items.every((i) => i.status === 'draft')).toBe(true);
    expect(drafts.counts).toEqual(all.counts);
    // by resource code, and another agency's publisher sees none of these
    expect((await page('dsjjPublisher', '?q=DSJ-00002')).items.map((i) => i.id)).toEqual([ids.draft]);
    expect((await page('scjgPublisher', '?pageSize=100')).items.some((i) => i.id === ids.draft)).toBe(false);
    expect((await page('zjAdmin', '?pageSize=100')).total).toBe(all.total);
  });

  it('the success rows changed what they say', async () => {
    const get = async (key: string) => (await send('zjAdmin', 'GET', `/resources/{${key}}`)).body.status;
    expect(await get('toSubmit')).toBe('submitted');
    expect(await get('submitted')).toBe('published');
    expect(await get('toPublish')).toBe('published');
    expect(await get('toWithdraw')).toBe('withdrawn');
    expect((await send('zjAdmin', 'GET', '/resources/{draft}')).body.summary).toBe('第二稿');
    const duties = (await send('zjAdmin', 'GET', '/duties?includeRemoved=true')).body.items as {
      id: string;
      removedAt?: string;
    }[];
    expect(duties.find((d) => d.id === ids.dutyToRemove)?.removedAt).toEqual(expect.any(String));
    const csv = (await send('zjRequester', 'GET', '/export?format=csv')).text;
    expect(csv).toContain('330000-DSJ-00001');
  });
});
