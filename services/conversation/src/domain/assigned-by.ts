import { isSupervisor, type Actor } from '@livedesk/contracts';

/** The `by` of an AgentAssigned: routing (any service), a supervisor or admin, or the agent themself. */
export function assignedBy(actor: Actor): 'routing' | 'agent' | 'supervisor' {
  if (actor.kind === 'system') return 'routing';
  return isSupervisor(actor) ? 'supervisor' : 'agent';
}
