import { describe, expect, it } from '@jest/globals';
import type { ConversationCommand } from './conversation-commands.js';
import {
  abandonedChat,
  activeChat,
  admin,
  alice,
  assigned,
  bob,
  bot,
  carol,
  closedChat,
  customer,
  groupId,
  missedChat,
  otherGroupId,
  queued,
  queuedChat,
  resolvedChat,
  routing,
  supervisor,
  transferredToAgent,
  transferredToGroup,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';

const ended = [
  ['resolved', resolvedChat],
  ['closed', closedChat],
  ['missed', missedChat],
] as const;

describe('decide: join', () => {
  it('assigns a queued chat to the agent who joins', () => {
    const state = given(queuedChat)
      .when({ type: 'join', actor: alice })
      .then([assigned(alice.id, 'agent')]);
    expect(state).toMatchObject({ status: 'active', assignedAgentId: alice.id, agentIds: [alice.id] });
  });

  it('records a bot joining with the agent kind bot', () => {
    given(queuedChat)
      .when({ type: 'join', actor: bot })
      .then([assigned(bot.id, 'agent', 'bot')]);
  });

  it.each([
    ['a supervisor', supervisor],
    ['an admin', admin],
  ])('records %s joining as a supervisor assignment', (_, actor) => {
    given(queuedChat)
      .when({ type: 'join', actor })
      .then([assigned(actor.id, 'supervisor')]);
  });

  it('is a no-op for the agent the chat is already assigned to', () => {
    given(activeChat).when({ type: 'join', actor: alice }).thenNothing();
  });

  it('refuses a chat assigned to someone else as already_assigned', () => {
    given(activeChat).when({ type: 'join', actor: bob }).thenRefuses('conflict', 'already_assigned');
  });

  it.each(ended)('refuses a %s chat as chat_inactive', (_, history) => {
    given(history).when({ type: 'join', actor: alice }).thenRefuses('conflict', 'chat_inactive');
  });

  it.each([
    ['a customer', customer],
    ['a service', routing],
  ])('refuses %s as not_allowed', (_, actor) => {
    given(queuedChat).when({ type: 'join', actor }).thenRefuses('authorization', 'not_allowed');
  });
});

describe('decide: assign', () => {
  const assign = (agentId: string, agentKind: 'human' | 'bot' = 'human'): ConversationCommand => ({
    type: 'assign',
    actor: routing,
    agentId,
    agentKind,
  });

  it('assigns a queued chat as routing', () => {
    given(queuedChat)
      .when(assign(alice.id))
      .then([assigned(alice.id, 'routing')]);
  });

  it('assigns a bot with its kind', () => {
    given(queuedChat)
      .when(assign(bot.id, 'bot'))
      .then([assigned(bot.id, 'routing', 'bot')]);
  });

  it('is a no-op when the chat is already assigned to that agent (a redelivered decision)', () => {
    given(activeChat).when(assign(alice.id)).thenNothing();
  });

  it('refuses a chat assigned to another agent as already_assigned', () => {
    given(activeChat).when(assign(bob.id)).thenRefuses('conflict', 'already_assigned');
  });

  it.each(ended)('refuses a %s chat as chat_inactive', (_, history) => {
    given(history).when(assign(alice.id)).thenRefuses('conflict', 'chat_inactive');
  });

  it.each([
    ['an agent', alice],
    ['a supervisor', supervisor],
    ['a customer', customer],
  ])('refuses %s as not_allowed', (_, actor) => {
    given(queuedChat)
      .when({ type: 'assign', actor, agentId: alice.id, agentKind: 'human' })
      .thenRefuses('authorization', 'not_allowed');
  });
});

describe('decide: transfer', () => {
  const toAgent = (actor: ConversationCommand['actor'], agentId: string, note?: string): ConversationCommand => ({
    type: 'transfer',
    actor,
    target: { agentId, agentKind: 'human' },
    ...(note ? { note } : {}),
  });
  const toGroup = (actor: ConversationCommand['actor'], group = otherGroupId): ConversationCommand => ({
    type: 'transfer',
    actor,
    target: { groupId: group },
  });

  describe('to an agent', () => {
    it('hands the chat from the assigned agent to another, with the note', () => {
      const state = given(activeChat)
        .when(toAgent(alice, bob.id, 'billing question'))
        .then([
          {
            type: 'ConversationTransferred',
            data: { from_agent_id: alice.id, to_agent_id: bob.id, reason: 'manual', note: 'billing question' },
          },
          assigned(bob.id, 'agent'),
        ]);
      expect(state).toMatchObject({ status: 'active', assignedAgentId: bob.id, agentIds: [alice.id, bob.id] });
    });

    it("moves another agent's chat as a supervisor", () => {
      given(activeChat)
        .when(toAgent(supervisor, bob.id))
        .then([transferredToAgent(bob.id, alice.id), assigned(bob.id, 'supervisor')]);
    });

    it('assigns a queued chat as a supervisor, with no agent to transfer from', () => {
      given(queuedChat)
        .when(toAgent(admin, bob.id))
        .then([transferredToAgent(bob.id), assigned(bob.id, 'supervisor')]);
    });

    it("records routing's transfer as automatic", () => {
      given(activeChat)
        .when(toAgent(routing, carol.id))
        .then([
          { type: 'ConversationTransferred', data: { from_agent_id: alice.id, to_agent_id: carol.id, reason: 'auto' } },
          assigned(carol.id, 'routing'),
        ]);
    });

    it('hands a chat back to an agent who had it before without listing them twice', () => {
      const history = [...activeChat, transferredToAgent(bob.id, alice.id), assigned(bob.id, 'agent')];
      const state = given(history)
        .when(toAgent(bob, alice.id))
        .then([transferredToAgent(alice.id, bob.id), assigned(alice.id, 'agent')]);
      expect(state).toMatchObject({ assignedAgentId: alice.id, agentIds: [alice.id, bob.id] });
    });

    it('refuses the agent the chat is already assigned to as same_agent', () => {
      given(activeChat).when(toAgent(supervisor, alice.id)).thenRefuses('conflict', 'same_agent');
    });
  });

  describe('to a group', () => {
    it('queues the chat in the new group with nobody assigned', () => {
      const state = given(activeChat)
        .when(toGroup(alice))
        .then([transferredToGroup(otherGroupId, alice.id), queued(otherGroupId)]);
      expect(state).toMatchObject({
        status: 'queued',
        groupId: otherGroupId,
        assignedAgentId: null,
        agentIds: [alice.id],
      });
    });

    it('hands a bot conversation over to the humans of a group', () => {
      given([...queuedChat, assigned(bot.id, 'routing', 'bot')])
        .when(toGroup(bot, groupId))
        .then([transferredToGroup(groupId, bot.id), queued(groupId)]);
    });

    it('moves a queued chat to another group as a supervisor', () => {
      given(queuedChat)
        .when(toGroup(supervisor))
        .then([transferredToGroup(otherGroupId), queued(otherGroupId)]);
    });
  });

  describe('refusals', () => {
    it("refuses an agent transferring someone else's chat as not_assigned", () => {
      given(activeChat).when(toAgent(bob, carol.id)).thenRefuses('authorization', 'not_assigned');
    });

    it('refuses an agent transferring a queued chat as not_assigned', () => {
      given(queuedChat).when(toGroup(alice)).thenRefuses('authorization', 'not_assigned');
    });

    it('refuses a customer as not_assigned', () => {
      given(activeChat).when(toGroup(customer)).thenRefuses('authorization', 'not_assigned');
    });

    it.each([...ended, ['abandoned', abandonedChat] as const])('refuses a %s chat as chat_inactive', (_, history) => {
      given(history).when(toAgent(supervisor, bob.id)).thenRefuses('conflict', 'chat_inactive');
    });

    it('refuses the former agent of a resolved chat as chat_inactive, not as not_assigned', () => {
      given(resolvedChat).when(toGroup(alice)).thenRefuses('conflict', 'chat_inactive');
    });
  });
});
