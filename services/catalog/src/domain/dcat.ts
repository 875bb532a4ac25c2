/**
 * The catalogue as DCAT (W3C Data Catalog Vocabulary) in JSON-LD, DCAT-AP style, so that
 * international catalogue tools (CKAN, data.europa.eu harvesters, any JSON-LD processor) can read
 * it. Controlled vocabularies are the EU Publications Office's (frequency, access-right); what DCAT
 * has no term for — sharing tier, grade, data items, legal basis — is in the `yrd:` namespace.
 * The context is inline, so a processor needs no network to expand it.
 */
import type { catalogV1 } from '@yrd/proto/messages';
import { type Province, provinceInfo } from '@yrd/region';
import { classOf } from './classes.js';

type Resource = catalogV1.Resource;

const eu = 'http://publications.europa.eu/resource/authority';

export const dcatContext = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  adms: 'http://www.w3.org/ns/adms#',
  yrd: 'https://yrd-data-exchange.org/ns/catalog#',
  'dct:issued': { '@type': 'xsd:date' },
  'dct:modified': { '@type': 'xsd:dateTime' },
  'dct:accrualPeriodicity': { '@type': '@id' },
  'dct:accessRights': { '@type': '@id' },
  'dct:relation': { '@type': '@id' },
  'dcat:accessURL': { '@type': '@id' },
} as const;

/** 更新周期 → EU frequency authority table. */
const frequency: Record<string, string> = {
  实时: 'CONT',
  每日: 'DAILY',
  每周: 'WEEKLY',
  每月: 'MONTHLY',
  每季度: 'QUARTERLY',
  每年: 'ANNUAL',
  不定期: 'IRREG',
};

/** 开放属性 → EU access-right table: who outside government may get it. */
const accessRight = { unconditional: 'PUBLIC', conditional: 'RESTRICTED', none: 'NON_PUBLIC' } as const;

const mediaTypes: Record<string, string> = { JSON: 'application/json', CSV: 'text/csv', XML: 'application/xml' };

const modeTitles: Record<string, string> = {
  interface: '接口共享 query interface',
  file: '文件共享 file',
  verify: '核验 verification',
  subscribe: '订阅 change feed',
};
const modeEndpoints: Record<string, string> = {
  interface: '/api/exchange/v1/queries',
  verify: '/api/exchange/v1/verifications',
  subscribe: '/api/exchange/v1/subscriptions',
  file: '/api/exchange/v1/queries',
};

const zh = (value: string) => ({ '@language': 'zh', '@value': value });

export interface DcatOptions {
  /**
   * the province's public base URL, e.g. https://sh.yrd.example or https://gw.example/yrd-sh: every
   * IRI in the export starts with it (a trailing slash is ignored)
   */
  baseUrl: string;
  /** the province whose node serves this catalogue */
  province: Province;
  issuedAt: string;
}

export function toDcat(resources: Resource[], o: DcatOptions) {
  const baseUrl = o.baseUrl.replace(/\/+$/, '');
  return {
    '@context': dcatContext,
    '@id': `${baseUrl}/api/catalog/v1/export?format=dcat`,
    '@type': 'dcat:Catalog',
    'dct:title': zh('长三角政务数据资源目录'),
    'dct:description': zh(`长三角区域政务数据资源目录（${provinceInfo[o.province].name}节点）`),
    'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': zh(`${provinceInfo[o.province].name}数据主管部门`) },
    'dct:modified': o.issuedAt,
    'dct:language': { '@id': `${eu}/language/ZHO` },
    'dcat:dataset': resources.map((r) => dataset(r, baseUrl)),
  };
}

function dataset(r: Resource, baseUrl: string) {
  const cls = classOf(r.classCode);
  const province = provinceInfo[r.province as Province];
  const freq = frequency[r.updateCycle];
  const media = mediaTypes[r.format.slice(0, 4).toUpperCase()];
  return {
    '@id': `${baseUrl}/api/catalog/v1/resources/${encodeURIComponent(r.id)}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': r.resourceCode,
    'dct:title': zh(r.name),
    'dct:description': zh(r.summary),
    'dct:publisher': {
      '@type': 'foaf:Organization',
      'foaf:name': zh(r.provider?.name ?? ''),
      'dct:identifier': r.provider?.creditCode ?? '',
    },
    ...(r.publishDate ? { 'dct:issued': r.publishDate } : {}),
    'dct:modified': r.updatedAt,
    ...(freq ? { 'dct:accrualPeriodicity': `${eu}/frequency/${freq}` } : {}),
    'dct:accessRights': `${eu}/access-right/${accessRight[r.openTier as keyof typeof accessRight] ?? 'NON_PUBLIC'}`,
    'dct:spatial': {
      '@type': 'dct:Location',
      'dct:identifier': province?.adminCode ?? '',
      'foaf:name': zh(province?.name ?? ''),
    },
    'dcat:theme': cls ? cls.path.map(zh) : [],
    'dcat:keyword': [r.domain, ...r.items.map((i) => i.label)].filter(Boolean).map(zh),
    'adms:version': String(r.version),
    'dct:relation': r.relatedResources.map((id) => `${baseUrl}/api/catalog/v1/resources/${encodeURIComponent(id)}`),
    'dcat:distribution': r.sharingModes.map((m) => ({
      '@type': 'dcat:Distribution',
      'dct:title': zh(modeTitles[m] ?? m),
      'dcat:accessURL': `${baseUrl}${modeEndpoints[m] ?? '/api/exchange/v1/queries'}`,
      'dct:format': r.format,
      ...(media ? { 'dcat:mediaType': media } : {}),
    })),
    'yrd:classCode': r.classCode,
    'yrd:sharingTier': r.sharingTier,
    'yrd:sharingConditions': r.sharingConditions,
    'yrd:openTier': r.openTier,
    'yrd:grade': r.grade,
    ...(r.legalBasis ? { 'yrd:legalBasis': zh(r.legalBasis) } : {}),
    'yrd:dataItem': r.items.map((i) => ({
      '@type': 'yrd:DataItem',
      'yrd:name': i.name,
      'dct:title': zh(i.label),
      'yrd:dataType': i.type,
      'yrd:grade': i.grade,
      ...(i.grade === 'general' && i.subLevel > 0 ? { 'yrd:subLevel': i.subLevel } : {}),
      'yrd:personalInformation': i.personalInfo,
      'yrd:sensitivePersonalInformation': i.sensitivePersonalInfo,
      'yrd:queryKey': r.keyItems.includes(i.name),
    })),
  };
}
