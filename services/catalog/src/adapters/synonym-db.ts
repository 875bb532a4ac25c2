import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { Removal } from '../app/duty.js';
import type { SynonymStore } from '../app/synonym.js';
import type { SearchSynonym } from '../domain/search.js';
import type { SynonymLine } from '../domain/synonym.js';

type Row = Record<string, unknown>;

function toLine(r: Row): SynonymLine {
  return {
    id: String(r.id),
    term: String(r.term),
    synonym: String(r.synonym),
    note: String(r.note),
    createdBy: String(r.created_by),
    createdAt: isoTimestamp(r.created_at),
    ...(r.removed_at === null || r.removed_at === undefined
      ? {}
      : {
          removedBy: String(r.removed_by),
          removedAt: isoTimestamp(r.removed_at),
          removedReason: String(r.removed_reason),
        }),
  };
}

/** What search reads of the table: the current lines. */
export interface SynonymSource {
  current(): Promise<SearchSynonym[]>;
}

/**
 * The synonym table of this province's catalogue database. Search reads the current lines from a
 * copy kept for a few seconds (every query would otherwise read the table); a change made through
 * this repository drops the copy at once, one made by another process shows within `ttlMs`.
 */
export class SynonymRepo implements SynonymStore, SynonymSource {
  private cached: { at: number; lines: Promise<SearchSynonym[]> } | undefined;

  constructor(
    private readonly h: DatabaseHandle,
    private readonly ttlMs = 10_000,
  ) {}

  current(): Promise<SearchSynonym[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const lines = this.h.rows<SearchSynonym>(
        sql`select term, synonym from catalog.search_synonyms where removed_at is null order by term, synonym`,
      );
      this.cached = { at: now, lines };
      // a failed read is not kept: the next search tries again
      lines.catch(() => {
        if (this.cached?.lines === lines) this.cached = undefined;
      });
    }
    return this.cached.lines;
  }

  async add(l: SynonymLine): Promise<boolean> {
    // the unique index on current lines decides duplicates, also between concurrent admins
    const rows = await this.h.rows<Row>(sql`
      insert into catalog.search_synonyms (id, term, synonym, note, created_by, created_at)
      values (${l.id}, ${l.term}, ${l.synonym}, ${l.note}, ${l.createdBy}, ${l.createdAt})
      on conflict do nothing
      returning id`);
    this.cached = undefined;
    return rows.length === 1;
  }

  async lines(o: { includeRemoved: boolean }): Promise<SynonymLine[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from catalog.search_synonyms ${o.includeRemoved ? sql`` : sql`where removed_at is null`}
      order by term, synonym, created_at`);
    return rows.map(toLine);
  }

  async line(id: string): Promise<SynonymLine | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from catalog.search_synonyms where id = ${id}`);
    return rows[0] ? toLine(rows[0]) : undefined;
  }

  async remove(id: string, r: Removal): Promise<SynonymLine | undefined> {
    const rows = await this.h.rows<Row>(sql`
      update catalog.search_synonyms set removed_by = ${r.by}, removed_at = ${r.at}, removed_reason = ${r.reason}
      where id = ${id} and removed_at is null
      returning *`);
    this.cached = undefined;
    return rows[0] ? toLine(rows[0]) : undefined;
  }
}
