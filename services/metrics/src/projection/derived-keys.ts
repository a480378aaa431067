import type { CycleRows } from './cycle-rows.js';
import { localDay, localDaysBetween } from './local-day.js';

const HOUR_MS = 3_600_000;

/**
 * The rows of the derived tables (`group_hourly`, `agent_daily`) that a change of base rows
 * touches, collected per batch and recomputed from the base tables at its end. Every key a
 * cycle contributes to before and after its change is dirty, so a count that moves (a group
 * transfer, a policy that moves a due time into another day) is taken off the old row too.
 */
export class DerivedKeys {
  /** `organization \0 group \0 hour ms` */
  readonly groupHours = new Set<string>();
  /** `organization \0 agent \0 YYYY-MM-DD` */
  readonly agentDays = new Set<string>();
  /** organizations whose derived rows are all recomputed (their time zone became known) */
  readonly wholeOrganizations = new Set<string>();

  addCycle(rows: CycleRows, timeZone: string): void {
    const { organization_id: org, group_id, started_at } = rows.cycle;
    this.groupHours.add(`${org}\u0000${group_id}\u0000${Math.floor(started_at.getTime() / HOUR_MS) * HOUR_MS}`);
    const agentDay = (agent: string | null, at: Date | null) => {
      if (agent !== null && at !== null) this.agentDays.add(`${org}\u0000${agent}\u0000${localDay(at, timeZone)}`);
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
      this.addSpan(org, assignment.agent_id, assignment.assigned_at, assignment.released_at, timeZone);
    }
  }

  /** Every local day a stretch of time touches; an open stretch counts its first day only (it counts nowhere until it ends). */
  addSpan(org: string, agent: string, from: Date, to: Date | null, timeZone: string): void {
    for (const day of localDaysBetween(from.getTime(), (to ?? from).getTime(), timeZone)) this.agentDays.add(`${org}\u0000${agent}\u0000${day}`);
  }

  get size(): number {
    return this.groupHours.size + this.agentDays.size + this.wholeOrganizations.size;
  }
}
