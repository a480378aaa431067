import type { Author, Channel, ChatStatus, ConversationEvent, Priority } from '@livedesk/contracts';
import { authorKey, clientIdKey } from './author-keys.js';

type EventOf<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;

/** The page the customer started the chat from (contracts' `PageContext`). */
export type PageContext = NonNullable<EventOf<'ConversationStarted'>['data']['page']>;

/** A conversation event as read back from its stream. */
export type StoredConversationEvent = ConversationEvent & { eventId: string; version: number; occurredAt: Date };

export type ConversationStatus = 'none' | ChatStatus;

export interface PostedMessage {
  readonly version: number;
  readonly author: Author;
}

export interface ClientMessage {
  readonly messageId: string;
  readonly version: number;
}

export interface Rating {
  readonly score: number;
  readonly comment?: string;
}

/** No event yet: the stream does not exist. */
export interface NoConversation {
  readonly status: 'none';
  readonly version: 0;
}

export interface StartedConversation {
  readonly status: ChatStatus;
  /** The stream version of the last event applied. */
  readonly version: number;
  readonly chatId: string;
  readonly customerId: string;
  readonly groupId: string;
  readonly channel: Channel;
  readonly page?: PageContext;
  /** The agent serving the current cycle; null while queued and once the cycle has ended. */
  readonly assignedAgentId: string | null;
  /**
   * The agent assigned most recently, kept after the cycle ends, so that the agent who handled
   * a resolved chat can still tag it (wrap-up) although it is no longer assigned to them.
   */
  readonly lastAgentId: string | null;
  /** Every agent ever assigned, in order of first assignment, without duplicates. */
  readonly agentIds: readonly string[];
  /** message id → its stream version and author. */
  readonly messages: ReadonlyMap<string, PostedMessage>;
  /** `clientIdKey(author, client_id)` → the message or internal note posted with it. */
  readonly clientIds: ReadonlyMap<string, ClientMessage>;
  /** `authorKey(author)` → version of the latest message that author has seen. */
  readonly lastSeen: ReadonlyMap<string, number>;
  /** The last rating given; a new one replaces it. */
  readonly rating: Rating | null;
  readonly tags: readonly string[];
  /** `normal` until an agent, bot or supervisor sets it. */
  readonly priority: Priority;
  /** The goals reported for the conversation (conversion), each once. */
  readonly goals: readonly string[];
  readonly startedAt: Date;
  readonly updatedAt: Date;
  /**
   * When the chat last showed life: its start, an assignment, or a message of the customer, an
   * agent or a bot (not a system message, not a note). An active chat silent for the
   * organization's `chat_inactivity_seconds` since then is closed as inactive.
   */
  readonly lastActivityAt: Date;
}

export type ConversationState = NoConversation | StartedConversation;

export const initialState: ConversationState = { status: 'none', version: 0 };

/**
 * Applies one stored event. Pure: answers a new state and never mutates the given one (Maps
 * are copied on write). Never throws: an event that cannot apply (only possible in a corrupt
 * stream, e.g. anything before ConversationStarted or a second one) changes nothing but the
 * version and time of a started conversation.
 */
export function evolve(state: ConversationState, event: StoredConversationEvent): ConversationState {
  if (state.status === 'none') return event.type === 'ConversationStarted' ? started(event) : state;
  return apply({ ...state, version: event.version, updatedAt: event.occurredAt }, event);
}

function started(event: EventOf<'ConversationStarted'> & StoredConversationEvent): StartedConversation {
  const { conversation_id, channel, group_id, customer_id, page } = event.data;
  return {
    status: 'queued',
    version: event.version,
    chatId: conversation_id,
    customerId: customer_id,
    groupId: group_id,
    channel,
    ...(page === undefined ? {} : { page }),
    assignedAgentId: null,
    lastAgentId: null,
    agentIds: [],
    messages: new Map(),
    clientIds: new Map(),
    lastSeen: new Map(),
    rating: null,
    tags: [],
    priority: 'normal',
    goals: [],
    startedAt: event.occurredAt,
    updatedAt: event.occurredAt,
    lastActivityAt: event.occurredAt,
  };
}

function apply(state: StartedConversation, event: StoredConversationEvent): StartedConversation {
  switch (event.type) {
    case 'ConversationStarted':
      return state;
    case 'MessagePosted': {
      const posted = messagePosted(state, event.data, event.version);
      return event.data.author.kind === 'system' ? posted : { ...posted, lastActivityAt: event.occurredAt };
    }
    case 'InternalNotePosted':
      return notePosted(state, event.data, event.version);
    case 'ConversationQueued':
      return { ...state, status: 'queued', groupId: event.data.group_id, assignedAgentId: null };
    case 'AgentAssigned':
      return { ...agentAssigned(state, event.data.agent_id), lastActivityAt: event.occurredAt };
    case 'ConversationTransferred':
      // A transfer to an agent changes nothing by itself: the AgentAssigned that follows it does.
      if (event.data.to_group_id === undefined) return state;
      return { ...state, status: 'queued', groupId: event.data.to_group_id, assignedAgentId: null };
    case 'MessagesSeen':
      return messagesSeen(state, event.data.by, event.data.seen_up_to);
    case 'ConversationRated':
      return { ...state, rating: event.data };
    case 'ConversationResolved':
      return { ...state, status: 'resolved', assignedAgentId: null };
    case 'ConversationClosed':
      return { ...state, status: 'closed', assignedAgentId: null };
    case 'ConversationMissed':
      return { ...state, status: 'missed', assignedAgentId: null };
    case 'ConversationReopened':
      // A reopened chat waits for an agent again; the ConversationQueued that follows names the group.
      return { ...state, status: 'queued', assignedAgentId: null };
    case 'OfflineMessageLeft':
      return state;
    case 'TagAdded':
      return state.tags.includes(event.data.tag) ? state : { ...state, tags: [...state.tags, event.data.tag] };
    case 'TagRemoved':
      return state.tags.includes(event.data.tag)
        ? { ...state, tags: state.tags.filter((tag) => tag !== event.data.tag) }
        : state;
    case 'NpsAnswered':
    case 'SurveyAnswered':
      return state;
    case 'GoalReported':
      return state.goals.includes(event.data.goal) ? state : { ...state, goals: [...state.goals, event.data.goal] };
    case 'PrioritySet':
      return { ...state, priority: event.data.priority };
  }
}

function messagePosted(
  state: StartedConversation,
  data: EventOf<'MessagePosted'>['data'],
  version: number,
): StartedConversation {
  const messages = new Map(state.messages).set(data.message_id, { version, author: data.author });
  if (data.client_id === undefined) return { ...state, messages };
  const clientIds = new Map(state.clientIds).set(clientIdKey(data.author, data.client_id), {
    messageId: data.message_id,
    version,
  });
  return { ...state, messages, clientIds };
}

/**
 * A note is remembered by its client id only (a retried send stores it once). It is not one of
 * `messages`: a read receipt names a message everyone sees, and the customer never sees a note.
 */
function notePosted(
  state: StartedConversation,
  data: EventOf<'InternalNotePosted'>['data'],
  version: number,
): StartedConversation {
  if (data.client_id === undefined) return state;
  const clientIds = new Map(state.clientIds).set(clientIdKey(data.author, data.client_id), {
    messageId: data.message_id,
    version,
  });
  return { ...state, clientIds };
}

function agentAssigned(state: StartedConversation, agentId: string): StartedConversation {
  const agentIds = state.agentIds.includes(agentId) ? state.agentIds : [...state.agentIds, agentId];
  return { ...state, status: 'active', assignedAgentId: agentId, lastAgentId: agentId, agentIds };
}

function messagesSeen(state: StartedConversation, by: Author, seenUpTo: string): StartedConversation {
  const seen = state.messages.get(seenUpTo);
  const key = authorKey(by);
  // Seen marks only move forward: a late receipt for an older message changes nothing.
  if (!seen || seen.version <= (state.lastSeen.get(key) ?? 0)) return state;
  return { ...state, lastSeen: new Map(state.lastSeen).set(key, seen.version) };
}
