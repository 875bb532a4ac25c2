/**
 * 我的申请 and 我的授权 at the requester's province: the applications its requesters submitted and
 * the grants approvals of them created. The requester's province keeps only who applied for what,
 * where and when (outgoing_applications); the state is the provider's, read over the consent lanes
 * in one batch per provider province. A province that does not answer does not fail the list: its
 * rows come back with the state last read and flagged unreachable.
 */
import type { Principal } from '@yrd/auth';
import { forbidden } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import type { Province } from '@yrd/region';
import { canRead } from '../domain/access.js';
import type { Applications } from './applications.js';
import { applicationsPerBatch } from './applications.js';
import type {
  Application,
  ApplicationsAnswer,
  ConsentPeers,
  Grant,
  OutgoingApplication,
  OutgoingStore,
  ResourceLookup,
} from './ports.js';

/** One of my agency's applications, with the provider's state as read now (or last, when unreachable). */
export interface OutgoingView {
  id: string;
  providerProvince: Province;
  resourceId: string;
  /** the entry's name in the regional catalogue ('' when it is no longer there) */
  resourceName: string;
  providerAgencyName: string;
  requesterAgency: string;
  requesterUser: string;
  submittedAt: string;
  /** the provider's state: as read now, or as last read when `unreachable` */
  status: string;
  /** when the state was last read from the provider */
  seenAt: string;
  /** the provider province did not answer */
  unreachable: boolean;
  /** the application as the provider holds it (absent when it did not answer or no longer knows it) */
  application?: Application | undefined;
}

/** A grant my agency holds, with where it was granted. */
export interface OutgoingGrant extends Grant {
  providerProvince: Province;
  resourceName: string;
  providerAgencyName: string;
}

/** Applications whose state cannot change any more: an approval stands (its grant may be revoked). */
const settled = ['approved'] as const;

/** How many of an agency's newest applications a status filter or the grants look at. */
const window = 200;

export interface OutgoingDeps {
  province: Province;
  store: OutgoingStore;
  applications: Pick<Applications, 'batchFor'>;
  peers: Pick<ConsentPeers, 'applications'>;
  catalog: ResourceLookup;
  clock: () => Date;
  logger: Logger;
}

interface Refreshed {
  applications: Map<string, Application>;
  grants: Map<string, Grant>;
  unreachable: Set<Province>;
}

export class OutgoingApplications {
  constructor(private readonly deps: OutgoingDeps) {}

  /** 我的申请: a page of the caller's agency's applications, newest first, with the provider's state. */
  async list(
    by: Principal,
    f: { status?: string | undefined; page: number; pageSize: number },
  ): Promise<{ applications: OutgoingView[]; total: number; page: number; pageSize: number }> {
    this.admit(by);
    const seen: Refreshed = { applications: new Map(), grants: new Map(), unreachable: new Set() };
    if (f.status) {
      // the filter runs on the state last read: read the newest unsettled ones first
      const open = await this.deps.store.listOutgoing({
        requesterAgency: by.agency,
        notStatus: settled,
        offset: 0,
        limit: window,
      });
      await this.refresh(by, this.visible(by, open.rows), seen);
    }
    const { rows, total } = await this.deps.store.listOutgoing({
      requesterAgency: by.agency,
      status: f.status,
      offset: (f.page - 1) * f.pageSize,
      limit: f.pageSize,
    });
    const mine = this.visible(by, rows);
    await this.refresh(
      by,
      mine.filter((r) => !seen.applications.has(r.id) && !seen.unreachable.has(r.providerProvince)),
      seen,
    );
    const names = await this.names(mine.map((r) => r.resourceId));
    const applications = mine.map((r): OutgoingView => {
      const app = seen.applications.get(r.id);
      const name = names.get(r.resourceId);
      return {
        id: r.id,
        providerProvince: r.providerProvince,
        resourceId: r.resourceId,
        resourceName: name?.resource ?? '',
        providerAgencyName: name?.provider ?? '',
        requesterAgency: r.requesterAgency,
        requesterUser: r.requesterUser,
        submittedAt: r.submittedAt,
        status: app?.status ?? r.lastStatus,
        seenAt: app ? this.deps.clock().toISOString() : r.lastSeenAt,
        unreachable: seen.unreachable.has(r.providerProvince),
        ...(app ? { application: app } : {}),
      };
    });
    return { applications, total, page: f.page, pageSize: f.pageSize };
  }

  /** 我的授权: the grants approvals of the agency's newest applications created, newest first. */
  async grants(by: Principal): Promise<{ grants: OutgoingGrant[]; unreachable: Province[] }> {
    this.admit(by);
    const { rows } = await this.deps.store.listOutgoing({ requesterAgency: by.agency, offset: 0, limit: window });
    const seen: Refreshed = { applications: new Map(), grants: new Map(), unreachable: new Set() };
    const mine = this.visible(by, rows);
    await this.refresh(by, mine, seen);
    const grants = [...seen.grants.values()].sort((a, b) => b.validFrom.localeCompare(a.validFrom));
    const names = await this.names(grants.map((g) => g.resourceId));
    return {
      grants: grants.map((g) => ({
        ...g,
        providerProvince: this.providerOf(mine, g),
        resourceName: names.get(g.resourceId)?.resource ?? '',
        providerAgencyName: names.get(g.resourceId)?.provider ?? '',
      })),
      unreachable: [...seen.unreachable],
    };
  }

  /** A requester of this province, with an agency: the only callers with outgoing applications. */
  private admit(by: Principal) {
    if (by.province !== this.deps.province)
      throw forbidden(
        'CONSENT.WRONG_PROVINCE',
        '请在本省查看本单位的申请 read your agency’s applications at your own province',
      );
    if (!by.roles.includes('requester') || by.agency === '')
      throw forbidden('AUTH.ROLE_REQUIRED', '需要申请人角色 requester role required');
  }

  /** The access matrix's requesting-agency row, as for one application read by id. */
  private visible(by: Principal, rows: OutgoingApplication[]) {
    return rows.filter(
      (r) =>
        canRead(by, {
          kind: 'application',
          province: r.providerProvince,
          requesterProvince: this.deps.province,
          requesterAgency: r.requesterAgency,
          providerAgency: '',
        }).allow,
    );
  }

  private providerOf(rows: OutgoingApplication[], g: Grant): Province {
    return rows.find((r) => r.id === g.applicationId)?.providerProvince ?? this.deps.province;
  }

  /** Reads the rows' state from their providers, one batch per province (of at most 100), side by side. */
  private async refresh(by: Principal, rows: OutgoingApplication[], into: Refreshed) {
    const byProvider = new Map<Province, string[]>();
    for (const r of rows) byProvider.set(r.providerProvince, [...(byProvider.get(r.providerProvince) ?? []), r.id]);
    const batches: [Province, string[]][] = [];
    for (const [p, ids] of byProvider) {
      for (let i = 0; i < ids.length; i += applicationsPerBatch)
        batches.push([p, ids.slice(i, i + applicationsPerBatch)]);
    }
    const answers = await Promise.all(
      batches.map(async ([p, ids]) => {
        try {
          return { p, answer: await this.ask(by, p, ids) };
        } catch (err) {
          this.deps.logger.warn(
            { provider: p, err: (err as Error).message },
            'provider did not answer for applications',
          );
          return { p, answer: undefined };
        }
      }),
    );
    const at = this.deps.clock().toISOString();
    const last = new Map(rows.map((r) => [r.id, r]));
    for (const { p, answer } of answers) {
      if (!answer) {
        into.unreachable.add(p);
        continue;
      }
      for (const g of answer.grants) if (last.has(g.applicationId)) into.grants.set(g.id, g);
      for (const a of answer.applications) {
        const row = last.get(a.id);
        if (!row) continue; // only what was asked for
        into.applications.set(a.id, a);
        if (row.lastStatus !== a.status || row.grantId !== a.grantId) {
          await this.deps.store.noteOutgoing(a.id, a.status, a.grantId, at);
        }
      }
    }
  }

  private ask(by: Principal, provider: Province, ids: string[]): Promise<ApplicationsAnswer> {
    if (provider === this.deps.province) return this.deps.applications.batchFor(provider, by, ids);
    return this.deps.peers.applications(provider, by, ids);
  }

  /** The entries' names from the regional catalogue, for people to recognise them by. */
  private async names(ids: string[]) {
    const names = new Map<string, { resource: string; provider: string }>();
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        const r = await this.deps.catalog.get(id).catch(() => undefined);
        if (r) names.set(id, { resource: r.name, provider: r.provider?.name ?? '' });
      }),
    );
    return names;
  }
}
