/**
 * Data sources at the provider. `ProviderApp.serve` asks a `DataSource` for the records behind a
 * resource; `DataSources` chooses per resource between the embedded datasets and the provider
 * agency's own system (an HTTP connector), as the province configured it. Whatever the source,
 * the records go back through ProviderApp's minimisation and masking before anything leaves.
 *
 * `SourceAdmin` is the configuration use case: the province admin, or a publisher of the agency
 * that provides the resource (as the catalogue says), points a resource at its system or back at
 * the embedded data. Each change is on the province's audit trail.
 */
import { type AuditSink, auditEvent, sha256Hex } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import type { SecretResolver } from '@yrd/config';
import { forbidden, invalid, notFound } from '@yrd/errors';
import { type Province, provinceOfResourceId } from '@yrd/region';
import { canConfigureSource, sourceListFilter } from '../domain/access.js';
import { canonicalJson } from '../domain/canonical.js';
import { checkSource, type HttpSourceSettings, type SourceInput, type SourceSettings } from '../domain/sources.js';

export type SourceRecord = Record<string, string>;

export interface SourceQuery {
  resourceId: string;
  key: Readonly<Record<string, string>>;
  /** the granted items this request may see: an agency system can leave the rest out */
  items: readonly string[];
  /** at most this many records are used */
  limit: number;
  /** travels to the agency system as x-request-id, so both logs name the same request */
  requestId: string;
}

/** The port ProviderApp reads records through. */
export interface DataSource {
  /** whether anything stands behind the resource in this province */
  has(resourceId: string): Promise<boolean>;
  find(q: SourceQuery): Promise<SourceRecord[]>;
}

/** The embedded datasets (DatasetRepo): the seeds, or records loaded into the province's database. */
export interface EmbeddedDatasets {
  hasResource(resourceId: string): Promise<boolean>;
  find(resourceId: string, key: Record<string, string>, limit: number): Promise<SourceRecord[]>;
}

/** Calls an agency system; failures are AppErrors with the EXCHANGE.SOURCE_* codes. */
export interface SourceConnector {
  find(settings: HttpSourceSettings, q: SourceQuery): Promise<SourceRecord[]>;
}

export interface StoredSource {
  resourceId: string;
  /** the providing agency when the source was configured (lists a publisher's own sources) */
  providerCode: string;
  settings: SourceSettings;
  updatedBy: string;
  updatedAt: string;
}

export interface SourceStore {
  get(resourceId: string): Promise<StoredSource | undefined>;
  /** all sources, or those of one providing agency */
  list(providerCode?: string): Promise<StoredSource[]>;
  put(s: StoredSource): Promise<void>;
  /** false when there was nothing to remove */
  remove(resourceId: string): Promise<boolean>;
}

/** The catalogue's answer about a local entry: whose it is. */
export interface ResourceDirectory {
  /** undefined when the catalogue has no such entry */
  entry(resourceId: string): Promise<{ province: string; providerCode: string } | undefined>;
}

/**
 * Source settings are read on every request, so they are kept for `ttlMs` (2 s): a change made here
 * takes effect at once, one made through another replica within the TTL.
 */
export class CachedSourceStore implements SourceStore {
  private readonly cache = new Map<string, { at: number; source: StoredSource | undefined }>();

  constructor(
    private readonly inner: SourceStore,
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(resourceId: string): Promise<StoredSource | undefined> {
    const hit = this.cache.get(resourceId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.source;
    const source = await this.inner.get(resourceId);
    this.cache.set(resourceId, { at: this.now(), source });
    return source;
  }

  list(providerCode?: string) {
    return this.inner.list(providerCode);
  }

  async put(s: StoredSource) {
    this.cache.delete(s.resourceId);
    await this.inner.put(s);
  }

  async remove(resourceId: string) {
    this.cache.delete(resourceId);
    return this.inner.remove(resourceId);
  }
}

export class DataSources implements DataSource {
  /** resources with embedded data: seeds are loaded once, so a yes stays a yes */
  private readonly embeddedHas = new Set<string>();

  constructor(
    private readonly store: SourceStore,
    private readonly embedded: EmbeddedDatasets,
    private readonly connector: SourceConnector,
  ) {}

  async has(resourceId: string): Promise<boolean> {
    // an agency system is asked per key; whether it holds the key is its answer to give
    if ((await this.store.get(resourceId))?.settings.kind === 'http') return true;
    if (this.embeddedHas.has(resourceId)) return true;
    const has = await this.embedded.hasResource(resourceId);
    if (has) this.embeddedHas.add(resourceId);
    return has;
  }

  async find(q: SourceQuery): Promise<SourceRecord[]> {
    const source = (await this.store.get(q.resourceId))?.settings;
    if (source?.kind !== 'http') return this.embedded.find(q.resourceId, { ...q.key }, q.limit);
    const bound = Math.max(0, Math.min(q.limit, source.maxRecords));
    const records = await this.connector.find(source, { ...q, limit: bound });
    // the page bound holds whatever the connector let through
    return records.slice(0, bound);
  }
}

export interface SourceView extends Partial<Omit<HttpSourceSettings, 'kind'>> {
  resourceId: string;
  kind: SourceSettings['kind'];
  providerCode: string;
  updatedBy: string;
  updatedAt: string;
}

const view = (s: StoredSource): SourceView => ({
  resourceId: s.resourceId,
  ...s.settings,
  providerCode: s.providerCode,
  updatedBy: s.updatedBy,
  updatedAt: s.updatedAt,
});

export const sourceAuditKinds = {
  configured: 'exchange.source.configured',
  reset: 'exchange.source.reset',
} as const;

export class SourceAdmin {
  constructor(
    private readonly province: Province,
    private readonly store: SourceStore,
    private readonly catalog: ResourceDirectory,
    private readonly secrets: SecretResolver,
    private readonly audit: AuditSink,
    private readonly env: { production: boolean },
    private readonly clock: () => Date,
  ) {}

  /** The admin sees every configured source of the province; a publisher those of its agency. */
  async list(by: Principal): Promise<SourceView[]> {
    this.requireMayConfigure(by);
    const scope = sourceListFilter(by, this.province);
    if (!scope) return [];
    const rows = await this.store.list(scope.scope === 'providerAgency' ? scope.providerAgency : undefined);
    // the list and a change by id follow the same rows of the matrix
    return rows
      .filter((s) => canConfigureSource(by, { province: this.province, providerAgency: s.providerCode }).allow)
      .map(view);
  }

  async put(by: Principal, resourceId: string, input: SourceInput, requestId: string): Promise<SourceView> {
    const providerCode = await this.authorise(by, resourceId);
    const settings = checkSource(input, this.env);
    // a reference that resolves to nothing would only fail at the first exchange; say so now
    if (settings.kind === 'http' && settings.secretRef !== undefined && !this.secrets(settings.secretRef)) {
      throw invalid(
        'EXCHANGE.SOURCE_SECRET_UNRESOLVED',
        `密钥引用 ${settings.secretRef} 未配置 the secret ${settings.secretRef} is not set on this node`,
      );
    }
    const stored: StoredSource = {
      resourceId,
      providerCode,
      settings,
      updatedBy: by.sub,
      updatedAt: this.clock().toISOString(),
    };
    await this.store.put(stored);
    await this.record(sourceAuditKinds.configured, by, stored, requestId);
    return view(stored);
  }

  /** Back to the embedded datasets. */
  async reset(by: Principal, resourceId: string, requestId: string): Promise<SourceView> {
    const providerCode = await this.authorise(by, resourceId);
    const stored: StoredSource = {
      resourceId,
      providerCode,
      settings: { kind: 'embedded' },
      updatedBy: by.sub,
      updatedAt: this.clock().toISOString(),
    };
    if (await this.store.remove(resourceId)) await this.record(sourceAuditKinds.reset, by, stored, requestId);
    return view(stored);
  }

  private requireMayConfigure(by: Principal) {
    if (by.province !== this.province) {
      throw forbidden(
        'EXCHANGE.WRONG_PROVINCE',
        '数据源由提供方所在省配置 sources are configured by the provider province',
      );
    }
    if (!by.roles.includes('admin') && !by.roles.includes('publisher')) {
      throw forbidden(
        'EXCHANGE.SOURCE_NOT_PROVIDER',
        '只有本省管理员或资源提供单位的发布员可配置数据源 only the province admin or a publisher of the providing agency may configure sources',
      );
    }
  }

  /** The providing agency's credit code, once the caller may configure this resource. */
  private async authorise(by: Principal, resourceId: string): Promise<string> {
    this.requireMayConfigure(by);
    const missing = () =>
      notFound('EXCHANGE.RESOURCE_NOT_FOUND', `本省目录中无此资源 no resource ${resourceId} in ${this.province}`);
    if (provinceOfResourceId(resourceId) !== this.province) throw missing();
    const entry = await this.catalog.entry(resourceId);
    if (!entry || entry.province !== this.province) throw missing();
    if (!canConfigureSource(by, { province: entry.province, providerAgency: entry.providerCode }).allow) {
      throw forbidden(
        'EXCHANGE.SOURCE_NOT_PROVIDER',
        `只有资源提供单位可配置其数据源 only the providing agency may configure the source of ${resourceId}`,
      );
    }
    return entry.providerCode;
  }

  private async record(kind: string, by: Principal, s: StoredSource, requestId: string) {
    await this.audit.publish(
      auditEvent({
        eventId: `${requestId}:${this.province}:source:${s.resourceId}`,
        province: this.province,
        kind,
        requestId,
        resourceId: s.resourceId,
        actorUser: by.sub,
        actorAgency: by.agency,
        providerProvince: this.province,
        outcome: 'ok',
        // the settings hold a secret's name, never its value
        payloadHash: sha256Hex(canonicalJson(s)),
        occurredAt: s.updatedAt,
      }),
      { code: 'EXCHANGE.AUDIT_UNAVAILABLE', message: '留痕失败 audit trail unavailable' },
    );
  }
}
