import { isSupervisor, type Actor, type Author } from '@livedesk/contracts';
import { clientIdKey } from './author-keys.js';
import type { ClientMessage, ConversationState } from './conversation-state.js';
import { isChatCustomer } from './participants.js';

/** The author a message or seen mark of this actor carries; a bot is never a human agent (docs/metrics.md). */
export function authorOf(actor: Actor): Author {
  if (actor.kind === 'agent') return { kind: actor.agent_kind === 'bot' ? 'bot' : 'agent', id: actor.id };
  return { kind: actor.kind, id: actor.id };
}

/**
 * Who may read a chat's transcript: its customer, services, supervisors and admins, any agent
 * while it is queued (to decide whether to pick it), and every agent ever assigned to it — the
 * receiver of a transfer reads what was said before, and a former agent keeps their history.
 */
export function canRead(state: ConversationState, actor: Actor): boolean {
  if (state.status === 'none') return false;
  if (actor.kind === 'customer') return isChatCustomer(state, actor);
  if (actor.kind === 'system' || isSupervisor(actor)) return true;
  return state.status === 'queued' || state.agentIds.includes(actor.id);
}

/** The message an author already posted with this client id, if any (the dedup of a retried send). */
export function messageByClientId(
  state: ConversationState,
  author: Author,
  clientId: string,
): ClientMessage | undefined {
  if (state.status === 'none') return undefined;
  return state.clientIds.get(clientIdKey(author, clientId));
}
