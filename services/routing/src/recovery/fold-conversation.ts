import type { Author, Channel, ConversationEvent } from '@livedesk/contracts';
import { TRANSFER_NOTES } from '../dispatch/transfer-notes.js';

/** The conversation event types routing's state depends on: the rebuild reads only these. */
export const FOLDED_CONVERSATION_EVENTS = [
  'ConversationStarted',
  'ConversationReopened',
  'ConversationQueued',
  'AgentAssigned',
  'MessagePosted',
  'ConversationTransferred',
  'ConversationResolved',
  'ConversationClosed',
  'ConversationMissed',
] as const;

/** Those events; of a message only its author is read (its text can be long and says nothing to routing). */
export type FoldedConversationEvent =
  | Extract<ConversationEvent, { type: Exclude<(typeof FOLDED_CONVERSATION_EVENTS)[number], 'MessagePosted'> }>
  | { type: 'MessagePosted'; data: { author: Author } };

/** A conversation event as the rebuild reads it, with its place in the store. */
export interface StoredConversationEvent {
  event: FoldedConversationEvent;
  streamVersion: number;
  globalPosition: number;
  occurredAtMs: number;
}

/** What routing holds of a live chat, as its stream says. */
export interface ChatSnapshot {
  chatId: string;
  groupId: string;
  channel: Channel;
  customerId: string;
  /** First queued time of the cycle; null when the cycle was never queued. */
  queuedAtMs: number | null;
  /** Global position of the cycle's first ConversationQueued: the order of chats queued in the same millisecond. */
  queueOrder: number | null;
  /** The agent holding the chat's slot, or null when it waits in its queue. */
  holder: ChatHolder | null;
  /** Agents that let the chat pass for want of a reply in this cycle: never offered it again. */
  passedAgentIds: string[];
}

export interface ChatHolder {
  agentId: string;
  kind: 'human' | 'bot';
  assignedAtMs: number;
  /** The agent wrote in the chat since the assignment (no auto-transfer pending). */
  replied: boolean;
}

/** A conversation stream folded up to `version`: its chat, or null when its cycle ended (or it never started). */
export interface ConversationFold {
  version: number;
  chat: ChatSnapshot | null;
  /**
   * The last time each agent was assigned the chat, any cycle: an agent's last assignment orders
   * who gets the next chat (reserve-next.lua.ts), and it outlives the chat's slot.
   */
  lastAssignedAtMs: Record<string, number>;
}

interface Cycle {
  first: { groupId: string; channel: Channel; customerId: string };
  chat: ChatSnapshot | null;
}

/**
 * Folds a conversation stream, in version order, into what the live event handler
 * (events/routing-event-handler.ts) would have left in Redis: the same rules, without Redis.
 * - ConversationStarted and ConversationReopened start a cycle: the chat in the group, channel
 *   and customer of its ConversationStarted (a reopened chat is queued again by the event after).
 * - ConversationQueued (also after a transfer to a group) frees the slot and queues the chat in
 *   that group, keeping the cycle's first queued time and place (enqueue.lua.ts).
 * - AgentAssigned gives the slot to the agent; the agent's own message ends the wait for a reply.
 * - An automatic transfer for want of a reply marks the agent as passed (mark-passed.lua.ts).
 * - ConversationResolved, ConversationClosed and ConversationMissed end the cycle.
 */
export function foldConversation(chatId: string, events: readonly StoredConversationEvent[]): ConversationFold {
  let cycle: Cycle | null = null;
  let version = 0;
  const lastAssignedAtMs: Record<string, number> = {};
  for (const stored of events) {
    version = stored.streamVersion;
    const live = cycle?.chat ?? null;
    cycle = evolveCycle(chatId, cycle, stored);
    // Only an assignment that moved the slot counts, as in assigned.lua.ts (a repeat changes nothing).
    if (stored.event.type === 'AgentAssigned' && live && live.holder?.agentId !== stored.event.data.agent_id) {
      const agentId = stored.event.data.agent_id;
      lastAssignedAtMs[agentId] = Math.max(lastAssignedAtMs[agentId] ?? 0, stored.occurredAtMs);
    }
  }
  return { version, chat: cycle?.chat ?? null, lastAssignedAtMs };
}

function evolveCycle(chatId: string, cycle: Cycle | null, stored: StoredConversationEvent): Cycle | null {
  const { event } = stored;
  if (event.type === 'ConversationStarted') {
    if (cycle) return cycle; // a repeated start changes nothing (chat-started.lua.ts)
    const first = { groupId: event.data.group_id, channel: event.data.channel, customerId: event.data.customer_id };
    return { first, chat: newCycle(chatId, first) };
  }
  if (!cycle) return null; // nothing before ConversationStarted applies
  const chat = cycle.chat;
  switch (event.type) {
    case 'ConversationReopened':
      return chat ? cycle : { ...cycle, chat: newCycle(chatId, cycle.first) };
    case 'ConversationQueued':
      if (!chat) return cycle;
      return {
        ...cycle,
        chat: {
          ...chat,
          groupId: event.data.group_id,
          holder: null,
          queuedAtMs: chat.queuedAtMs === null ? stored.occurredAtMs : Math.min(chat.queuedAtMs, stored.occurredAtMs),
          queueOrder: chat.queueOrder ?? stored.globalPosition,
        },
      };
    case 'AgentAssigned':
      if (!chat || chat.holder?.agentId === event.data.agent_id) return cycle;
      return {
        ...cycle,
        chat: {
          ...chat,
          holder: {
            agentId: event.data.agent_id,
            kind: event.data.agent_kind,
            assignedAtMs: stored.occurredAtMs,
            replied: false,
          },
        },
      };
    case 'MessagePosted': {
      const author = event.data.author;
      if (!chat?.holder || author.kind !== 'agent' || author.id !== chat.holder.agentId || chat.holder.replied)
        return cycle;
      return { ...cycle, chat: { ...chat, holder: { ...chat.holder, replied: true } } };
    }
    case 'ConversationTransferred': {
      const from = event.data.from_agent_id;
      const passed = event.data.reason === 'auto' && event.data.note === TRANSFER_NOTES.noReply && from !== undefined;
      if (!chat || !passed || chat.passedAgentIds.includes(from)) return cycle;
      return { ...cycle, chat: { ...chat, passedAgentIds: [...chat.passedAgentIds, from] } };
    }
    case 'ConversationResolved':
    case 'ConversationClosed':
    case 'ConversationMissed':
      return { ...cycle, chat: null };
  }
}

function newCycle(chatId: string, first: Cycle['first']): ChatSnapshot {
  return { chatId, ...first, queuedAtMs: null, queueOrder: null, holder: null, passedAgentIds: [] };
}
