import type { AgentEvent, RoutingStatus } from '@livedesk/contracts';

/** An agent event as the rebuild reads it: decoded, with its time. */
export interface StoredAgentEvent {
  event: AgentEvent;
  occurredAtMs: number;
}

/** What routing holds of an agent, as its stream says. */
export interface AgentSnapshot {
  agentId: string;
  status: RoutingStatus;
  statusChangedAtMs: number;
  /**
   * The status the agent or a supervisor last chose (offline counts as not_accepting), which a
   * returning socket restores (agent-status.service.ts); null when only presence ever set one.
   */
  chosen: RoutingStatus | null;
}

/**
 * Folds an agent stream, in version order: the last AgentStatusChanged gives the status (every
 * status change routing makes is one, set-status.lua.ts and agent-status.service.ts), the last
 * one not caused by presence gives the chosen status. Null for an agent with no status event
 * (never seen by routing: unknown, which routing treats as offline).
 */
export function foldAgent(agentId: string, events: readonly StoredAgentEvent[]): AgentSnapshot | null {
  let snapshot = null as AgentSnapshot | null;
  for (const { event, occurredAtMs } of events) {
    if (event.type !== 'AgentStatusChanged') continue;
    const { to, reason } = event.data;
    const chosen: RoutingStatus | null =
      reason === 'presence' ? (snapshot?.chosen ?? null) : to === 'offline' ? 'not_accepting' : to;
    snapshot = { agentId, status: to, statusChangedAtMs: occurredAtMs, chosen };
  }
  return snapshot;
}
