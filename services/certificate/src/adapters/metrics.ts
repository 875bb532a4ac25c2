/**
 * The certificate service's own series: uses of other provinces' certificates still to be sent to
 * their issuers (the outbox of app/use-forwarding.ts), refused ones, and how long the oldest has
 * waited. Asked of the database at each scrape; counts only, never a holder or a user.
 */
import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import { gauge, type Registry } from '@yrd/telemetry';

export function certificateMetrics(registry: Registry, opts: { db: DatabaseHandle; now?: () => Date }): void {
  const now = opts.now ?? (() => new Date());
  let asked: Promise<{ waiting: number; refused: number; oldest: string | null } | undefined> | undefined;
  // both series come from one question per scrape
  const backlog = () => {
    asked ??= opts.db
      .rows<{ waiting: number | string; refused: number | string; oldest: unknown }>(sql`
        select count(*) filter (where sent_at is null and refused_code is null) as waiting,
          count(*) filter (where refused_code is not null) as refused,
          min(created_at) filter (where sent_at is null and refused_code is null) as oldest
        from certificate.use_forwards`)
      .then(([r]) => ({
        waiting: Number(r?.waiting ?? 0),
        refused: Number(r?.refused ?? 0),
        oldest: r?.oldest ? isoTimestamp(r.oldest) : null,
      }))
      // a database that does not answer leaves the series out of this scrape instead of failing it
      .catch(() => undefined)
      .finally(() => setTimeout(() => (asked = undefined), 0));
    return asked;
  };
  gauge(registry, {
    name: 'yrd_certificate_use_forwards',
    help: 'Uses of other provinces’ certificates not yet acknowledged by their issuer (waiting) or refused by it',
    labelNames: ['state'],
    async collect() {
      this.reset();
      const b = await backlog();
      if (!b) return;
      this.set({ state: 'waiting' }, b.waiting);
      this.set({ state: 'refused' }, b.refused);
    },
  });
  gauge(registry, {
    name: 'yrd_certificate_use_forward_oldest_seconds',
    help: 'Age of the oldest use still waiting to reach its issuing province (0 when none waits)',
    async collect() {
      this.reset();
      const b = await backlog();
      if (!b) return;
      this.set(b.oldest ? Math.max(0, (now().getTime() - Date.parse(b.oldest)) / 1000) : 0);
    },
  });
}
