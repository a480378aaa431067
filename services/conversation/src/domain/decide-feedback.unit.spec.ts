import { describe, expect, it } from '@jest/globals';
import type { Actor } from '@livedesk/contracts';
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
  untagged,
  transferredToAgent,
  transferredToGroup,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';

describe('decide: mark_seen', () => {
  it('records the customer reading up to a message', () => {
    given(answeredChat)
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm2' })
      .then([seen(customerAuthor, 'm2')]);
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
    given(history)
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm1' })
      .then([seen(customerAuthor, 'm1')]);
  });

  it('lets any agent read a queued chat (to pick it)', () => {
    given(queuedChat)
      .when({ type: 'mark_seen', actor: carol, seenUpTo: 'm1' })
      .then([seen({ kind: 'agent', id: carol.id }, 'm1')]);
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
    given(answeredChat)
      .when({ type: 'mark_seen', actor, seenUpTo: 'm1' })
      .thenRefuses('authorization', 'not_participant');
  });

  it('refuses a message of no such id as message_not_found', () => {
    given(answeredChat)
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'm404' })
      .thenRefuses('not_found', 'message_not_found');
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
    given(activeChat)
      .when({ type: 'add_tag', actor: alice, tag: 'refund' })
      .then([tagged('refund')]);
  });

  it.each([
    ['a supervisor', supervisor],
    ['an admin', admin],
  ])('tags any chat as %s, a closed one included', (_, actor) => {
    given(closedChat)
      .when({ type: 'add_tag', actor, tag: 'refund' })
      .then([tagged('refund')]);
  });

  it('lets the agent who handled a resolved chat tag it (wrap-up)', () => {
    given(resolvedChat)
      .when({ type: 'add_tag', actor: alice, tag: 'refund' })
      .then([tagged('refund')]);
  });

  it('is a no-op for a tag the chat has', () => {
    given([...activeChat, tagged('refund')])
      .when({ type: 'add_tag', actor: alice, tag: 'refund' })
      .thenNothing();
  });

  it('adds a second, different tag', () => {
    given([...activeChat, tagged('refund')])
      .when({ type: 'add_tag', actor: alice, tag: 'vip' })
      .then([tagged('vip')]);
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
      given(history)
        .when({ type: 'add_tag', actor: bob, tag: 'refund' })
        .then([tagged('refund')]);
    });

    it('refuses the agent who transferred the chat away as not_assigned', () => {
      given(history)
        .when({ type: 'add_tag', actor: alice, tag: 'refund' })
        .thenRefuses('authorization', 'not_assigned');
    });
  });
});

describe('decide: answer_nps', () => {
  it.each([
    ['active', activeChat],
    ['resolved', resolvedChat],
    ['closed', closedChat],
  ])('records the 0–10 answer in a %s chat', (_, history) => {
    given(history)
      .when({ type: 'answer_nps', actor: customer, score: 9, comment: 'great' })
      .then([{ type: 'NpsAnswered', data: { score: 9, comment: 'great' } }]);
  });

  it('takes 0, the lowest answer, and a new answer later (the last counts)', () => {
    given([...resolvedChat, { type: 'NpsAnswered', data: { score: 10 } }])
      .when({ type: 'answer_nps', actor: customer, score: 0 })
      .then([{ type: 'NpsAnswered', data: { score: 0 } }]);
  });

  it('refuses a queued chat, a missed one and one closed from the queue, like a rating', () => {
    given(queuedChat)
      .when({ type: 'answer_nps', actor: customer, score: 5 })
      .thenRefuses('conflict', 'chat_not_started');
    given(missedChat)
      .when({ type: 'answer_nps', actor: customer, score: 5 })
      .thenRefuses('conflict', 'nothing_to_rate');
    given(abandonedChat)
      .when({ type: 'answer_nps', actor: customer, score: 5 })
      .thenRefuses('conflict', 'nothing_to_rate');
  });

  it.each([
    ['another customer', strangerCustomer],
    ['the agent', alice],
  ])('refuses %s as not_participant', (_, actor) => {
    given(resolvedChat).when({ type: 'answer_nps', actor, score: 7 }).thenRefuses('authorization', 'not_participant');
  });
});

describe('decide: answer_survey', () => {
  const questions = [
    { id: 'speed', text: 'How fast was the answer?', kind: 'scale' as const, min: 1, max: 5 },
    { id: 'topic', text: 'What was it about?', kind: 'choice' as const, options: ['billing', 'shipping'] },
    { id: 'missing', text: 'What did you miss?', kind: 'text' as const, max_length: 20 },
  ];
  const survey = (answers: Record<string, number | string>, actor: Actor = customer) => ({
    type: 'answer_survey' as const,
    actor,
    answers,
    questions,
  });

  it("records CES and the organization's own questions", () => {
    given(resolvedChat)
      .when(survey({ ces: 6, speed: 5, topic: 'billing', missing: 'a phone number' }))
      .then([
        {
          type: 'SurveyAnswered',
          data: { answers: { ces: 6, speed: 5, topic: 'billing', missing: 'a phone number' } },
        },
      ]);
  });

  it('takes CES alone when the organization has no questions of its own, at both ends of the scale', () => {
    for (const ces of [1, 7]) {
      given(activeChat)
        .when({ type: 'answer_survey', actor: customer, answers: { ces }, questions: [] })
        .then([{ type: 'SurveyAnswered', data: { answers: { ces } } }]);
    }
  });

  it.each<[string, Record<string, number | string>]>([
    ['CES below 1', { ces: 0 }],
    ['CES above 7', { ces: 8 }],
    ['CES as text', { ces: '5' }],
    ['an unknown question', { ces: 5, colour: 3 }],
    ['a scale answer out of its range', { speed: 6 }],
    ['a scale answer as text', { speed: 'fast' }],
    ['a choice not offered', { topic: 'returns' }],
    ['a choice as a number', { topic: 1 }],
    ['a text too long', { missing: 'x'.repeat(21) }],
    ['a blank text', { missing: '   ' }],
  ])('refuses %s as validation, storing nothing', (_, answers) => {
    given(resolvedChat).when(survey(answers)).thenRefuses('validation', 'invalid_survey_answers');
  });

  it('refuses a queued chat and a missed one, like a rating', () => {
    given(queuedChat)
      .when(survey({ ces: 5 }))
      .thenRefuses('conflict', 'chat_not_started');
    given(missedChat)
      .when(survey({ ces: 5 }))
      .thenRefuses('conflict', 'nothing_to_rate');
  });

  it.each([
    ['another customer', strangerCustomer],
    ['the agent', alice],
  ])('refuses %s as not_participant', (_, actor) => {
    given(resolvedChat)
      .when(survey({ ces: 5 }, actor))
      .thenRefuses('authorization', 'not_participant');
  });
});

describe('decide: report_goal', () => {
  it.each([
    ['queued', queuedChat],
    ['active', activeChat],
    ['closed', closedChat],
    ['missed', missedChat],
  ])('records a goal in a %s chat (a purchase may come after the chat)', (_, history) => {
    given(history)
      .when({ type: 'report_goal', actor: customer, goal: 'purchase', value: 49.9 })
      .then([{ type: 'GoalReported', data: { goal: 'purchase', value: 49.9 } }]);
  });

  it('lets a service report one, without a value', () => {
    given(resolvedChat)
      .when({ type: 'report_goal', actor: routing, goal: 'signup' })
      .then([{ type: 'GoalReported', data: { goal: 'signup' } }]);
  });

  it('stores a goal once: the same goal again is a no-op, another goal is stored', () => {
    const history = [...resolvedChat, { type: 'GoalReported', data: { goal: 'purchase' } } as const];
    given(history).when({ type: 'report_goal', actor: customer, goal: 'purchase', value: 10 }).thenNothing();
    given(history)
      .when({ type: 'report_goal', actor: customer, goal: 'signup' })
      .then([{ type: 'GoalReported', data: { goal: 'signup' } }]);
  });

  it.each([
    ['another customer', strangerCustomer],
    ['an agent', alice],
  ])('refuses %s as not_participant', (_, actor) => {
    given(resolvedChat)
      .when({ type: 'report_goal', actor, goal: 'purchase' })
      .thenRefuses('authorization', 'not_participant');
  });
});

describe('decide: set_priority', () => {
  it.each([
    ['the assigned agent', alice],
    ['a supervisor', supervisor],
    ['a service', routing],
  ])('sets the priority of an open chat as %s', (_, actor) => {
    const state = given(activeChat)
      .when({ type: 'set_priority', actor, priority: 'urgent' })
      .then([{ type: 'PrioritySet', data: { priority: 'urgent' } }]);
    expect(state).toMatchObject({ priority: 'urgent' });
  });

  it('sets it on a queued chat (a supervisor triaging the queue), and is a no-op for the priority it has', () => {
    given(queuedChat)
      .when({ type: 'set_priority', actor: supervisor, priority: 'high' })
      .then([{ type: 'PrioritySet', data: { priority: 'high' } }]);
    given(activeChat).when({ type: 'set_priority', actor: alice, priority: 'normal' }).thenNothing();
    given([...activeChat, { type: 'PrioritySet', data: { priority: 'low' } }])
      .when({ type: 'set_priority', actor: alice, priority: 'low' })
      .thenNothing();
  });

  it('refuses an agent the chat is not assigned to, and an ended chat', () => {
    given(activeChat)
      .when({ type: 'set_priority', actor: bob, priority: 'high' })
      .thenRefuses('authorization', 'not_assigned');
    given(resolvedChat)
      .when({ type: 'set_priority', actor: supervisor, priority: 'high' })
      .thenRefuses('conflict', 'chat_inactive');
  });
});

describe('decide: remove_tag', () => {
  const taggedChat = [...activeChat, tagged('refund'), tagged('vip')];

  it('takes a tag off as the assigned agent', () => {
    given(taggedChat)
      .when({ type: 'remove_tag', actor: alice, tag: 'refund' })
      .then([untagged('refund')]);
  });

  it.each([
    ['a supervisor', supervisor],
    ['an admin', admin],
  ])('takes a tag off any chat as %s, a closed one included', (_, actor) => {
    given([...closedChat, tagged('refund')])
      .when({ type: 'remove_tag', actor, tag: 'refund' })
      .then([untagged('refund')]);
  });

  it('lets the agent who handled a resolved chat take a tag off (wrap-up)', () => {
    given([...resolvedChat, tagged('refund')])
      .when({ type: 'remove_tag', actor: alice, tag: 'refund' })
      .then([untagged('refund')]);
  });

  it('is a no-op for a tag the chat does not have, or no longer has', () => {
    given(taggedChat).when({ type: 'remove_tag', actor: alice, tag: 'late' }).thenNothing();
    given([...taggedChat, untagged('vip')])
      .when({ type: 'remove_tag', actor: alice, tag: 'vip' })
      .thenNothing();
  });

  it('lets a tag taken off be put on again', () => {
    given([...taggedChat, untagged('vip')])
      .when({ type: 'add_tag', actor: alice, tag: 'vip' })
      .then([tagged('vip')]);
  });

  it.each([
    ['an agent of another chat', bob],
    ['the customer', customer],
    ['a service', routing],
  ])('refuses %s as not_assigned, a tag the chat has or not', (_, actor) => {
    given(taggedChat).when({ type: 'remove_tag', actor, tag: 'refund' }).thenRefuses('authorization', 'not_assigned');
    given(taggedChat).when({ type: 'remove_tag', actor, tag: 'late' }).thenRefuses('authorization', 'not_assigned');
  });
});
