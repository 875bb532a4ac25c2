/**
 * Regional federation over NATS: a province announces its published entries on its exported
 * `catalog.P.events` stream and answers `catalog.P.sync` with a snapshot. Every province listens to
 * the others' events and, at start and then periodically, reconciles with their snapshots, so a
 * province that was away catches up without missing or duplicating an entry.
 */
import type { Logger } from '@yrd/logger';
import { type NatsConnection, request, serve, subjects } from '@yrd/nats';
import { catalogV1 } from '@yrd/proto';
import { type Province, provinces } from '@yrd/region';
import type { CatalogAnnouncer, CatalogApp } from '../app/catalog.js';

export class NatsCatalogAnnouncer implements CatalogAnnouncer {
  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly clock: () => Date,
  ) {}

  /** A change of the negative list: no entry named, so listeners drop every entry they cached. */
  async announcePolicyChange() {
    const ev = catalogV1.CatalogEvent.encode({
      kind: 'negative_list_changed',
      resource: undefined,
      occurredAt: this.clock().toISOString(),
    }).finish();
    this.nc.publish(subjects.catalogEvents(this.province), ev);
    await this.nc.flush();
  }

  async announce(kind: 'published' | 'withdrawn', resource: catalogV1.Resource) {
    const ev = catalogV1.CatalogEvent.encode({ kind, resource, occurredAt: this.clock().toISOString() }).finish();
    this.nc.publish(subjects.catalogEvents(this.province), ev);
    await this.nc.flush();
  }
}

export class CatalogFederation {
  private timer: NodeJS.Timeout | undefined;
  private readonly subs: { unsubscribe(): void }[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly catalog: CatalogApp,
    private readonly logger: Logger,
    private readonly resyncMs = 30_000,
  ) {}

  async start() {
    this.subs.push(
      serve(this.nc, subjects.catalogSync(this.province), { queue: 'catalog', logger: this.logger }, async () =>
        catalogV1.SyncResponse.encode({ resources: await this.catalog.snapshot() }).finish(),
      ),
    );
    for (const p of this.others()) {
      const sub = this.nc.subscribe(subjects.catalogEvents(p), {
        callback: (err, m) => {
          if (err) return;
          const ev = catalogV1.CatalogEvent.decode(m.data);
          if (ev.resource?.province !== p) return; // a province speaks only for itself
          this.catalog
            .applyRemote(ev.kind === 'withdrawn' ? 'withdrawn' : 'published', ev.resource)
            .catch((e) => this.logger.error({ err: e }, 'applying catalogue event failed'));
        },
      });
      this.subs.push(sub);
    }
    await this.nc.flush();
    // pull what the others have, and tell the others what this province has (they may have
    // started before it and missed it)
    void this.syncAll();
    void this.announceAll();
    this.timer = setInterval(() => void this.syncAll(), this.resyncMs);
    this.timer.unref();
  }

  /** Pulls every other province's snapshot; a province that is offline is skipped until next time. */
  async syncAll(): Promise<Province[]> {
    const done: Province[] = [];
    await Promise.all(
      this.others().map(async (p) => {
        try {
          const data = await request(
            this.nc,
            subjects.catalogSync(p),
            catalogV1.SyncRequest.encode({ requesterProvince: this.province }).finish(),
            {
              timeoutMs: 3000,
              unavailableCode: 'CATALOG.PEER_UNAVAILABLE',
            },
          );
          await this.catalog.reconcile(p, catalogV1.SyncResponse.decode(data).resources);
          done.push(p);
        } catch (err) {
          this.logger.debug({ peer: p, err: (err as Error).message }, 'catalogue sync skipped');
        }
      }),
    );
    return done;
  }

  async announceAll() {
    for (const r of await this.catalog.snapshot()) {
      this.nc.publish(
        subjects.catalogEvents(this.province),
        catalogV1.CatalogEvent.encode({ kind: 'published', resource: r, occurredAt: r.updatedAt }).finish(),
      );
    }
    await this.nc.flush();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs) s.unsubscribe();
  }

  private others() {
    return provinces.filter((p) => p !== this.province);
  }
}
