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
});
