import type { CycleRows } from './cycle-rows.js';
import { localDay, localDaysBetween } from './local-day.js';

const HOUR_MS = 3_600_000;
/**
 * Between the parts of a key: the ASCII unit separator, which no id of a group, agent or
 * organization holds in practice and which, unlike NUL, Postgres text can store.
 */
export const KEY_SEPARATOR = '\u001f';
const SEPARATOR = KEY_SEPARATOR;

/** The organization of a group hour's or an agent day's key (its first part). */
export const organizationOfKey = (key: string): string => key.slice(0, key.indexOf(SEPARATOR));

/**
 * The rows of the derived tables (`group_hourly`, `agent_daily`) that changes of base rows
 * touch, collected and recomputed from the base tables (derived-tables.ts). A cycle's rows
 * count in one group hour (of its start) and in the agent days of its replies, assignments,
 * ratings, end and breaches: the keys it counted in before a change and after it are both
 * dirty, so a count that moves (a group transfer, a policy that moves a due time into another
 * day) is taken off the old row too.
 */
export class DerivedKeys {
  /** `organization ␟ group ␟ hour ms` */
  readonly groupHours = new Set<string>();
  /** `organization ␟ agent ␟ YYYY-MM-DD` */
  readonly agentDays = new Set<string>();
  /** organizations whose derived rows are all recomputed (their time zone became known) */
  readonly wholeOrganizations = new Set<string>();

  /** Adds keys as `keysOfCycle` answers them. */
  addAll(keys: readonly string[]): void {
    for (const key of keys) (key.startsWith('g') ? this.groupHours : this.agentDays).add(key.slice(1));
  }

  /** Every local day a stretch of time touches. */
  addSpan(org: string, agent: string, from: Date, to: Date | null, timeZone: string): void {
    for (const day of localDaysBetween(from.getTime(), (to ?? from).getTime(), timeZone))
      this.agentDays.add(`${org}${SEPARATOR}${agent}${SEPARATOR}${day}`);
  }

  merge(other: DerivedKeys): void {
    for (const key of other.groupHours) this.groupHours.add(key);
    for (const key of other.agentDays) this.agentDays.add(key);
    for (const key of other.wholeOrganizations) this.wholeOrganizations.add(key);
  }

  get size(): number {
    return this.groupHours.size + this.agentDays.size + this.wholeOrganizations.size;
  }
}

/** The derived rows one cycle's rows count in, each `g…` (group hour) or `a…` (agent day). */
export function keysOfCycle(rows: CycleRows, timeZone: string): string[] {
  const { organization_id: org, group_id, started_at } = rows.cycle;
  const keys = new Set<string>([
    `g${org}${SEPARATOR}${group_id}${SEPARATOR}${Math.floor(started_at.getTime() / HOUR_MS) * HOUR_MS}`,
  ]);
  const agentDay = (agent: string | null, at: Date | null) => {
    if (agent !== null && at !== null) keys.add(`a${org}${SEPARATOR}${agent}${SEPARATOR}${localDay(at, timeZone)}`);
  };
  const { cycle } = rows;
  agentDay(cycle.first_response_agent_id, cycle.first_response_at);
  agentDay(cycle.last_agent_id, cycle.ended_at);
  for (const agent of cycle.assigned_agent_ids) agentDay(agent, cycle.ended_at);
  for (const response of rows.responses) agentDay(response.agent_id, response.replied_at);
  for (const rating of rows.ratings) agentDay(rating.agent_id, rating.rated_at);
  for (const outcome of rows.outcomes) agentDay(outcome.agent_id, outcome.breached_at);
  for (const assignment of rows.assignments) {
    if (assignment.agent_kind !== 'human') continue;
    const to = assignment.released_at ?? assignment.assigned_at;
    for (const day of localDaysBetween(assignment.assigned_at.getTime(), to.getTime(), timeZone)) {
      keys.add(`a${org}${SEPARATOR}${assignment.agent_id}${SEPARATOR}${day}`);
    }
  }
  return [...keys];
}
