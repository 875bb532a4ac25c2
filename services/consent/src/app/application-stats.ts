/**
 * 一网统管 overview of the applications (共享申请) each province has yet to answer: how many wait at each
 * stage, and how many of them are past their due date (the ones escalation is about). Each province's
 * consent service knows only the applications made to it as the provider, so the region's figures are
 * asked of the other provinces over the consent lanes; a province that does not answer in time is
 * named, never silently left out.
 */
import { type Province, provinces } from '@yrd/region';
import { z } from 'zod';

/** The stages an application waits at (migrations/0003_workflow.sql); the others are decided. */
export const openStages = ['compliance_review', 'submitted', 'second_approval', 'coordination'] as const;
export type OpenStage = (typeof openStages)[number];

export const applicationCountsSchema = z.object({
  province: z.enum(provinces),
  /** waiting, by stage */
  stages: z.object(
    Object.fromEntries(openStages.map((s) => [s, z.number().int().min(0)])) as Record<OpenStage, z.ZodNumber>,
  ),
  pending: z.number().int().min(0),
  /** waiting past the due date */
  overdue: z.number().int().min(0),
  /** when the province counted */
  asOf: z.string(),
});
export type ApplicationCounts = z.infer<typeof applicationCountsSchema>;

/** This province's counts, from its database (adapters/stats-db.ts). */
export interface CountsStore {
  counts(province: Province, at: Date): Promise<ApplicationCounts>;
}

/** Another province's counts, over its consent lane (adapters/stats-nats.ts); rejects when it does not answer. */
export interface CountsPeers {
  countsOf(province: Province): Promise<unknown>;
}

export interface RegionCounts {
  /** the provinces that answered, this one first */
  provinces: ApplicationCounts[];
  /** the provinces that did not answer in time (or answered something unreadable) */
  unanswered: Province[];
}

export class ApplicationStats {
  constructor(
    private readonly province: Province,
    private readonly store: CountsStore,
    private readonly peers: CountsPeers,
    private readonly clock: () => Date,
  ) {}

  /** This province's counts: what it answers on its lane, and the first row of the region's. */
  own(): Promise<ApplicationCounts> {
    return this.store.counts(this.province, this.clock());
  }

  /** Every province's counts, asked at once; those that did not answer are named. */
  async region(): Promise<RegionCounts> {
    const others = provinces.filter((p) => p !== this.province);
    const [own, ...answers] = await Promise.all([
      this.own(),
      ...others.map(async (p) => {
        try {
          const counts = applicationCountsSchema.parse(await this.peers.countsOf(p));
          // a lane answers for its own province only
          return counts.province === p ? counts : undefined;
        } catch {
          return undefined;
        }
      }),
    ]);
    const answered: ApplicationCounts[] = [own];
    const unanswered: Province[] = [];
    others.forEach((p, i) => {
      const a = answers[i];
      if (a) answered.push(a);
      else unanswered.push(p);
    });
    return { provinces: answered, unanswered };
  }
}
