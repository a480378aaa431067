import { z } from 'zod';
import { Id } from './common.js';

export const AgentRole = z.enum(['agent', 'supervisor', 'admin']);
export type AgentRole = z.infer<typeof AgentRole>;

/** A bot is an agent account of kind `bot`: its messages are never human replies (docs/metrics.md). */
export const AgentKind = z.enum(['human', 'bot']);
export type AgentKind = z.infer<typeof AgentKind>;

/**
 * Who sends a command: the authenticated principal of a gateway connection, or a service
 * (`system`, e.g. routing) acting on its own. The gateway fills it from the verified token,
 * never from the frame, so a client cannot claim to be someone else.
 */
export const Actor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('customer'), id: Id }),
  z.object({ kind: z.literal('agent'), id: Id, role: AgentRole, agent_kind: AgentKind }),
  z.object({ kind: z.literal('system'), id: Id }),
]);
export type Actor = z.infer<typeof Actor>;

/** Supervisors and admins may act on every chat of their organization. */
export function isSupervisor(actor: Actor): boolean {
  return actor.kind === 'agent' && (actor.role === 'supervisor' || actor.role === 'admin');
}
