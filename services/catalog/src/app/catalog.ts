/** Catalogue use cases: create, publish, read, search, and the regional (federated) view. */
import type { Principal } from '@yrd/auth';
import { conflict, forbidden, invalid, notFound } from '@yrd/errors';
import type { catalogV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import {
  canManage,
  canRead,
  canReadHistory,
  canReadVersion,
  type EntryView,
  ownEntriesFilter,
} from '../domain/access.js';
import { changedFields } from '../domain/changes.js';
import { type NegativeEntry, negativeMatch } from '../domain/duty.js';
import { type EntryIssue, entryIssues, type ResourceInput, resourceId } from '../domain/resource.js';
import type { CatalogStore, OwnFilters, OwnPage, SearchFilters, Step } from './ports.js';

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
    private readonly repo: CatalogStore,
    private readonly agencies: AgencyDirectory,
    private readonly announcer: CatalogAnnouncer,
    private readonly clock: () => Date,
    /** the province's 负面清单 as it stands (none when not given) */
    private readonly negativeList: () => Promise<NegativeEntry[]> = async () => [],
  ) {}

  /**
   * An entry covered by the negative list may be catalogued, but only as 不予共享: publishing it
   * shared is refused, citing the list's reason and legal basis.
   */
  async negativeIssue(r: { id: string; classCode: string; sharingTier: string }): Promise<CheckIssue | undefined> {
    if (r.sharingTier === 'none') return undefined;
    const hit = negativeMatch(await this.negativeList(), r);
    if (!hit) return undefined;
    return {
      path: 'sharingTier',
      kind: 'conflict',
      code: 'CATALOG.ON_NEGATIVE_LIST',
      message: `该资源列入负面清单（${hit.reason}；依据：${hit.legalBasis}），只能“不予共享” the negative list keeps this resource from being shared`,
    };
  }

  /** The negative-list line covering an entry of this province, if any (the consent decision asks). */
  async negativeListing(r: { id: string; classCode: string; province: string }): Promise<NegativeEntry | undefined> {
    if (r.province !== this.province) return undefined;
    return negativeMatch(await this.negativeList(), r);
  }

  private async assertShareable(r: Resource) {
    const issue = await this.negativeIssue(r);
    if (issue) throwIssues([issue]);
  }

  async create(input: ResourceInput, by: Principal): Promise<Resource> {
    const id = resourceId(this.province, input.resourceCode);
    const found = await this.repo.get(id);
    throwIssues(this.check(input, by, found ? 'exists' : 'new'));
    const r = this.draft(input);
    await this.repo.save(r, 'local', by.sub, { action: 'created', reason: '', changedFields: [] });
    return r;
  }

  /**
   * A change makes a new version; the entry keeps its status (a published entry stays published,
   * and the region sees the new version). Grants keep pointing at the version they were given for.
   */
  async update(id: string, input: ResourceInput, by: Principal): Promise<Resource> {
    const current = await this.ownLocal(id, by);
    if (current.status === 'withdrawn')
      throw conflict('CATALOG.WITHDRAWN', '已撤销的目录不能修改 a withdrawn entry cannot change');
    if (input.resourceCode !== current.resourceCode) {
      throw invalid('CATALOG.RESOURCE_CODE_FIXED', '资源代码不可修改 the resource code of an entry cannot change');
    }
    throwIssues(this.check(input, by, current));
    const next = this.revise(current, input);
    if (!next) return current;
    if (next.resource.status === 'published') await this.assertShareable(next.resource);
    await this.repo.save(next.resource, 'local', by.sub, next.step);
    if (next.resource.status === 'published') await this.announcer.announce('published', next.resource);
    return next.resource;
  }

  /**
   * Every rule `input` breaks when `by` writes it: the entry rules, then this province's (own
   * province, own agency unless admin, registered provider, resource code of this province), and
   * against what is stored: a new entry's code must be free; a change keeps the provider.
   */
  check(input: ResourceInput, by: Principal, stored: 'new' | 'exists' | Resource): CheckIssue[] {
    if (by.province !== this.province) {
      return [
        {
          path: 'resourceCode',
          kind: 'forbidden',
          code: 'CATALOG.WRONG_PROVINCE',
          message: '只能在本省目录中编目 entries are created in their own province',
        },
      ];
    }
    const out: CheckIssue[] = entryIssues(input);
    if (!by.roles.includes('admin') && by.agency !== input.providerCreditCode) {
      out.push({
        path: 'providerCreditCode',
        kind: 'forbidden',
        code: 'CATALOG.NOT_YOUR_AGENCY',
        message: '只能为本单位编目 a publisher catalogues its own agency’s resources',
      });
    }
    const expected = { sh: '31', js: '32', zj: '33', ah: '34' }[this.province];
    if (input.resourceCode.slice(0, 2) !== expected) {
      out.push({
        path: 'resourceCode',
        code: 'CATALOG.RESOURCE_CODE_PROVINCE',
        message: `资源代码须以本省行政区划代码开头 resource code must start with ${expected}`,
      });
    }
    if (!this.agencies.nameOf(input.providerCreditCode)) {
      out.push({
        path: 'providerCreditCode',
        code: 'CATALOG.UNKNOWN_AGENCY',
        message: '提供单位不在本省机构名录中 provider agency is not registered in this province',
      });
    }
    if (stored === 'exists') {
      out.push({
        path: 'resourceCode',
        kind: 'conflict',
        code: 'CATALOG.DUPLICATE_RESOURCE_CODE',
        message: `资源代码已存在 resource code ${input.resourceCode} exists`,
      });
    } else if (stored !== 'new') {
      if (stored.status === 'withdrawn') {
        out.push({
          path: 'resourceCode',
          kind: 'conflict',
          code: 'CATALOG.WITHDRAWN',
          message: '已撤销的目录不能修改 a withdrawn entry cannot change',
        });
      }
      if (input.providerCreditCode !== stored.provider?.creditCode) {
        out.push({
          path: 'providerCreditCode',
          code: 'CATALOG.PROVIDER_FIXED',
          message: '提供单位不可修改 the provider of an entry cannot change',
        });
      }
    }
    return out;
  }

  /** A new draft, version 1 (checked first with `check`). */
  draft(input: ResourceInput): Resource {
    const name = this.agencies.nameOf(input.providerCreditCode) ?? '';
    return this.toResource(resourceId(this.province, input.resourceCode), input, name, 'draft', 1);
  }

  /** The next version of `current` with `input`, or undefined when nothing changed. */
  revise(current: Resource, input: ResourceInput): { resource: Resource; step: Step } | undefined {
    const next: Resource = {
      ...this.toResource(current.id, input, current.provider?.name ?? '', current.status, current.version + 1),
      publishDate: current.publishDate,
    };
    const fields = changedFields(current, next);
    if (fields.length === 0) return undefined;
    return { resource: next, step: { action: 'updated', reason: '', changedFields: fields } };
  }

  /** The stored entries under these ids (to check a batch against). */
  stored(ids: string[]) {
    return this.repo.getMany(ids);
  }

  /**
   * Writes a checked batch in one transaction — all of it or none — and then tells the region about
   * the published entries that changed.
   */
  async writeBatch(batch: { resource: Resource; step: Step }[], by: Principal, onWritten?: (n: number) => void) {
    await this.repo.saveMany(batch, 'local', by.sub, onWritten);
    for (const b of batch)
      if (b.resource.status === 'published') await this.announcer.announce('published', b.resource);
  }

  /** 撤销: the entry leaves the regional catalogue; its versions and history stay. */
  async withdraw(id: string, reason: string, by: Principal): Promise<Resource> {
    const current = await this.ownLocal(id, by);
    if (current.status === 'withdrawn') return current;
    if (reason.trim() === '') throw invalid('CATALOG.REASON_REQUIRED', '撤销须说明理由 a withdrawal needs a reason');
    const withdrawn: Resource = { ...current, status: 'withdrawn', updatedAt: this.clock().toISOString() };
    await this.repo.save(withdrawn, 'local', by.sub, { action: 'withdrawn', reason, changedFields: [] });
    if (current.status === 'published') await this.announcer.announce('withdrawn', withdrawn);
    return withdrawn;
  }

  /** Who changed what and when; visible to the provider agency and the province admin. */
  async history(id: string, by: Principal) {
    await this.ownLocal(id, by, canReadHistory);
    return this.repo.history(id);
  }

  /** One version as it was (e.g. the one a grant was given for); a never-published one, its owners'. */
  async version(id: string, version: number, viewer: Principal): Promise<Resource> {
    const current = await this.get(id, viewer);
    const r = await this.repo.version(id, version);
    const origin = current.province === this.province ? 'local' : 'federated';
    if (!r || !canReadVersion(viewer, entryView(current, origin), r.status).allow)
      throw notFound('CATALOG.VERSION_NOT_FOUND', `目录条目 ${id} 没有第 ${version} 版 no version ${version}`);
    return r;
  }

  /**
   * A local entry the caller may change: its own agency's, or any as the province admin. One who may
   * not even see it (another agency's draft) is told it is not there; one who sees it, why not.
   */
  private async ownLocal(id: string, by: Principal, may = canManage): Promise<Resource> {
    const found = await this.repo.get(id);
    const entry = found && entryView(found.resource, found.origin);
    if (!found || !entry || entry.origin !== 'local' || !canRead(by, entry).allow) {
      throw notFound('CATALOG.NOT_FOUND', `本省目录中没有 ${id} no entry ${id} in this province`);
    }
    const d = may(by, entry);
    if (d.code === 'CATALOG.WRONG_PROVINCE')
      throw forbidden(d.code, '只能管理本省的目录 entries are managed in their own province');
    if (!d.allow) throw forbidden('CATALOG.NOT_YOUR_AGENCY', '只能管理本单位的目录 manage your own agency’s entries');
    return found.resource;
  }

  /** The provider agency submits a draft for the province admin's review (审核). */
  async submit(id: string, by: Principal): Promise<Resource> {
    const r = await this.ownLocal(id, by);
    if (r.status === 'submitted') return r;
    if (r.status !== 'draft') {
      throw conflict(
        'CATALOG.NOT_DRAFT',
        `只有草稿可以提交审核 only a draft can be submitted (this one is ${r.status})`,
      );
    }
    const submitted: Resource = { ...r, status: 'submitted', updatedAt: this.clock().toISOString() };
    await this.repo.save(submitted, 'local', by.sub, { action: 'submitted', reason: '', changedFields: [] });
    return submitted;
  }

  /** 审核: the province admin publishes a submitted entry, or sends it back with a reason. */
  async review(id: string, decision: 'approve' | 'reject', reason: string, by: Principal): Promise<Resource> {
    if (!by.roles.includes('admin'))
      throw forbidden('CATALOG.ADMIN_REQUIRED', '目录审核由本省管理员进行 the province admin reviews entries');
    const r = await this.ownLocal(id, by);
    if (r.status !== 'submitted') {
      throw conflict('CATALOG.NOT_SUBMITTED', `该条目未提交审核 the entry is ${r.status}, not submitted for review`);
    }
    if (decision === 'approve') return this.publishNow(r, by, reason);
    if (reason.trim() === '')
      throw invalid('CATALOG.REASON_REQUIRED', '退回须说明理由 sending an entry back needs a reason');
    const back: Resource = { ...r, status: 'draft', updatedAt: this.clock().toISOString() };
    await this.repo.save(back, 'local', by.sub, { action: 'rejected', reason, changedFields: [] });
    return back;
  }

  /**
   * Publishing is the admin's (审核 in one step, for an entry in any state before publication); a
   * publisher submits instead and is told so.
   */
  async publish(id: string, by: Principal): Promise<Resource> {
    const r = await this.ownLocal(id, by);
    if (r.status === 'published') return r;
    if (!by.roles.includes('admin')) {
      throw forbidden(
        'CATALOG.REVIEW_REQUIRED',
        '发布须经本省管理员审核，请先提交审核 publication needs the admin’s review: submit the entry',
      );
    }
    if (r.status === 'withdrawn')
      throw conflict('CATALOG.WITHDRAWN', '已撤销的目录不能再发布 a withdrawn entry cannot be published');
    return this.publishNow(r, by, '');
  }

  private async publishNow(r: Resource, by: Principal, reason: string): Promise<Resource> {
    await this.assertShareable(r);
    const published: Resource = {
      ...r,
      status: 'published',
      publishDate: r.publishDate || this.clock().toISOString().slice(0, 10),
      updatedAt: this.clock().toISOString(),
    };
    await this.repo.save(published, 'local', by.sub, { action: 'published', reason, changedFields: [] });
    await this.announcer.announce('published', published);
    return published;
  }

  async get(id: string, viewer?: Principal): Promise<Resource> {
    const found = await this.repo.get(id);
    if (!found || !canRead(viewer, entryView(found.resource, found.origin)).allow)
      throw notFound('CATALOG.NOT_FOUND', `目录条目不存在 no catalogue entry ${id}`);
    return found.resource;
  }

  search(f: SearchFilters) {
    return this.repo.search(f);
  }

  /** The whole regional published view under the filters (for export). */
  list(f: Omit<SearchFilters, 'page' | 'pageSize'>) {
    return this.repo.list(f, { own: false });
  }

  /** This province's own entries in every state: the caller's agency's, or all for the admin. */
  ownEntries(f: Omit<SearchFilters, 'page' | 'pageSize'>, by: Principal) {
    if (by.province !== this.province)
      throw forbidden('CATALOG.WRONG_PROVINCE', '只能导出本省自有目录 own entries are exported in their own province');
    const scope = ownEntriesFilter(by, this.province);
    if (!scope) throw forbidden('AUTH.ROLE_REQUIRED', '需要发布员或管理员角色 publisher or admin role required');
    return this.repo.list(f, scope);
  }

  /**
   * A page of this province's own entries in every state, newest change first, with the count of
   * each state: the agency's for a publisher, all for the admin.
   */
  async ownPage(f: OwnFilters, by: Principal): Promise<OwnPage> {
    if (by.province !== this.province)
      throw forbidden('CATALOG.WRONG_PROVINCE', '只能查看本省自有目录 own entries are listed in their own province');
    const scope = ownEntriesFilter(by, this.province);
    if (!scope) throw forbidden('AUTH.ROLE_REQUIRED', '需要发布员或管理员角色 publisher or admin role required');
    return this.repo.ownPage(f, scope);
  }

  /** Seeds load once: entries are written straight as published. */
  async seed(entries: Resource[]): Promise<number> {
    if ((await this.repo.countLocal()) > 0) return 0;
    const step = { action: 'published' as const, reason: '初始目录 seed catalogue', changedFields: [] };
    await this.repo.saveMany(
      entries.map((resource) => ({ resource, step })),
      'local',
      'seed',
    );
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

/** An entry as the access matrix sees it. */
function entryView(r: Resource, origin: string): EntryView {
  return {
    province: r.province,
    origin: origin === 'local' ? 'local' : 'federated',
    status: r.status,
    providerAgency: r.provider?.creditCode ?? '',
  };
}

/** A rule an entry breaks; `kind` when it is not a plain 400 (another agency's entry, a taken code). */
export interface CheckIssue extends EntryIssue {
  kind?: 'forbidden' | 'conflict';
}

/**
 * All the rules an entry breaks in one error: 403 or 409 when that is what it is, otherwise a 400
 * coded by the first rule; every issue is in the details.
 */
function throwIssues(issues: CheckIssue[]) {
  const first = issues.find((i) => i.kind === 'forbidden') ?? issues.find((i) => i.kind === 'conflict') ?? issues[0];
  if (!first) return;
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  const details = { details: { issues: issues.map(({ kind: _k, ...i }) => i) } };
  if (first.kind === 'forbidden') throw forbidden(first.code, message, details);
  if (first.kind === 'conflict') throw conflict(first.code, message, details);
  throw invalid(first.code, message, details);
}
