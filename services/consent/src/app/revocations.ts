/**
 * The revocation register (撤销登记): every grant and consent revoked anywhere in the region, so that
 * Authorize refuses a revoked one at once even when the issuing province cannot be reached.
 *
 * Revocations arrive two ways. Live: each province publishes its own on `consent.<p>.revocations`
 * (core NATS, exported to every province). Catch-up: core NATS drops what a province misses while it
 * is away, so at start and then periodically the register asks each issuer for what it revoked after
 * the last point it was caught up to. Both paths record a revocation once, keyed on its id.
 */
import type { Logger } from '@yrd/logger';
import type { consentV1 } from '@yrd/proto';
import { type Province, provinces } from '@yrd/region';
import { provinceOfId } from './ids.js';
import type { RevocationCheck } from './ports.js';

export const revocationKinds = ['grant', 'consent'] as const;
export type RevocationKind = (typeof revocationKinds)[number];

export interface Revocation {
  kind: RevocationKind;
  id: string;
  /** the issuing province: the provider for a grant, the data subject's province for a consent */
  province: Province;
  revokedAt: string;
}

export interface HeardRevocation extends Revocation {
  receivedAt: string;
}

/** A point in an issuer's revocations, which run in (revokedAt, id) order. */
export interface RevocationCursor {
  revokedAt: string;
  /** '' = at or after revokedAt */
  id: string;
}

export interface RevocationPage {
  revocations: consentV1.RevocationEvent[];
  /** a full page: there may be more after the last one */
  more: boolean;
}

/** The register's storage, and the issuer's own revoked grants and consents. */
export interface RevocationStore {
  /** false when the id was recorded already */
  record(r: HeardRevocation): Promise<boolean>;
  ids(): Promise<string[]>;
  /** how far the catch-up with an issuer got */
  cursor(issuer: Province): Promise<RevocationCursor | undefined>;
  /** moves an issuer's cursor forward (never back) */
  advance(issuer: Province, to: RevocationCursor): Promise<void>;
  /** the grants and consents this province revoked after `after`, in (revokedAt, id) order */
  issuedAfter(after: RevocationCursor | undefined, limit: number): Promise<Revocation[]>;
}

/** The other provinces' answers about what they revoked, reached over the consent lanes. */
export interface RevocationPeers {
  revocationsAfter(issuer: Province, after: RevocationCursor | undefined, limit: number): Promise<RevocationPage>;
}

export interface RevocationRegisterOptions {
  /** page size of a catch-up request */
  pageSize?: number;
  /**
   * How far before its cursor a catch-up starts again: an issuer stamps a revocation before it
   * commits it, so one stamped a moment earlier than another may become visible after it.
   */
  overlapMs?: number;
}

/** Most revocations an issuer hands out in one page. */
export const maxRevocationPage = 1000;

export class RevocationRegister implements RevocationCheck {
  private readonly revoked = new Set<string>();
  private readonly pageSize: number;
  private readonly overlapMs: number;
  /** the catch-up with each issuer under way: a second call for it shares the run */
  private readonly catchingUp = new Map<Province, Promise<boolean>>();

  constructor(
    private readonly province: Province,
    private readonly store: RevocationStore,
    private readonly peers: RevocationPeers,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    opts: RevocationRegisterOptions = {},
  ) {
    this.pageSize = Math.min(opts.pageSize ?? 500, maxRevocationPage);
    this.overlapMs = opts.overlapMs ?? 5 * 60_000;
  }

  /** Fills the in-memory set from the table; call before the first Authorize. */
  async load(): Promise<number> {
    for (const id of await this.store.ids()) this.revoked.add(id);
    return this.revoked.size;
  }

  isRevoked(id: string): boolean {
    return this.revoked.has(id);
  }

  /**
   * Records a revocation that `issuer` announced or handed out. A province speaks only for what it
   * issued: an event about another province's id, or of an unknown kind, is dropped. Returns true
   * when it is new. The in-memory set learns of it before the table does, so a failing write
   * (which throws) still leaves this process refusing.
   */
  async hear(issuer: Province, ev: consentV1.RevocationEvent): Promise<boolean> {
    const r = this.valid(issuer, ev);
    if (!r) {
      this.logger.warn({ issuer, id: ev.id, kind: ev.kind }, 'revocation ignored: not one the issuer could have made');
      return false;
    }
    this.revoked.add(r.id);
    return this.store.record({ ...r, receivedAt: this.clock().toISOString() });
  }

  /**
   * Asks every province (this one from its own tables, the others over their lanes) for what it
   * revoked since the register last caught up with it. A province that does not answer is skipped
   * until next time. Returns the provinces caught up with; concurrent calls share one run.
   */
  catchUpAll(): Promise<Province[]> {
    return this.catchUpWith(provinces);
  }

  /**
   * The same for some provinces only: those a catch-up missed, asked again sooner than the next
   * round. A province being caught up with already shares that run.
   */
  async catchUpWith(issuers: readonly Province[]): Promise<Province[]> {
    const done = await Promise.all(issuers.map(async (p) => ((await this.catchUpOnce(p)) ? p : undefined)));
    return done.filter((p): p is Province => p !== undefined);
  }

  /** For another province's catch-up: what this province revoked after `after`. */
  async issued(after: RevocationCursor | undefined, limit: number): Promise<RevocationPage> {
    const n = Math.max(1, Math.min(limit > 0 ? limit : this.pageSize, maxRevocationPage));
    const revocations = await this.store.issuedAfter(after, n);
    return { revocations, more: revocations.length === n };
  }

  private catchUpOnce(issuer: Province): Promise<boolean> {
    let run = this.catchingUp.get(issuer);
    if (!run) {
      run = this.catchUp(issuer)
        .then(
          (added) => {
            if (added > 0) this.logger.info({ issuer, added }, 'revocations caught up');
            return true;
          },
          (err: unknown) => {
            this.logger.debug({ issuer, err: (err as Error).message }, 'revocation catch-up skipped');
            return false;
          },
        )
        .finally(() => this.catchingUp.delete(issuer));
      this.catchingUp.set(issuer, run);
    }
    return run;
  }

  private async catchUp(issuer: Province): Promise<number> {
    const held = await this.store.cursor(issuer);
    let after: RevocationCursor | undefined = held
      ? { revokedAt: new Date(Date.parse(held.revokedAt) - this.overlapMs).toISOString(), id: '' }
      : undefined;
    let added = 0;
    for (;;) {
      const page =
        issuer === this.province
          ? await this.issued(after, this.pageSize)
          : await this.peers.revocationsAfter(issuer, after, this.pageSize);
      for (const ev of page.revocations) if (await this.hear(issuer, ev)) added++;
      const last = page.revocations.at(-1);
      if (!last) break;
      after = { revokedAt: last.revokedAt, id: last.id };
      await this.store.advance(issuer, after);
      if (!page.more) break;
    }
    return added;
  }

  private valid(issuer: Province, ev: consentV1.RevocationEvent): Revocation | undefined {
    const kind = revocationKinds.find((k) => k === ev.kind);
    const at = Date.parse(ev.revokedAt);
    if (!kind || ev.province !== issuer || provinceOfId(ev.id) !== issuer || !Number.isFinite(at)) return undefined;
    return { kind, id: ev.id, province: issuer, revokedAt: new Date(at).toISOString() };
  }
}
