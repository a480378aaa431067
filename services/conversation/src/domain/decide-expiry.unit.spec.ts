import { describe, expect, it } from '@jest/globals';
import type { ConversationEvent } from '@livedesk/contracts';
import {
  abandonedChat,
  activeChat,
  alice,
  answeredChat,
  assigned,
  customer,
  customerAuthor,
  posted,
  queued,
  queuedChat,
  resolvedChat,
  routing,
  started,
  supervisor,
  transferredToGroup,
} from './testing/fixtures.js';
import { given, t0 } from './testing/given-when-then.js';

const systemAuthor = { kind: 'system', id: routing.id } as const;
/** The time `seconds` after the first event of a test stream (each event comes a second after the one before). */
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const inactive = (inactivitySeconds: number, at: Date) =>
  ({ type: 'close_inactive', actor: routing, inactivitySeconds, at }) as const;

describe('decide: close_abandoned (the customer left the queue)', () => {
  it('ends a queued chat as missed (left_in_queue), then closes it with reason customer_left', () => {
    const state = given(queuedChat)
      .when({ type: 'close_abandoned', actor: routing })
      .then([
        { type: 'ConversationMissed', data: { reason: 'left_in_queue' } },
        { type: 'ConversationClosed', data: { by: systemAuthor, reason: 'customer_left' } },
      ]);
    expect(state).toMatchObject({ status: 'closed', assignedAgentId: null });
  });

  it('closes a chat sent back to a queue by a transfer', () => {
    given([...answeredChat, transferredToGroup('group-billing', alice.id), queued('group-billing')])
      .when({ type: 'close_abandoned', actor: routing })
      .then([
        { type: 'ConversationMissed', data: { reason: 'left_in_queue' } },
        { type: 'ConversationClosed', data: { by: systemAuthor, reason: 'customer_left' } },
      ]);
  });

  it.each([
    ['active', activeChat],
    ['resolved', resolvedChat],
    ['already abandoned', abandonedChat],
  ] as const)('refuses a chat that is %s as not_queued (an agent took it meanwhile, or it ended)', (_, history) => {
    given(history).when({ type: 'close_abandoned', actor: routing }).thenRefuses('conflict', 'not_queued');
  });

  it.each([
    ['the customer', customer],
    ['a supervisor', supervisor],
  ] as const)('refuses %s: only a service decides that the customer left', (_, actor) => {
    given(queuedChat).when({ type: 'close_abandoned', actor }).thenRefuses('authorization', 'not_allowed');
  });

  it('refuses an unknown chat as chat_not_found', () => {
    given([]).when({ type: 'close_abandoned', actor: routing }).thenRefuses('not_found', 'chat_not_found');
  });

  it('never closes a queued chat of the messaging channel (messaging_channel): its customer need not wait on the page', () => {
    const messaging: ConversationEvent[] = [
      {
        type: 'ConversationStarted',
        data: { ...(started().data as object), channel: 'messaging' },
      } as ConversationEvent,
      ...queuedChat.slice(1),
    ];
    given(messaging).when({ type: 'close_abandoned', actor: routing }).thenRefuses('conflict', 'messaging_channel');
  });
});

describe('decide: close_inactive', () => {
  // answeredChat: started (t0), m1 (t0+1), queued (t0+2), assigned (t0+3), alice's m2 (t0+4).
  it('closes an active chat silent for the inactivity period with reason inactive (nothing missed: an agent answered)', () => {
    const state = given(answeredChat)
      .when(inactive(60, after(4 + 60)))
      .then([{ type: 'ConversationClosed', data: { by: systemAuthor, reason: 'inactive' } }]);
    expect(state).toMatchObject({ status: 'closed', assignedAgentId: null, lastAgentId: alice.id });
  });

  it('refuses before the period is over, counted from the last message (not_inactive)', () => {
    given(answeredChat)
      .when(inactive(60, after(4 + 59)))
      .thenRefuses('conflict', 'not_inactive');
  });

  it("counts from the customer's message as well as the agent's", () => {
    const history = [...answeredChat, posted('m3', customerAuthor)]; // m3 at t0+5
    given(history)
      .when(inactive(60, after(5 + 59)))
      .thenRefuses('conflict', 'not_inactive');
    given(history)
      .when(inactive(60, after(5 + 60)))
      .then([{ type: 'ConversationClosed', data: { by: systemAuthor, reason: 'inactive' } }]);
  });

  it('counts from the assignment when nobody wrote since (a new agent gets the whole period)', () => {
    const history = [...answeredChat, assigned('bob', 'supervisor')]; // at t0+5
    given(history)
      .when(inactive(60, after(5 + 59)))
      .thenRefuses('conflict', 'not_inactive');
  });

  it('does not count a system message as activity', () => {
    const history = [...answeredChat, posted('sys', { kind: 'system', id: 'automation' })];
    given(history)
      .when(inactive(60, after(4 + 60)))
      .then([{ type: 'ConversationClosed', data: { by: systemAuthor, reason: 'inactive' } }]);
  });

  it('never closes a chat of the messaging channel (messaging_channel)', () => {
    const messaging: ConversationEvent[] = [
      {
        type: 'ConversationStarted',
        data: { ...(started().data as object), channel: 'messaging' },
      } as ConversationEvent,
      ...answeredChat.slice(1),
    ];
    given(messaging)
      .when(inactive(60, after(100_000)))
      .thenRefuses('conflict', 'messaging_channel');
  });

  it.each([
    ['queued', queuedChat],
    ['resolved', resolvedChat],
  ] as const)('refuses a %s chat as not_active', (_, history) => {
    given(history)
      .when(inactive(60, after(100_000)))
      .thenRefuses('conflict', 'not_active');
  });

  it('refuses anyone but a service', () => {
    given(answeredChat)
      .when({ type: 'close_inactive', actor: alice, inactivitySeconds: 60, at: after(1000) })
      .thenRefuses('authorization', 'not_allowed');
  });

  it('keeps the time of the last activity in the state', () => {
    const state = given([...answeredChat, posted('m3', customerAuthor)]).state;
    expect(state).toMatchObject({ lastActivityAt: after(5) });
    expect(given(queuedChat).state).toMatchObject({ lastActivityAt: after(1) });
  });
});
