import { DerivedKeys, organizationOfKey } from './derived-keys.js';
import type { FlushPlan } from './flush-plan.js';

/** A part of a flush's rows: every row of its organizations, and nothing of the others. */
export interface FlushPart {
  plan: FlushPlan;
  organizations: ReadonlySet<string>;
}

/** The plan's lists whose every row names its organization (`cycleRows` and `keys` apart). */
export const ORGANIZATION_LISTS = [
  'organizations',
  'agents',
  'groups',
  'replaced',
  'states',
  'newStates',
  'intervals',
  'tickets',
  'policyRows',
  'tags',
  'untagged',
] as const satisfies readonly (keyof FlushPlan)[];

/** The rows a plan holds of each organization (how much writing each one is). */
function rowsPerOrganization(plan: FlushPlan): Map<string, number> {
  const rows = new Map<string, number>();
  const add = (organizationId: string, n = 1) => rows.set(organizationId, (rows.get(organizationId) ?? 0) + n);
  for (const cycle of plan.cycleRows) {
    const { responses, assignments, outcomes, ratings, timers } = cycle;
    add(
      cycle.cycle.organization_id,
      1 + responses.length + assignments.length + outcomes.length + ratings.length + timers.length,
    );
  }
  for (const list of ORGANIZATION_LISTS) for (const row of plan[list]) add(row.organization_id);
  for (const organizationId of plan.keys.wholeOrganizations) add(organizationId);
  for (const key of plan.keys.groupHours) add(organizationOfKey(key));
  for (const key of plan.keys.agentDays) add(organizationOfKey(key));
  return rows;
}

/**
 * A flush's rows split by organization into at most `count` parts of about as many rows each
 * (the organizations largest first, each to the part with the fewest rows so far), for a
 * rebuild to write in parallel transactions. No row is shared between organizations, so the
 * parts never touch the same row, and each organization's rows are in one part: should one
 * part's transaction fail, every organization is left as one of the two flushes had it. Parts
 * with no organization are left out; one organization is one part.
 */
export function splitFlushPlan(plan: FlushPlan, count: number): FlushPart[] {
  const weights = [...rowsPerOrganization(plan)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const parts = Array.from({ length: Math.max(1, Math.min(count, weights.length)) }, () => ({
    rows: 0,
    organizations: new Set<string>(),
  }));
  const partOf = new Map<string, number>();
  for (const [organizationId, rows] of weights) {
    let lightest = 0;
    for (let i = 1; i < parts.length; i++) if (parts[i]!.rows < parts[lightest]!.rows) lightest = i;
    parts[lightest]!.rows += rows;
    parts[lightest]!.organizations.add(organizationId);
    partOf.set(organizationId, lightest);
  }
  if (parts.length === 1) return [{ plan, organizations: parts[0]!.organizations }];
  const plans = parts.map(
    (): FlushPlan => ({
      organizations: [],
      agents: [],
      groups: [],
      cycleRows: [],
      replaced: [],
      states: [],
      newStates: [],
      intervals: [],
      tickets: [],
      policyRows: [],
      tags: [],
      untagged: [],
      keys: new DerivedKeys(),
    }),
  );
  const planOf = (organizationId: string): FlushPlan => plans[partOf.get(organizationId)!]!;
  for (const list of ORGANIZATION_LISTS) {
    for (const row of plan[list]) (planOf(row.organization_id)[list] as { organization_id: string }[]).push(row);
  }
  for (const rows of plan.cycleRows) planOf(rows.cycle.organization_id).cycleRows.push(rows);
  for (const key of plan.keys.groupHours) planOf(organizationOfKey(key)).keys.groupHours.add(key);
  for (const key of plan.keys.agentDays) planOf(organizationOfKey(key)).keys.agentDays.add(key);
  for (const organizationId of plan.keys.wholeOrganizations) {
    planOf(organizationId).keys.wholeOrganizations.add(organizationId);
  }
  return parts.map((part, i) => ({ organizations: part.organizations, plan: plans[i]! }));
}
