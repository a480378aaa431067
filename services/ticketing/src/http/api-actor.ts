import type { ApiCaller } from '@livedesk/auth';
import type { TicketActor } from '../domain/index.js';

/** The ticket actor of an HTTP caller: an agent (a bot is an agent of kind bot), or the installation admin. */
export function apiActor(caller: ApiCaller): TicketActor {
  if (caller.kind === 'installation_admin') return { kind: 'system', id: 'installation_admin' };
  const { agentId, agentKind } = caller.principal;
  return { kind: 'agent', id: agentId, ...(agentKind === 'bot' ? { bot: true } : {}) };
}

/** A stable name of the caller, for ids derived from their client ids (two callers may pick the same one). */
export function callerKey(caller: ApiCaller): string {
  return caller.kind === 'installation_admin' ? 'installation_admin' : `agent:${caller.principal.agentId}`;
}
