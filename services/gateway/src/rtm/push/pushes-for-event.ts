import { toChatEventView } from '@livedesk/contracts';
import type { ChatEvent } from './chat-event-sequencer.js';
import type { ChatParticipants } from './chat-participants.js';

/** Who a push goes to: the chat's customer, one agent, the organization's supervisors or all its agents. */
export type Recipient =
  | { kind: 'customer'; customerId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'supervisors' }
  | { kind: 'agents' };

export interface PlannedPush {
  to: Recipient;
  action: string;
  payload: Record<string, unknown>;
}

type DeactivationReason = 'resolved' | 'closed' | 'customer_left' | 'inactive' | 'missed';

/**
 * The `reason` of `chat_deactivated` for an event that ends the chat, or undefined. A close names
 * why a service closed it (`customer_left`, `inactive`); without a reason it is the customer's own
 * (`closed`, which docs/protocol.md v1.1 calls `closed_by_customer`).
 */
function deactivationReason(type: string, data: Record<string, unknown>): DeactivationReason | undefined {
  switch (type) {
    case 'ConversationResolved':
      return 'resolved';
    case 'ConversationClosed':
      return data.reason === 'customer_left' || data.reason === 'inactive' ? data.reason : 'closed';
    case 'ConversationMissed':
      return 'missed';
    default:
      return undefined;
  }
}

/**
 * The pushes one conversation event causes, given the chat's participants before the event
 * (`before`) and after it (`after`). Pure, so every rule of who sees what is unit-tested.
 * Every push carries `chat_id` and the event's stream `version` (docs/protocol.md: resume).
 */
export function pushesForEvent(
  event: ChatEvent,
  chatId: string,
  before: ChatParticipants | undefined,
  after: ChatParticipants,
): PlannedPush[] {
  const about = { chat_id: chatId, version: event.stream_version };
  const data = event.data as Record<string, unknown>;
  const customer: Recipient = { kind: 'customer', customerId: after.customerId };
  const supervisors: Recipient = { kind: 'supervisors' };
  const assigned: Recipient[] = after.assignedAgentId ? [{ kind: 'agent', agentId: after.assignedAgentId }] : [];
  const previous: Recipient[] =
    before?.assignedAgentId && before.assignedAgentId !== after.assignedAgentId
      ? [{ kind: 'agent', agentId: before.assignedAgentId }]
      : [];
  const stored = {
    chatId,
    version: event.stream_version,
    eventId: event.event_id,
    type: event.type,
    occurredAt: event.occurred_at,
    data,
  };
  const customerView = toChatEventView(stored, 'customer');
  const agentView = toChatEventView(stored, 'agent')!;
  const toAgents = (action: string, payload: Record<string, unknown>, agents: Recipient[] = assigned): PlannedPush[] =>
    [...agents, supervisors].map((to) => ({ to, action, payload }));
  const toEveryone = (
    action: string,
    payload: Record<string, unknown>,
    agents: Recipient[] = assigned,
  ): PlannedPush[] => [{ to: customer, action, payload }, ...toAgents(action, payload, agents)];
  const incoming = (): PlannedPush[] => [
    ...(customerView ? [{ to: customer, action: 'incoming_event', payload: { ...about, event: customerView } }] : []),
    ...toAgents('incoming_event', { ...about, event: agentView }),
  ];

  return [...pushesOfEvent(), ...dequeued()];

  /**
   * A chat that waited in a queue and no longer does (taken, transferred to an agent, ended):
   * every agent's desk drops it from its queue (coalesced per organization, as `chat_queued`).
   * A chat this replica knew nothing of before the event may have waited: told too.
   */
  function dequeued(): PlannedPush[] {
    const left = before ? before.queued && !after.queued : LEAVES_QUEUE.has(event.type) && !after.queued;
    return left ? [{ to: { kind: 'agents' }, action: 'chat_dequeued', payload: { ...about } }] : [];
  }

  function pushesOfEvent(): PlannedPush[] {
    switch (event.type) {
      case 'ConversationStarted':
        return [];
      case 'ConversationQueued':
        return [
          { to: { kind: 'agents' }, action: 'chat_queued', payload: { ...about, group_id: String(data.group_id) } },
        ];
      case 'AgentAssigned':
        // The assignee gets `incoming_chat` (the fan-out adds the chat's summary); the customer
        // and supervisors see the assignment as an event of the chat.
        return [
          ...(customerView
            ? [{ to: customer, action: 'incoming_event', payload: { ...about, event: customerView } }]
            : []),
          ...assigned.map((to) => ({ to, action: 'incoming_chat', payload: { ...about } })),
          { to: supervisors, action: 'incoming_event', payload: { ...about, event: agentView } },
        ];
      case 'ConversationTransferred':
        return toEveryone(
          'chat_transferred',
          {
            ...about,
            from_agent_id: (data.from_agent_id as string | undefined) ?? null,
            to_agent_id: (data.to_agent_id as string | undefined) ?? null,
            to_group_id: (data.to_group_id as string | undefined) ?? null,
            reason: data.reason,
          },
          [...previous, ...assigned],
        );
      case 'MessagesSeen':
        return toEveryone('events_seen', { ...about, by: data.by, seen_up_to: data.seen_up_to });
      case 'TagAdded':
        // Tags are the team's: the agents who see the chat, never the customer.
        return toAgents('chat_tagged', { ...about, tag: data.tag });
      case 'TagRemoved':
        return toAgents('chat_untagged', { ...about, tag: data.tag });
      default: {
        const reason = deactivationReason(event.type, data);
        if (reason)
          return toEveryone(
            'chat_deactivated',
            { ...about, reason },
            before?.assignedAgentId ? [{ kind: 'agent', agentId: before.assignedAgentId }] : assigned,
          );
        return incoming();
      }
    }
  }
}

/** The events after which a chat is in no queue, whatever it was before. */
const LEAVES_QUEUE = new Set([
  'AgentAssigned',
  'ConversationTransferred',
  'ConversationResolved',
  'ConversationClosed',
  'ConversationMissed',
]);
