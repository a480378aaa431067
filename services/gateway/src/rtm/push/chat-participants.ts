import type { ChatEvent } from './chat-event-sequencer.js';

/** Who takes part in a chat, as far as pushes are concerned. */
export interface ChatParticipants {
  organizationId: string;
  customerId: string;
  groupId: string;
  assignedAgentId: string | null;
  /** Whether the chat waits in a group's queue (`chats_dequeued` tells the agents when it leaves). */
  queued: boolean;
  version: number;
}

/**
 * The participants of a chat after one of its events. Pure: the push fan-out folds each
 * event in before deciding who gets it (the assignment events change the assignee).
 */
export function evolveParticipants(
  current: ChatParticipants | undefined,
  event: ChatEvent,
): ChatParticipants | undefined {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'ConversationStarted') {
    return {
      organizationId: event.organization_id,
      customerId: String(data.customer_id),
      groupId: String(data.group_id),
      assignedAgentId: null,
      queued: false,
      version: event.stream_version,
    };
  }
  if (!current) return undefined;
  const next = { ...current, version: event.stream_version };
  switch (event.type) {
    case 'AgentAssigned':
      next.assignedAgentId = String(data.agent_id);
      next.queued = false;
      break;
    case 'ConversationTransferred':
      next.assignedAgentId = typeof data.to_agent_id === 'string' ? data.to_agent_id : null;
      if (typeof data.to_group_id === 'string') next.groupId = data.to_group_id;
      // To a group: the ConversationQueued that follows puts it in that group's queue.
      next.queued = false;
      break;
    case 'ConversationQueued':
      next.groupId = String(data.group_id);
      next.assignedAgentId = null;
      next.queued = true;
      break;
    case 'ConversationResolved':
    case 'ConversationClosed':
    case 'ConversationMissed':
      next.queued = false;
      break;
  }
  return next;
}

/** A bounded map of participants per chat; the oldest entry goes first when it is full. */
export class ParticipantsCache {
  private readonly entries = new Map<string, ChatParticipants>();

  constructor(private readonly capacity = 100_000) {}

  get(chatId: string): ChatParticipants | undefined {
    return this.entries.get(chatId);
  }

  set(chatId: string, participants: ChatParticipants): void {
    this.entries.delete(chatId);
    this.entries.set(chatId, participants);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
