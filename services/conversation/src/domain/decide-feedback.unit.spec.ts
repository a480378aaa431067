import { describe, expect, it } from '@jest/globals';
import {
  abandonedChat,
  activeChat,
  admin,
  alice,
  aliceAuthor,
  answeredChat,
  assigned,
  bob,
  bot,
  carol,
  closedChat,
  customer,
  customerAuthor,
  missedChat,
  otherGroupId,
  posted,
  queued,
  queuedChat,
  resolved,
  resolvedChat,
  routing,
  seen,
  strangerCustomer,
  supervisor,
  tagged,
  transferredToAgent,
  transferredToGroup,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';

describe('decide: mark_seen', () => {
  it('records the customer reading up to a message', () => {
    given(answeredChat).when({ type: 'mark_seen', actor: customer, seenUpTo: 'm2' }).then([seen(customerAuthor, 'm2')]);
  });

  it('records a bot reading with the author kind bot', () => {
    given([...queuedChat, assigned(bot.id, 'routing', 'bot')])
      .when({ type: 'mark_seen', actor: bot, seenUpTo: 'm1' })
      .then([seen({ kind: 'bot', id: bot.id }, 'm1')]);
  });

  it('moves forward past an earlier mark', () => {
    given([...answeredChat, seen(customerAuthor, 'm1')])
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm2' })
      .then([seen(customerAuthor, 'm2')]);
  });

  it('is a no-op for the same message again', () => {
    given([...answeredChat, seen(customerAuthor, 'm2')])
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm2' })
      .thenNothing();
  });

  it('is a no-op for an earlier message (a late receipt)', () => {
    given([...answeredChat, seen(customerAuthor, 'm2')])
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm1' })
      .thenNothing();
  });

  it("keeps each author's marks apart", () => {
    given([...answeredChat, seen(customerAuthor, 'm2')])
      .when({ type: 'mark_seen', actor: alice, seenUpTo: 'm2' })
      .then([seen(aliceAuthor, 'm2')]);
  });

  it.each([
    ['queued', queuedChat],
    ['closed', closedChat],
    ['missed', missedChat],
    ['abandoned', abandonedChat],
  ])('is allowed in a %s chat', (_, history) => {
    given(history).when({ type: 'mark_seen', actor: customer, seenUpTo: 'm1' }).then([seen(customerAuthor, 'm1')]);
  });

  it('lets any agent read a queued chat (to pick it)', () => {
    given(queuedChat).when({ type: 'mark_seen', actor: carol, seenUpTo: 'm1' }).then([seen({ kind: 'agent', id: carol.id }, 'm1')]);
  });

  it('lets the agent a chat was transferred away from still read it', () => {
    given([...answeredChat, transferredToAgent(bob.id, alice.id), assigned(bob.id, 'agent')])
      .when({ type: 'mark_seen', actor: alice, seenUpTo: 'm2' })
      .then([seen(aliceAuthor, 'm2')]);
  });

  it('lets a service and a supervisor read', () => {
    given(answeredChat)
      .when({ type: 'mark_seen', actor: routing, seenUpTo: 'm2' })
      .then([seen({ kind: 'system', id: routing.id }, 'm2')]);
    given(answeredChat)
      .when({ type: 'mark_seen', actor: supervisor, seenUpTo: 'm2' })
      .then([seen({ kind: 'agent', id: supervisor.id }, 'm2')]);
  });

  it.each([
    ['another customer', strangerCustomer],
    ['an agent never assigned to the active chat', bob],
  ])('refuses %s as not_participant', (_, actor) => {
    given(answeredChat).when({ type: 'mark_seen', actor, seenUpTo: 'm1' }).thenRefuses('authorization', 'not_participant');
  });

  it('refuses a message of no such id as message_not_found', () => {
    given(answeredChat).when({ type: 'mark_seen', actor: customer, seenUpTo: 'm404' }).thenRefuses('not_found', 'message_not_found');
  });
});

describe('decide: rate', () => {
  it.each([
    ['active', activeChat],
    ['resolved', resolvedChat],
    ['closed', closedChat],
  ])('rates a %s chat', (_, history) => {
    given(history)
      .when({ type: 'rate', actor: customer, score: 4, comment: 'quick and kind' })
      .then([{ type: 'ConversationRated', data: { score: 4, comment: 'quick and kind' } }]);
  });

  it('rates again, without a comment (the last rating counts)', () => {
    const state = given([...resolvedChat, { type: 'ConversationRated', data: { score: 2 } }])
      .when({ type: 'rate', actor: customer, score: 5 })
      .then([{ type: 'ConversationRated', data: { score: 5 } }]);
    expect(state).toMatchObject({ rating: { score: 5 } });
  });

  it('refuses a queued chat as chat_not_started', () => {
    given(queuedChat).when({ type: 'rate', actor: customer, score: 5 }).thenRefuses('conflict', 'chat_not_started');
  });

  it('refuses a missed chat as nothing_to_rate', () => {
    given(missedChat).when({ type: 'rate', actor: customer, score: 1 }).thenRefuses('conflict', 'nothing_to_rate');
  });

  it('refuses a chat closed from the queue as nothing_to_rate (nobody ever served it)', () => {
    given(abandonedChat).when({ type: 'rate', actor: customer, score: 1 }).thenRefuses('conflict', 'nothing_to_rate');
  });

  it.each([
    ['another customer', strangerCustomer],
    ['the agent', alice],
    ['a service', routing],
  ])('refuses %s as not_participant', (_, actor) => {
    given(resolvedChat).when({ type: 'rate', actor, score: 5 }).thenRefuses('authorization', 'not_participant');
  });
});

describe('decide: add_tag', () => {
  it('tags as the assigned agent', () => {
    given(activeChat).when({ type: 'add_tag', actor: alice, tag: 'refund' }).then([tagged('refund')]);
  });

  it.each([
    ['a supervisor', supervisor],
    ['an admin', admin],
  ])('tags any chat as %s, a closed one included', (_, actor) => {
    given(closedChat).when({ type: 'add_tag', actor, tag: 'refund' }).then([tagged('refund')]);
  });

  it('lets the agent who handled a resolved chat tag it (wrap-up)', () => {
    given(resolvedChat).when({ type: 'add_tag', actor: alice, tag: 'refund' }).then([tagged('refund')]);
  });

  it('is a no-op for a tag the chat has', () => {
    given([...activeChat, tagged('refund')]).when({ type: 'add_tag', actor: alice, tag: 'refund' }).thenNothing();
  });

  it('adds a second, different tag', () => {
    given([...activeChat, tagged('refund')]).when({ type: 'add_tag', actor: alice, tag: 'vip' }).then([tagged('vip')]);
  });

  it.each([
    ['an agent of another chat', bob],
    ['the customer', customer],
    ['a service', routing],
  ])('refuses %s as not_assigned', (_, actor) => {
    given(activeChat).when({ type: 'add_tag', actor, tag: 'refund' }).thenRefuses('authorization', 'not_assigned');
  });

  it('refuses an agent who had the chat before it was transferred on', () => {
    given([...activeChat, transferredToGroup(otherGroupId, alice.id), queued(otherGroupId)])
      .when({ type: 'add_tag', actor: alice, tag: 'refund' })
      .thenRefuses('authorization', 'not_assigned');
  });

  describe('after a transfer and the resolution', () => {
    const history = [
      ...activeChat,
      transferredToAgent(bob.id, alice.id),
      assigned(bob.id, 'agent'),
      posted('m3', { kind: 'agent', id: bob.id }),
      resolved({ kind: 'agent', id: bob.id }),
    ];

    it('lets the last agent tag', () => {
      given(history).when({ type: 'add_tag', actor: bob, tag: 'refund' }).then([tagged('refund')]);
    });

    it('refuses the agent who transferred the chat away as not_assigned', () => {
      given(history).when({ type: 'add_tag', actor: alice, tag: 'refund' }).thenRefuses('authorization', 'not_assigned');
    });
  });
});
