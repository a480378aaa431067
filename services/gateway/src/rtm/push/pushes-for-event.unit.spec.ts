import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@livedesk/contracts';
import { evolveParticipants, type ChatParticipants } from './chat-participants.js';
import { pushesForEvent, type PlannedPush } from './pushes-for-event.js';

const CHAT = 'chat-1';
let version = 0;

function envelope(type: string, data: Record<string, unknown>): EventEnvelope {
  version += 1;
  return {
    event_id: randomUUID(),
    stream_id: `conversation-${CHAT}`,
    stream_version: version,
    global_position: version,
    transaction_id: String(version),
    organization_id: 'org-1',
    type,
    schema_version: 1,
    data,
    metadata: {},
    occurred_at: new Date(0).toISOString(),
  };
}

/** Folds the events and answers the pushes of the last one, as the fan-out does. */
function pushesOf(...events: EventEnvelope[]): PlannedPush[] {
  let participants: ChatParticipants | undefined;
  let last: PlannedPush[] = [];
  for (const event of events) {
    const before = participants;
    participants = evolveParticipants(participants, event)!;
    last = pushesForEvent(event, CHAT, before, participants);
  }
  return last;
}

const started = () =>
  envelope('ConversationStarted', { conversation_id: CHAT, channel: 'chat', group_id: 'sales', customer_id: 'cust-1' });
const assigned = (agent: string) => envelope('AgentAssigned', { agent_id: agent, agent_kind: 'human', by: 'agent' });
const summary = (pushes: PlannedPush[]) =>
  pushes.map((push) => [push.action, push.to.kind === 'agent' ? `agent:${push.to.agentId}` : push.to.kind]);

describe('pushesForEvent', () => {
  it('tells every agent of the organization about a queued chat, and nobody about the start itself', () => {
    expect(pushesOf(started())).toEqual([]);
    expect(summary(pushesOf(started(), envelope('ConversationQueued', { group_id: 'sales' })))).toEqual([
      ['chat_queued', 'agents'],
    ]);
  });

  it('tells every agent when a chat leaves the queue, and only then', () => {
    const queued = () => envelope('ConversationQueued', { group_id: 'sales' });
    const dequeued = (pushes: PlannedPush[]) =>
      pushes.filter((push) => push.action === 'chat_dequeued').map((push) => [push.to.kind, push.payload]);
    // Taken by an agent, ended while waiting: every agent's desk drops it from the queue.
    const taken = assigned('alice');
    expect(dequeued(pushesOf(started(), queued(), taken))).toEqual([
      ['agents', { chat_id: CHAT, version: taken.stream_version }],
    ]);
    expect(
      dequeued(pushesOf(started(), queued(), envelope('ConversationMissed', { reason: 'no_agents' }))),
    ).toHaveLength(1);
    const toBob = envelope('ConversationTransferred', { from_agent_id: null, to_agent_id: 'bob', reason: 'manual' });
    expect(dequeued(pushesOf(started(), queued(), toBob))).toHaveLength(1);
    // Not queued before: an active chat resolved, an agent's chat handed to a group (queued after).
    expect(dequeued(pushesOf(started(), queued(), assigned('alice'), envelope('ConversationResolved', {})))).toEqual(
      [],
    );
    const toGroup = envelope('ConversationTransferred', {
      from_agent_id: 'alice',
      to_group_id: 'support',
      reason: 'manual',
    });
    expect(dequeued(pushesOf(started(), queued(), assigned('alice'), toGroup))).toEqual([]);
    expect(dequeued(pushesOf(started(), queued(), assigned('alice'), toGroup, queued()))).toEqual([]);
    // A chat this replica never saw before the event: told, in case it waited.
    const after = evolveParticipants(evolveParticipants(undefined, started()), assigned('carol'))!;
    expect(summary(pushesForEvent(assigned('carol'), CHAT, undefined, after))).toContainEqual([
      'chat_dequeued',
      'agents',
    ]);
    expect(
      summary(pushesForEvent(envelope('MessagePosted', { text: 'hi' }), CHAT, undefined, after)),
    ).not.toContainEqual(['chat_dequeued', 'agents']);
  });

  it('gives the assignee incoming_chat and the customer and supervisors the event', () => {
    expect(summary(pushesOf(started(), assigned('alice')))).toEqual([
      ['incoming_event', 'customer'],
      ['incoming_chat', 'agent:alice'],
      ['incoming_event', 'supervisors'],
    ]);
  });

  it('sends a message to the customer, the assigned agent and the supervisors, each with the version', () => {
    const message = envelope('MessagePosted', {
      message_id: 'm1',
      author: { kind: 'customer', id: 'cust-1' },
      text: 'hi',
      attachments: [],
    });
    const pushes = pushesOf(started(), assigned('alice'), message);
    expect(summary(pushes)).toEqual([
      ['incoming_event', 'customer'],
      ['incoming_event', 'agent:alice'],
      ['incoming_event', 'supervisors'],
    ]);
    for (const push of pushes)
      expect(push.payload).toMatchObject({
        chat_id: CHAT,
        version: message.stream_version,
        event: { type: 'MessagePosted' },
      });
  });

  it('sends an internal note to the assigned agent and the supervisors only, never the customer', () => {
    const note = envelope('InternalNotePosted', {
      message_id: 'n1',
      author: { kind: 'agent', id: 'bob' },
      text: 'VIP',
      attachments: [],
    });
    const pushes = pushesOf(started(), assigned('alice'), note);
    expect(summary(pushes)).toEqual([
      ['incoming_event', 'agent:alice'],
      ['incoming_event', 'supervisors'],
    ]);
    for (const push of pushes)
      expect(push.payload).toMatchObject({
        version: note.stream_version,
        event: { type: 'InternalNotePosted', data: { text: 'VIP' } },
      });
    expect(summary(pushesOf(started(), note))).toEqual([['incoming_event', 'supervisors']]);
  });

  it('tells the customer, both agents and the supervisors of a transfer, and keeps the note from the customer', () => {
    const transfer = envelope('ConversationTransferred', {
      from_agent_id: 'alice',
      to_agent_id: 'bob',
      reason: 'manual',
      note: 'VIP',
    });
    expect(summary(pushesOf(started(), assigned('alice'), transfer))).toEqual([
      ['chat_transferred', 'customer'],
      ['chat_transferred', 'agent:alice'],
      ['chat_transferred', 'agent:bob'],
      ['chat_transferred', 'supervisors'],
    ]);
    const prioritized = pushesOf(started(), assigned('alice'), envelope('PrioritySet', { priority: 'high' }));
    expect(summary(prioritized)).toEqual([
      ['incoming_event', 'agent:alice'],
      ['incoming_event', 'supervisors'],
    ]);
  });

  it('tells the assigned agent and the supervisors of a tag put on or taken off, never the customer', () => {
    const tagged = envelope('TagAdded', { tag: 'vip' });
    const pushes = pushesOf(started(), assigned('alice'), tagged);
    expect(summary(pushes)).toEqual([
      ['chat_tagged', 'agent:alice'],
      ['chat_tagged', 'supervisors'],
    ]);
    for (const push of pushes)
      expect(push.payload).toStrictEqual({ chat_id: CHAT, version: tagged.stream_version, tag: 'vip' });
    const untagged = envelope('TagRemoved', { tag: 'vip' });
    const removed = pushesOf(started(), assigned('alice'), envelope('TagAdded', { tag: 'vip' }), untagged);
    expect(summary(removed)).toEqual([
      ['chat_untagged', 'agent:alice'],
      ['chat_untagged', 'supervisors'],
    ]);
    for (const push of removed)
      expect(push.payload).toStrictEqual({ chat_id: CHAT, version: untagged.stream_version, tag: 'vip' });
    // A wrap-up tag after the chat was resolved reaches the agent who held it.
    const resolved = envelope('ConversationResolved', { by: { kind: 'agent', id: 'alice' } });
    expect(summary(pushesOf(started(), assigned('alice'), resolved, envelope('TagAdded', { tag: 'refund' })))).toEqual([
      ['chat_tagged', 'agent:alice'],
      ['chat_tagged', 'supervisors'],
    ]);
    expect(summary(pushesOf(started(), envelope('TagAdded', { tag: 'refund' })))).toEqual([
      ['chat_tagged', 'supervisors'],
    ]);
  });

  it('deactivates the chat for the customer and the agent who held it', () => {
    const resolved = envelope('ConversationResolved', { by: { kind: 'agent', id: 'alice' } });
    const pushes = pushesOf(started(), assigned('alice'), resolved);
    expect(summary(pushes)).toEqual([
      ['chat_deactivated', 'customer'],
      ['chat_deactivated', 'agent:alice'],
      ['chat_deactivated', 'supervisors'],
    ]);
    expect(pushes[0]!.payload).toEqual({ chat_id: CHAT, version: resolved.stream_version, reason: 'resolved' });
  });

  it.each([
    [{ by: { kind: 'customer', id: 'cust-1' } }, 'closed'],
    [{ by: { kind: 'system', id: 'routing' }, reason: 'customer_left' }, 'customer_left'],
    [{ by: { kind: 'system', id: 'routing' }, reason: 'inactive' }, 'inactive'],
  ] as const)('names why a close ended the chat (%j → %s)', (data, reason) => {
    const close = envelope('ConversationClosed', data);
    const pushes = pushesOf(started(), assigned('alice'), close);
    expect(summary(pushes)).toEqual([
      ['chat_deactivated', 'customer'],
      ['chat_deactivated', 'agent:alice'],
      ['chat_deactivated', 'supervisors'],
    ]);
    expect(pushes.map((push) => push.payload)).toEqual(
      Array(3).fill({ chat_id: CHAT, version: close.stream_version, reason }),
    );
  });

  it('passes read receipts to both sides', () => {
    const seen = envelope('MessagesSeen', { by: { kind: 'customer', id: 'cust-1' }, seen_up_to: 'm1' });
    expect(summary(pushesOf(started(), assigned('alice'), seen))).toEqual([
      ['events_seen', 'customer'],
      ['events_seen', 'agent:alice'],
      ['events_seen', 'supervisors'],
    ]);
  });

  it('knows nobody of a chat whose start it never saw', () => {
    expect(evolveParticipants(undefined, assigned('alice'))).toBeUndefined();
  });
});
