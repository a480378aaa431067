import type { Channel, RoutingStatus } from '@livedesk/contracts';

export type { Channel, RoutingStatus };

/** Concurrent chats an agent may hold, per channel. */
export interface ChannelCounts {
  chat: number;
  messaging: number;
}

/** `manual`: agents pick the group's chats from its queue; routing assigns none. */
export type GroupMode = 'auto' | 'manual';

export interface AgentProfileInput {
  agentId: string;
  groupIds: string[];
  maxChats: ChannelCounts;
  /** The routing mode of groups, as the directory says (dispatch/group-modes.ts reads them). */
  groupModes?: Record<string, GroupMode>;
}

export interface AgentView {
  agentId: string;
  status: RoutingStatus;
  groupIds: string[];
  maxChats: ChannelCounts;
  load: ChannelCounts;
  /** Time of the agent's last assignment; null when never assigned. */
  lastAssignedAtMs: number | null;
}

export interface StatusChange {
  from: RoutingStatus;
  to: RoutingStatus;
}

export interface ChatStartedInput {
  chatId: string;
  groupId: string;
  channel: Channel;
  customerId: string;
}

export type ChatStartedOutcome = 'started' | 'known';

/** Why an event about a chat was not applied: never started in this state, or already released. */
export type IgnoredReason = 'unknown_chat' | 'ended';

export type EnqueueResult =
  | { outcome: 'queued'; position: number; queuedAtMs: number }
  | { outcome: 'ignored'; reason: IgnoredReason };

export type AssignedResult =
  /** The slot moved to the agent (from `previousAgentId` when the chat had one). */
  | { outcome: 'assigned'; previousAgentId: string | null }
  /** The agent already held it by this state's own reservation, now confirmed by the event. */
  | { outcome: 'confirmed' }
  /** The agent already held it: a repeat. */
  | { outcome: 'unchanged' }
  | { outcome: 'ignored'; reason: IgnoredReason };

export interface Reservation {
  chatId: string;
  agentId: string;
  /** The chat's first queued time; give it back to cancelReservation. */
  queuedAtMs: number;
}

export interface QueueEntry {
  chatId: string;
  customerId: string;
  /** 1-based. */
  position: number;
  queuedAtMs: number;
  /** Waited at least the queue target by `nowMs` (false when queue() got no `nowMs`). */
  pastTarget: boolean;
}

export interface QueuePosition {
  groupId: string;
  /** 1-based. */
  position: number;
}

/** What the state holds of a live chat (not of a released one). */
export interface ChatView {
  chatId: string;
  groupId: string;
  channel: Channel;
  customerId: string;
  /** The agent holding its slot, or null. */
  agentId: string | null;
  /** Held by this state's reservation, not yet confirmed by an AgentAssigned event. */
  reserved: boolean;
  /** First queued time of the cycle, or null when never queued. */
  queuedAtMs: number | null;
}
