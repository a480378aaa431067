import type { Actor, AgentKind, AgentRole } from '@livedesk/contracts';

/** Who a verified livedesk token speaks for. The organization comes from the token, never from a frame. */
export type Principal =
  | { kind: 'customer'; organizationId: string; customerId: string }
  | { kind: 'agent'; organizationId: string; agentId: string; role: AgentRole; agentKind: AgentKind };

export type CustomerPrincipal = Extract<Principal, { kind: 'customer' }>;
export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

/** The `Actor` of the commands a principal sends (contracts' actor.ts). */
export function actorOf(principal: Principal): Actor {
  return principal.kind === 'customer'
    ? { kind: 'customer', id: principal.customerId }
    : { kind: 'agent', id: principal.agentId, role: principal.role, agent_kind: principal.agentKind };
}
