/**
 * The consent service's own series: applications waiting at each stage of the workflow, and those of
 * them past their due date (the ones escalation is about). Asked of the database at each scrape,
 * counts only: never an applicant, an agency or a resource.
 */
import { type DatabaseHandle, sql } from '@yrd/db';
import { counter, gauge, type Registry } from '@yrd/telemetry';

/** The stages an application waits at (migrations/0003_workflow.sql); the others are decided. */
const openStages = ['compliance_review', 'submitted', 'second_approval', 'coordination'] as const;

export function consentMetrics(registry: Registry, opts: { db: DatabaseHandle; clock: () => Date }): void {
  const count = async (overdue: boolean): Promise<Map<string, number>> => {
    const at = opts.clock().toISOString();
    const rows = await opts.db.rows<{ status: string; n: number | string }>(sql`
      select status, count(*) as n from consent.applications
      where status in ('compliance_review', 'submitted', 'second_approval', 'coordination')
        ${overdue ? sql`and due_at < ${at}` : sql``}
      group by status`);
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  };
  // a database that does not answer leaves the series out of this scrape, counted, instead of failing it;
  // the scrape asks every metric at once, so the error count waits for this scrape's two questions
  const asking: Promise<void>[] = [];
  const collectInto = async (
    g: { set(labels: { stage: string }, v: number): void; reset(): void },
    overdue: boolean,
  ) => {
    g.reset();
    try {
      const byStage = await count(overdue);
      for (const stage of openStages) g.set({ stage }, byStage.get(stage) ?? 0);
    } catch {
      errors.inc();
    }
  };
  gauge(registry, {
    name: 'yrd_consent_applications_pending',
    help: 'Applications waiting for a decision, by stage',
    labelNames: ['stage'],
    async collect() {
      const p = collectInto(this, false);
      asking[0] = p;
      await p;
    },
  });
  gauge(registry, {
    name: 'yrd_consent_applications_overdue',
    help: 'Applications waiting past their due date, by stage',
    labelNames: ['stage'],
    async collect() {
      const p = collectInto(this, true);
      asking[1] = p;
      await p;
    },
  });
  const errors = counter(registry, {
    name: 'yrd_consent_metrics_errors_total',
    help: 'Scrapes at which the application counts could not be read',
    async collect() {
      await Promise.all(asking);
    },
  });
}
