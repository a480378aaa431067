import { describe, expect, it } from '@jest/globals';
import {
  abandonedChat,
  activeChat,
  admin,
  alice,
  aliceAuthor,
  answeredChat,
  bob,
  closed,
  closedChat,
  customer,
  customerAuthor,
  missed,
  missedChat,
  queuedChat,
  resolved,
  resolvedChat,
  routing,
  strangerCustomer,
  supervisor,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';

const systemAuthor = { kind: 'system', id: routing.id } as const;

describe('decide: resolve', () => {
  it('resolves as the assigned agent and frees the assignment', () => {
    const state = given(answeredChat)
      .when({ type: 'resolve', actor: alice })
      .then([resolved(aliceAuthor)]);
    expect(state).toMatchObject({ status: 'resolved', assignedAgentId: null, agentIds: [alice.id] });
  });

  it.each([
    ['a supervisor', supervisor, { kind: 'agent', id: supervisor.id }],
    ['an admin', admin, { kind: 'agent', id: admin.id }],
    ['a service', routing, systemAuthor],
  ] as const)('resolves an active chat as %s', (_, actor, by) => {
    given(activeChat)
      .when({ type: 'resolve', actor })
      .then([resolved(by)]);
  });

  it.each([
    ['a supervisor', supervisor, { kind: 'agent', id: supervisor.id }],
    ['a service', routing, systemAuthor],
  ] as const)('resolves a queued chat as %s', (_, actor, by) => {
    given(queuedChat)
      .when({ type: 'resolve', actor })
      .then([resolved(by)]);
  });

  it('refuses an agent resolving a queued chat as not_assigned', () => {
    given(queuedChat).when({ type: 'resolve', actor: alice }).thenRefuses('authorization', 'not_assigned');
  });

  it("refuses an agent resolving someone else's chat as not_assigned", () => {
    given(activeChat).when({ type: 'resolve', actor: bob }).thenRefuses('authorization', 'not_assigned');
  });

  it('refuses the customer as not_assigned', () => {
    given(activeChat).when({ type: 'resolve', actor: customer }).thenRefuses('authorization', 'not_assigned');
  });

  it.each([
    ['resolved', resolvedChat],
    ['closed', closedChat],
    ['missed', missedChat],
  ])('refuses a %s chat as chat_inactive', (_, history) => {
    given(history).when({ type: 'resolve', actor: alice }).thenRefuses('conflict', 'chat_inactive');
  });
});

describe('decide: close', () => {
  it('records a customer who leaves the queue as missed (left_in_queue), then closed', () => {
    const state = given(queuedChat)
      .when({ type: 'close', actor: customer })
      .then([missed('left_in_queue'), closed(customerAuthor)]);
    expect(state).toMatchObject({ status: 'closed', assignedAgentId: null });
  });

  it('records a service closing a queued chat as left_in_queue too', () => {
    given(queuedChat)
      .when({ type: 'close', actor: routing })
      .then([missed('left_in_queue'), closed(systemAuthor)]);
  });

  it.each([
    ['active', activeChat],
    ['resolved', resolvedChat],
    ['missed', missedChat],
  ])('closes a %s chat', (_, history) => {
    given(history)
      .when({ type: 'close', actor: customer })
      .then([closed(customerAuthor)]);
  });

  it('closes as a service', () => {
    given(activeChat)
      .when({ type: 'close', actor: routing })
      .then([closed(systemAuthor)]);
  });

  it('refuses a closed chat as chat_closed', () => {
    given(closedChat).when({ type: 'close', actor: customer }).thenRefuses('conflict', 'chat_closed');
    given(abandonedChat).when({ type: 'close', actor: routing }).thenRefuses('conflict', 'chat_closed');
  });

  it.each([
    ['another customer', strangerCustomer],
    ['the assigned agent', alice],
    ['a supervisor', supervisor],
  ])('refuses %s as not_participant', (_, actor) => {
    given(activeChat).when({ type: 'close', actor }).thenRefuses('authorization', 'not_participant');
  });
});

describe('decide: mark_missed', () => {
  it('marks a queued chat missed for lack of agents', () => {
    given(queuedChat)
      .when({ type: 'mark_missed', actor: routing, reason: 'no_agents' })
      .then([missed('no_agents')]);
  });

  it('marks an active chat missed as unanswered and frees the agent', () => {
    const state = given(activeChat)
      .when({ type: 'mark_missed', actor: routing, reason: 'unanswered' })
      .then([missed('unanswered')]);
    expect(state).toMatchObject({ status: 'missed', assignedAgentId: null, agentIds: [alice.id] });
  });

  it.each([
    ['resolved', resolvedChat],
    ['closed', closedChat],
    ['missed', missedChat],
  ])('refuses a %s chat as chat_inactive', (_, history) => {
    given(history)
      .when({ type: 'mark_missed', actor: routing, reason: 'unanswered' })
      .thenRefuses('conflict', 'chat_inactive');
  });

  it.each([
    ['an agent', alice],
    ['a supervisor', supervisor],
    ['the customer', customer],
  ])('refuses %s as not_allowed', (_, actor) => {
    given(activeChat)
      .when({ type: 'mark_missed', actor, reason: 'unanswered' })
      .thenRefuses('authorization', 'not_allowed');
  });
});

describe('decide: leave_message', () => {
  const leave = (actor: typeof customer | typeof strangerCustomer = customer) =>
    ({ type: 'leave_message', actor, email: 'ann@example.test', text: 'Call me back tomorrow' }) as const;

  it('ends a queued chat as missed for want of agents, with the message kept', () => {
    const state = given(queuedChat)
      .when(leave())
      .then([
        { type: 'OfflineMessageLeft', data: { email: 'ann@example.test', text: 'Call me back tomorrow' } },
        missed('no_agents'),
        closed(customerAuthor),
      ]);
    expect(state).toMatchObject({ status: 'closed' });
  });

  it("refuses another customer's chat", () => {
    given(queuedChat).when(leave(strangerCustomer)).thenRefuses('authorization', 'not_participant');
  });

  it.each([
    ['active', activeChat],
    ['resolved', resolvedChat],
    ['closed', closedChat],
  ] as const)('refuses once an agent has had the chat or it ended (%s)', (_, events) => {
    given(events).when(leave()).thenRefuses('conflict', 'chat_inactive');
  });
});
