import type { Actor, AgentKind, Author, ConversationEvent } from '@livedesk/contracts';
import type { MissedReason } from '../conversation-commands.js';

/** Actors and events of a chat between customer `cust-1`, agents, a bot and routing. */
export type CustomerActor = Extract<Actor, { kind: 'customer' }>;
export type AgentActor = Extract<Actor, { kind: 'agent' }>;
export type SystemActor = Extract<Actor, { kind: 'system' }>;

export const chatId = 'chat-1';
export const groupId = 'group-sales';
export const otherGroupId = 'group-billing';

export const customer: CustomerActor = { kind: 'customer', id: 'cust-1' };
export const strangerCustomer: CustomerActor = { kind: 'customer', id: 'cust-2' };
export const alice = agent('alice');
export const bob = agent('bob');
export const carol = agent('carol');
export const supervisor = agent('sue', 'supervisor');
export const admin = agent('adam', 'admin');
export const bot: AgentActor = { kind: 'agent', id: 'bot-1', role: 'agent', agent_kind: 'bot' };
export const routing: SystemActor = { kind: 'system', id: 'routing' };

export function agent(id: string, role: AgentActor['role'] = 'agent'): AgentActor {
  return { kind: 'agent', id, role, agent_kind: 'human' };
}

export const customerAuthor: Author = { kind: 'customer', id: customer.id };
export const aliceAuthor: Author = { kind: 'agent', id: alice.id };

export function started(page?: { url?: string; title?: string }): ConversationEvent {
  return {
    type: 'ConversationStarted',
    data: {
      conversation_id: chatId,
      channel: 'chat',
      group_id: groupId,
      customer_id: customer.id,
      ...(page ? { page } : {}),
    },
  };
}

export function posted(messageId: string, author: Author = customerAuthor, clientId?: string): ConversationEvent {
  return {
    type: 'MessagePosted',
    data: {
      message_id: messageId,
      author,
      text: `text of ${messageId}`,
      ...(clientId ? { client_id: clientId } : {}),
      attachments: [],
    },
  };
}

export function queued(group = groupId): ConversationEvent {
  return { type: 'ConversationQueued', data: { group_id: group } };
}

export function assigned(
  agentId: string,
  by: 'routing' | 'agent' | 'supervisor' = 'routing',
  agentKind: AgentKind = 'human',
): ConversationEvent {
  return { type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: agentKind, by } };
}

export function resolved(by: Author = aliceAuthor): ConversationEvent {
  return { type: 'ConversationResolved', data: { by } };
}

export function closed(by: Author = customerAuthor): ConversationEvent {
  return { type: 'ConversationClosed', data: { by } };
}

export function missed(reason: MissedReason = 'unanswered'): ConversationEvent {
  return { type: 'ConversationMissed', data: { reason } };
}

export function reopened(): ConversationEvent {
  return { type: 'ConversationReopened', data: { by: customerAuthor } };
}

export function seen(by: Author, upTo: string): ConversationEvent {
  return { type: 'MessagesSeen', data: { by, seen_up_to: upTo } };
}

export function tagged(tag: string): ConversationEvent {
  return { type: 'TagAdded', data: { tag } };
}

export function untagged(tag: string): ConversationEvent {
  return { type: 'TagRemoved', data: { tag } };
}

export function transferredToGroup(toGroup: string, fromAgentId?: string): ConversationEvent {
  return {
    type: 'ConversationTransferred',
    data: { ...(fromAgentId ? { from_agent_id: fromAgentId } : {}), to_group_id: toGroup, reason: 'manual' },
  };
}

export function transferredToAgent(toAgentId: string, fromAgentId?: string): ConversationEvent {
  return {
    type: 'ConversationTransferred',
    data: { ...(fromAgentId ? { from_agent_id: fromAgentId } : {}), to_agent_id: toAgentId, reason: 'manual' },
  };
}

/** Histories in each status. m1 is the customer's first message, m2 alice's answer. */
export const queuedChat: ConversationEvent[] = [started(), posted('m1'), queued()];
export const activeChat: ConversationEvent[] = [...queuedChat, assigned(alice.id)];
export const answeredChat: ConversationEvent[] = [...activeChat, posted('m2', aliceAuthor)];
export const resolvedChat: ConversationEvent[] = [...answeredChat, resolved()];
export const closedChat: ConversationEvent[] = [...resolvedChat, closed()];
export const missedChat: ConversationEvent[] = [...activeChat, missed('unanswered')];
/** The customer left while queued: missed, then closed, with no agent ever assigned. */
export const abandonedChat: ConversationEvent[] = [...queuedChat, missed('left_in_queue'), closed()];
