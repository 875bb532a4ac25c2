/** The applications waiting at this province, counted by the database (an index on status, due_at). */
import { type DatabaseHandle, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import { type ApplicationCounts, type CountsStore, type OpenStage, openStages } from '../app/application-stats.js';

export class CountsRepo implements CountsStore {
  constructor(private readonly h: DatabaseHandle) {}

  async counts(province: Province, at: Date): Promise<ApplicationCounts> {
    const rows = await this.h.rows<{ status: string; n: unknown; overdue: unknown }>(sql`
      select status, count(*) as n, count(*) filter (where due_at < ${at.toISOString()}::timestamptz) as overdue
      from consent.applications
      where provider_province = ${province}
        and status in (${sql.join(
          openStages.map((s) => sql`${s}`),
          sql`, `,
        )})
      group by status`);
    const stages = Object.fromEntries(openStages.map((s) => [s, 0])) as Record<OpenStage, number>;
    let pending = 0;
    let overdue = 0;
    for (const r of rows) {
      if (!(openStages as readonly string[]).includes(r.status)) continue;
      stages[r.status as OpenStage] = Number(r.n);
      pending += Number(r.n);
      overdue += Number(r.overdue);
    }
    return { province, stages, pending, overdue, asOf: at.toISOString() };
  }
}
