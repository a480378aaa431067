import type { AgentEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import type { AgentStatusIntervalsRow } from './metrics-tables.js';
import type { ProjectorMemory } from './projector-memory.js';

type StatusChanged = Extract<AgentEvent, { type: 'AgentStatusChanged' }>;

/**
 * An agent's routing status changed: their open interval (if any) closes at that moment, and
 * its agent-days are dirty; the new status opens the next interval. Both are pending rows,
 * keyed by the stream version that opened them.
 */
export function foldStatusChange(memory: ProjectorMemory, recorded: RecordedEvent, event: StatusChanged): void {
  const { agent_id: agentId, to, reason } = event.data;
  const at = recorded.occurredAt;
  const pending = memory.pending;
  const open = memory.openIntervals.get(agentId);
  if (open) {
    const closed = { ...open, ended_at: at, seconds: Math.max(0, at.getTime() - open.started_at.getTime()) / 1000 };
    pending.intervals.set(`${agentId}\u0000${open.stream_version}`, closed);
    pending.keys.addSpan(recorded.organizationId, agentId, open.started_at, at, memory.zoneOf(recorded.organizationId));
  }
  const next: AgentStatusIntervalsRow = {
    organization_id: recorded.organizationId,
    agent_id: agentId,
    status: to,
    started_at: at,
    ended_at: null,
    seconds: null,
    reason,
    stream_version: recorded.streamVersion,
  };
  pending.intervals.set(`${agentId}\u0000${recorded.streamVersion}`, next);
  memory.openIntervals.set(agentId, next);
}
