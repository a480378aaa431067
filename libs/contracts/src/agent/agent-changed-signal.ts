import { z } from 'zod';
import { AgentRole } from '../actor.js';
import { Id } from '../common.js';

/**
 * Core NATS, `<prefix>.signal.agent_changed.<organization>`: the identity service, which owns
 * the directory, says that an agent changed (`PATCH /v1/organizations/:id/agents/:agent_id`).
 * Gateway replicas forget the agent's public profile, close a disabled agent's sockets, give
 * the agent's open sockets its `role` (absent from older senders: unchanged) and report them to
 * routing again, which so learns a new chat limit or groups; every service that caches whether
 * an agent is active (`libs/auth`) forgets it. Not an event: the directory row is the truth, and a missed signal only waits for the
 * cache's expiry.
 */
export const AGENT_CHANGED_SIGNAL = 'agent_changed';

export const AgentChangedSignal = z.object({
  organization_id: Id,
  agent_id: Id,
  disabled: z.boolean(),
  role: AgentRole.optional(),
});
export type AgentChangedSignal = z.infer<typeof AgentChangedSignal>;
