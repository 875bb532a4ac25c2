import { aResource } from '@yrd/testing';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { toDcat } from './dcat.js';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';

describe('the catalogue as DCAT JSON-LD', () => {
  const doc = toDcat(
    [
      aResource('zj', '330000-SCJG-00001', {
        name: '营业执照信息',
        updateCycle: '每日',
        openTier: 'unconditional',
        format: 'JSON',
      }),
      aResource('sh', '310000-GA-00001', { sharingTier: 'none', openTier: 'none', legalBasis: '《户口登记条例》' }),
    ],
    { baseUrl: 'https://zj.yrd.example', province: 'zj', issuedAt: '2026-11-24T00:00:00.000Z' },
  );

  it('expands, with no network, into a dcat:Catalog of dcat:Datasets with their distributions', async () => {
    const expanded = (await jsonld.expand(doc as unknown as jsonld.JsonLdDocument)) as Record<string, unknown>[];
    const catalog = expanded.find((n) => (n['@type'] as string[]).includes(`${DCAT}Catalog`));
    expect(catalog).toBeDefined();
    const datasets = catalog?.[`${DCAT}dataset`] as Record<string, unknown>[];
    expect(datasets).toHaveLength(2);
    const licence = datasets[0] as Record<string, { '@value'?: string; '@id'?: string; '@type'?: string }[]>;
    expect(licence['@type']).toEqual([`${DCAT}Dataset`]);
    expect(licence[`${DCT}title`]?.[0]).toEqual({ '@language': 'zh', '@value': '营业执照信息' });
    expect(licence[`${DCT}accrualPeriodicity`]?.[0]?.['@id']).toBe(
      'http://publications.europa.eu/resource/authority/frequency/DAILY',
    );
    expect(licence[`${DCT}accessRights`]?.[0]?.['@id']).toBe(
      'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
    );
    expect(licence[`${DCT}issued`]?.[0]).toEqual({
      '@type': 'http://www.w3.org/2001/XMLSchema#date',
      '@value': '2026-01-01',
    });
    const dist = licence[`${DCAT}distribution`] as unknown as Record<string, { '@id'?: string; '@value'?: string }[]>[];
    expect(dist.map((d) => d[`${DCAT}accessURL`]?.[0]?.['@id'])).toEqual([
      'https://zj.yrd.example/api/exchange/v1/queries',
      'https://zj.yrd.example/api/exchange/v1/verifications',
    ]);
    expect(dist[0]?.[`${DCAT}mediaType`]?.[0]?.['@value']).toBe('application/json');
  });

  it('marks what is not shared as non-public, with its legal basis', () => {
    const household = doc['dcat:dataset'][1];
    expect(household?.['dct:accessRights']).toMatch(/NON_PUBLIC$/);
    expect(household?.['yrd:legalBasis']).toEqual({ '@language': 'zh', '@value': '《户口登记条例》' });
    expect(household?.['yrd:dataItem']).toHaveLength(2);
  });

  /** Every node and link IRI of the expanded document, but the EU authority tables' terms. */
  function linksOf(node: unknown, out: string[] = []): string[] {
    if (Array.isArray(node)) for (const n of node) linksOf(n, out);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === '@id' && typeof v === 'string') {
          if (!v.startsWith('http://publications.europa.eu/resource/authority/')) out.push(v);
        } else linksOf(v, out);
      }
    return out;
  }

  it.each([
    ['an origin', 'https://zj.yrd.example', 'https://zj.yrd.example/'],
    ['an origin with a trailing slash', 'https://zj.yrd.example/', 'https://zj.yrd.example/'],
    ['a gateway path', 'https://gw.yrd.example/yrd-zj', 'https://gw.yrd.example/yrd-zj/'],
    ['the demo edge', 'http://127.0.0.1:7330', 'http://127.0.0.1:7330/'],
  ])('starts every link it hands out with the public base URL: %s', async (_what, baseUrl, prefix) => {
    const related = aResource('zj', '330000-DSJ-00001', {
      relatedResources: ['zj.330000-SCJG-00001'],
      sharingModes: ['interface', 'verify', 'subscribe', 'file'],
    });
    const exported = toDcat([related, aResource('zj', '330000-SCJG-00001')], {
      baseUrl,
      province: 'zj',
      issuedAt: '2026-11-24T00:00:00.000Z',
    });
    const iris = linksOf(await jsonld.expand(exported as unknown as jsonld.JsonLdDocument));
    // the catalogue, two datasets, one relation, six distributions
    expect(iris).toHaveLength(1 + 2 + 1 + 6);
    for (const iri of iris) {
      expect(iri.startsWith(prefix), iri).toBe(true);
      expect(iri.slice(prefix.length)).toMatch(/^api\/(catalog|exchange)\/v1\//);
    }
    expect(exported['@id']).toBe(`${prefix}api/catalog/v1/export?format=dcat`);
    expect(exported['dcat:dataset'][0]?.['dct:relation']).toEqual([
      `${prefix}api/catalog/v1/resources/zj.330000-SCJG-00001`,
    ]);
  });
});
