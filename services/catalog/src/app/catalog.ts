/** Catalogue use cases: create, publish, read, search, and the regional (federated) view. */
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import type { catalogV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { CatalogRepo, SearchFilters } from '../adapters/db.js';
import { type ResourceInput, resourceId } from '../domain/resource.js';

type Resource = catalogV1.Resource;

export interface AgencyDirectory {
  nameOf(creditCode: string): string | undefined;
}

/** Where the catalogue announces its changes (NATS in production). */
export interface CatalogAnnouncer {
  announce(kind: 'published' | 'withdrawn', r: Resource): Promise<void>;
}

export class CatalogApp {
  constructor(
    private readonly province: Province,
    private readonly repo: CatalogRepo,
    private readonly agencies: AgencyDirectory,
    private readonly announcer: CatalogAnnouncer,
    private readonly clock: () => Date,
  ) {}

  async create(input: ResourceInput, by: Principal): Promise<Resource> {
    if (by.province !== this.province)
      throw forbidden('CATALOG.WRONG_PROVINCE', '只能在本省目录中编目 entries are created in their own province');
    if (!by.roles.includes('admin') && by.agency !== input.providerCreditCode) {
      throw forbidden('CATALOG.NOT_YOUR_AGENCY', '只能为本单位编目 a publisher catalogues its own agency’s resources');
    }
    const provinceCode = input.resourceCode.slice(0, 2);
    const expected = { sh: '31', js: '32', zj: '33', ah: '34' }[this.province];
    if (provinceCode !== expected) {
      throw invalid(
        'CATALOG.RESOURCE_CODE_PROVINCE',
        `资源代码须以本省行政区划代码开头 resource code must start with ${expected}`,
      );
    }
    const agencyName = this.agencies.nameOf(input.providerCreditCode);
    if (!agencyName)
      throw invalid(
        'CATALOG.UNKNOWN_AGENCY',
        '提供单位不在本省机构名录中 provider agency is not registered in this province',
      );
    const id = resourceId(this.province, input.resourceCode);
    if (await this.repo.get(id))
      throw conflict('CATALOG.DUPLICATE_RESOURCE_CODE', `资源代码已存在 resource code ${input.resourceCode} exists`);
    const r = this.toResource(id, input, agencyName, 'draft', 1);
    await this.repo.save(r, 'local', by.sub);
    return r;
  }

  async publish(id: string, by: Principal): Promise<Resource> {
    const found = await this.repo.get(id);
    if (found?.origin !== 'local')
      throw notFound('CATALOG.NOT_FOUND', `目录条目不存在 no entry ${id} in this province`);
    const r = found.resource;
    if (!by.roles.includes('admin') && by.agency !== r.provider?.creditCode) {
      throw forbidden('CATALOG.NOT_YOUR_AGENCY', '只能发布本单位的目录 publish your own agency’s entries');
    }
    if (r.status === 'published') return r;
    if (r.status === 'withdrawn')
      throw conflict('CATALOG.WITHDRAWN', '已撤销的目录不能再发布 a withdrawn entry cannot be published');
    const published: Resource = {
      ...r,
      status: 'published',
      publishDate: r.publishDate || this.clock().toISOString().slice(0, 10),
      updatedAt: this.clock().toISOString(),
    };
    await this.repo.save(published, 'local', by.sub);
    await this.announcer.announce('published', published);
    return published;
  }

  async get(id: string, viewer?: Principal): Promise<Resource> {
    const found = await this.repo.get(id);
    const visible =
      found &&
      (found.resource.status === 'published' ||
        (viewer &&
          viewer.province === this.province &&
          (viewer.roles.includes('admin') || viewer.agency === found.resource.provider?.creditCode)));
    if (!found || !visible) throw notFound('CATALOG.NOT_FOUND', `目录条目不存在 no catalogue entry ${id}`);
    return found.resource;
  }

  search(f: SearchFilters) {
    return this.repo.search(f);
  }

  /** Seeds load once: entries are written straight as published. */
  async seed(entries: Resource[]): Promise<number> {
    if ((await this.repo.countLocal()) > 0) return 0;
    for (const r of entries) await this.repo.save(r, 'local', 'seed');
    return entries.length;
  }

  // --- regional view ---

  async applyRemote(kind: 'published' | 'withdrawn', r: Resource): Promise<void> {
    if (r.province === this.province) return;
    if (kind === 'withdrawn' || r.status !== 'published') await this.repo.removeFederated(r.id);
    else await this.repo.save(r, 'federated', `federation:${r.province}`);
  }

  /** Replaces the regional view of one province with its snapshot (catch-up after being away). */
  async reconcile(province: Province, snapshot: Resource[]): Promise<void> {
    const keep = new Set(snapshot.map((r) => r.id));
    for (const id of await this.repo.federatedIds(province)) if (!keep.has(id)) await this.repo.removeFederated(id);
    for (const r of snapshot)
      if (r.province === province) await this.repo.save(r, 'federated', `federation:${province}`);
  }

  snapshot(): Promise<Resource[]> {
    return this.repo.publishedLocal();
  }

  private toResource(id: string, i: ResourceInput, agencyName: string, status: string, version: number): Resource {
    return {
      id,
      resourceCode: i.resourceCode,
      classCode: i.classCode,
      name: i.name,
      province: this.province,
      provider: { creditCode: i.providerCreditCode, name: agencyName },
      summary: i.summary,
      format: i.format,
      updateCycle: i.updateCycle,
      publishDate: i.publishDate,
      relatedResources: i.relatedResources,
      items: i.items.map((it) => ({ ...it })),
      sharingTier: i.sharingTier,
      sharingConditions: i.sharingConditions,
      sharingModes: i.sharingModes,
      openTier: i.openTier,
      grade: i.grade,
      legalBasis: i.legalBasis,
      version,
      status,
      domain: i.domain,
      updatedAt: this.clock().toISOString(),
      keyItems: i.keyItems,
    };
  }
}
