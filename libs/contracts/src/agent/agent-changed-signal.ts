import { z } from 'zod';
import { Id } from '../common.js';

/**
 * Core NATS, `<prefix>.signal.agent_changed.<organization>`: the gateway, which owns the
 * directory, says that an agent was disabled or enabled. Gateway replicas close a disabled
 * agent's sockets; every service that caches whether an agent is active (`libs/auth`) forgets
 * it. Not an event: the directory row is the truth, and a missed signal only waits for the
 * cache's expiry.
 */
export const AGENT_CHANGED_SIGNAL = 'agent_changed';

export const AgentChangedSignal = z.object({
  organization_id: Id,
  agent_id: Id,
  disabled: z.boolean(),
});
export type AgentChangedSignal = z.infer<typeof AgentChangedSignal>;
