import { z } from 'zod';
import { Id } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

export const RoutingStatus = z.enum(['accepting', 'not_accepting', 'offline']);
export type RoutingStatus = z.infer<typeof RoutingStatus>;

export const agentEvents = {
  AgentStatusChanged: defineEvent(
    'AgentStatusChanged',
    z.object({
      agent_id: Id,
      from: RoutingStatus,
      to: RoutingStatus,
      reason: z.enum(['agent', 'presence', 'supervisor', 'system']),
    }),
  ),
} as const;

export type AgentEvent = EventUnion<typeof agentEvents>;
