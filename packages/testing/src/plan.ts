import { type DatabaseHandle, type SQL, sql } from '@yrd/db';

/** One node of a PostgreSQL plan as `explain (format json)` gives it, with the nodes under it. */
export type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
} & Record<string, unknown>;

/**
 * The plan of a statement, every node of it (the top first), for tests that hold a statement to the
 * plan it must keep. `analyze` runs it and adds each node's actual rows and pages read.
 */
export async function planNodes(
  h: DatabaseHandle,
  statement: SQL,
  opts: { analyze?: boolean } = {},
): Promise<PlanNode[]> {
  const how = opts.analyze ? sql`explain (analyze, buffers, format json)` : sql`explain (format json)`;
  const [row] = await h.rows<{ 'QUERY PLAN': unknown }>(sql`${how} ${statement}`);
  const raw = row?.['QUERY PLAN'];
  // PGlite gives the json parsed, node-postgres as text
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const top = plan[0]?.Plan;
  if (!top) throw new Error(`no plan for the statement: ${JSON.stringify(raw)}`);
  const all = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(all)];
  return all(top);
}
