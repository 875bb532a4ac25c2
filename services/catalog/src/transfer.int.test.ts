/**
 * Bulk import and export over HTTP on a real database: a file of one row per data item goes in all
 * or nothing, with row errors; the catalogue comes out as CSV, XLSX and DCAT, and an export can be
 * edited and imported back.
 */
import type { Province } from '@yrd/region';
import { agencyCode, aPrincipal, aResource, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import jsonld from 'jsonld';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { columns } from './domain/table.js';
import { type RunningCatalog, startCatalog } from './index.js';

const agencies = { nameOf: (code: string) => (code.startsWith('11') ? '测试单位' : undefined) };
const publisher = (p: Province, n = 1) =>
  aPrincipal({ province: p, sub: `${p}-publisher-${n}`, roles: ['publisher'], agency: agencyCode(p, n) });
const admin = aPrincipal({ province: 'zj', sub: 'zj-admin', roles: ['admin'], agency: agencyCode('zj', 9) });
const header = columns.map((c) => c.header);
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** where the province's users reach it: not the catalogue's own port */
const publicBaseUrl = 'https://zj.yrd.example/gateway';

/** One entry as rows of the import layout: two data items. */
function rows(code: string, o: { name?: string; grade?: string; classCode?: string; agency?: string } = {}) {
  const entry = {
    资源代码: code,
    分类代码: o.classCode ?? 'B01-01-01-01',
    资源名称: o.name ?? '营业执照信息',
    提供单位统一社会信用代码: o.agency ?? agencyCode('zj'),
    资源摘要: '市场主体登记信息',
    更新周期: '每日',
    共享属性: '有条件共享',
    共享方式: '接口;核验',
    开放属性: '不予开放',
    资源分级: '一般',
  };
  const items = [
    { 信息项名称: '统一社会信用代码', 信息项标识: 'credit_code', 信息项分级: '一般', 一般数据子级: '1', 查询键: '是' },
    {
      信息项名称: '法定代表人',
      信息项标识: 'legal_representative',
      信息项分级: o.grade ?? '一般',
      一般数据子级: '3',
      个人信息: '是',
      个人信息类型: '姓名',
    },
  ];
  return items.map((it) => header.map((h) => ({ ...entry, ...it })[h as keyof typeof entry] ?? ''));
}

describe('catalogue import and export', () => {
  let tb: Testbed;
  let zj: RunningCatalog;
  let base: string;

  const upload = async (as: Province | typeof admin, body: string | Buffer, type: string, query = '?wait=true') => {
    const who = typeof as === 'string' ? publisher(as) : as;
    const res = await fetch(`${base}/api/catalog/v1/imports${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tb.token(who)}`, 'content-type': type },
      body,
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Reply['body'] };
  };
  const csv = (...entries: string[][][]) => stringify([header, ...entries.flat()], { bom: true });
  const ownCount = async () =>
    (await zj.app.ownEntries({}, admin)).filter((r) => r.resourceCode.includes('-IMP-')).length;

  beforeAll(async () => {
    tb = await createTestbed();
    zj = await tb.started(
      startCatalog(await tb.deps('zj'), {
        agencies,
        seed: [
          aResource('zj', '330000-SCJG-00001', {
            name: '营业执照信息',
            provider: { creditCode: agencyCode('zj'), name: '测试单位' },
          }),
        ],
        resyncMs: 60_000,
        publicBaseUrl,
      }),
    );
    base = zj.httpUrl;
  });
  afterAll(() => tb.close());

  it('imports a CSV as drafts in one go, and says so in each entry’s history', async () => {
    const res = await upload(
      'zj',
      csv(rows('330000-IMP-00001'), rows('330000-IMP-00002', { name: '食品经营许可' })),
      'text/csv',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      rows: 4,
      entries: 2,
      created: 2,
      updated: 0,
      written: 2,
      errorCount: 0,
    });
    const entry = await tb.http(base, publisher('zj'), 'GET', '/api/catalog/v1/resources/zj.330000-IMP-00001');
    expect(entry.body).toMatchObject({
      status: 'draft',
      version: 1,
      keyItems: ['credit_code'],
      sharingModes: ['interface', 'verify'],
    });
    const history = await tb.http(
      base,
      publisher('zj'),
      'GET',
      '/api/catalog/v1/resources/zj.330000-IMP-00001/history',
    );
    expect(history.body.history[0]).toMatchObject({ action: 'created', changedBy: 'zj-publisher-1' });
    expect(String(history.body.history[0].reason)).toContain('批量导入');
  });

  it('writes nothing when any row is wrong, and names every wrong row and column', async () => {
    const before = await ownCount();
    const res = await upload(
      'zj',
      csv(
        rows('330000-IMP-00010'),
        rows('330000-IMP-00011', { classCode: 'Z99-01-01-01' }),
        rows('330000-IMP-00012', { grade: '很重要' }),
        rows('330000-IMP-00013', { agency: agencyCode('zj', 2) }),
      ),
      'text/csv',
    );
    expect(res.status).toBe(400);
    const errors = res.body.details.job.errors as { row: number; column: string; code: string }[];
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, '分类代码', 'CATALOG.UNKNOWN_CLASS_CODE'],
      [7, '信息项分级', 'IMPORT.VALUE_INVALID'],
      [8, '提供单位统一社会信用代码', 'CATALOG.NOT_YOUR_AGENCY'],
    ]);
    expect(res.body.details.job).toMatchObject({ status: 'failed', errorCount: 3, written: 0 });
    expect(await ownCount()).toBe(before);
    expect((await tb.http(base, publisher('zj'), 'GET', '/api/catalog/v1/resources/zj.330000-IMP-00010')).status).toBe(
      404,
    );
  });

  it('runs a large file as a job whose progress can be read, then re-imports it without a change', async () => {
    const many = Array.from({ length: 300 }, (_, i) => rows(`330000-IMP-${String(1000 + i).padStart(5, '0')}`));
    const started = await upload('zj', csv(...many), 'text/csv', '');
    expect(started.status).toBe(202);
    const id = String(started.body.id);
    expect(started.headers.get('location')).toBe(`${publicBaseUrl}/api/catalog/v1/imports/${id}`);
    let job = started.body;
    const seen = new Set<string>([job.status]);
    for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await tb.http(base, publisher('zj'), 'GET', `/api/catalog/v1/imports/${id}`)).body;
      seen.add(job.status);
    }
    expect(job).toMatchObject({ status: 'done', rows: 600, entries: 300, checked: 300, written: 300, created: 300 });
    // another publisher cannot read the job
    expect((await tb.http(base, publisher('zj', 2), 'GET', `/api/catalog/v1/imports/${id}`)).status).toBe(404);
    const again = await upload('zj', csv(...many), 'text/csv');
    expect(again.body).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 300 });
  });

  it('exports the agency’s own entries as XLSX, and an edited export imports back as new versions', async () => {
    const res = await fetch(`${base}/api/catalog/v1/export?format=xlsx&scope=own&q=食品经营许可`, {
      headers: { authorization: `Bearer ${await tb.token(publisher('zj'))}` },
    });
    expect(res.headers.get('content-type')).toBe(xlsx);
    const sheet = await readSheet(Buffer.from(await res.arrayBuffer()));
    expect(sheet[0]).toEqual(header);
    expect(sheet).toHaveLength(3); // header and the two items of 330000-IMP-00002
    const summary = header.indexOf('资源摘要');
    const edited = sheet.map((row, i) =>
      row.map((c, j) => ({ value: i > 0 && j === summary ? '已更新的摘要' : String(c ?? '') })),
    );
    const back = await upload('zj', await writeXlsxFile(edited).toBuffer(), xlsx);
    expect(back.body).toMatchObject({ status: 'done', updated: 1, created: 0 });
    const entry = await tb.http(base, publisher('zj'), 'GET', '/api/catalog/v1/resources/zj.330000-IMP-00002');
    expect(entry.body).toMatchObject({ version: 2, summary: '已更新的摘要', status: 'draft' });
  });

  it('exports the regional published view as CSV and as DCAT JSON-LD', async () => {
    const res = await fetch(`${base}/api/catalog/v1/export?format=csv`, {
      headers: { authorization: `Bearer ${await tb.token(publisher('zj'))}` },
    });
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="yrd-catalog-zj-region-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const table = parse(Buffer.from(await res.arrayBuffer()), { bom: true }) as string[][];
    // drafts are not in the regional view: only the published seed
    expect(table.slice(1).map((r) => r[0])).toEqual(['330000-SCJG-00001', '330000-SCJG-00001']);

    // a caller's forwarding headers do not choose where the links point
    const dcat = await tb.http(base, publisher('zj'), 'GET', '/api/catalog/v1/export?format=dcat', undefined, {
      'x-forwarded-host': 'attacker.example',
      'x-forwarded-proto': 'https',
    });
    const expanded = (await jsonld.expand(dcat.body as jsonld.JsonLdDocument)) as Record<string, unknown>[];
    const datasets = expanded[0]?.['http://www.w3.org/ns/dcat#dataset'] as Record<string, unknown>[];
    expect(
      datasets.map((d) => (d['http://purl.org/dc/terms/identifier'] as { '@value': string }[])[0]?.['@value']),
    ).toEqual(['330000-SCJG-00001']);
    const links = JSON.stringify(expanded).match(/"@id":"[^"]*"/g) ?? [];
    const own = links.filter((l) => !l.includes('publications.europa.eu'));
    expect(own.length).toBeGreaterThanOrEqual(3); // the catalogue, the dataset, its distributions
    for (const link of own) expect(link).toMatch(/^"@id":"https:\/\/zj\.yrd\.example\/gateway\/api\//);
  });

  it.each([
    ['an empty file', '', 'text/csv', 'IMPORT.FILE_EMPTY'],
    [
      'a file that is not a spreadsheet',
      Buffer.from('PK\u0003\u0004 not really a zip'),
      xlsx,
      'IMPORT.FILE_UNREADABLE',
    ],
    ['a file of unknown type', 'a,b', 'application/octet-stream', 'IMPORT.FORMAT_UNKNOWN'],
    ['a CSV without the item columns', '资源代码,资源名称\n330000-IMP-09999,x\n', 'text/csv', 'IMPORT.COLUMN_MISSING'],
  ])('refuses %s with a 400', async (_what, body, type, code) => {
    const res = await upload('zj', body, type);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
  });

  it('refuses an import by a requester, and a province’s own export to another province’s user', async () => {
    const requester = aPrincipal({ province: 'zj', roles: ['requester'] });
    expect((await upload(requester, csv(rows('330000-IMP-00020')), 'text/csv')).status).toBe(403);
    const other = await tb.http(base, publisher('sh'), 'GET', '/api/catalog/v1/export?scope=own');
    expect(other.body.code).toBe('CATALOG.WRONG_PROVINCE');
  });
});
