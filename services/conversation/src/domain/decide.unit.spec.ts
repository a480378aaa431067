import { describe, expect, it } from '@jest/globals';
import type { ConversationCommand } from './conversation-commands.js';
import {
  abandonedChat,
  activeChat,
  admin,
  alice,
  aliceAuthor,
  answeredChat,
  bob,
  bot,
  chatId,
  closedChat,
  customer,
  customerAuthor,
  groupId,
  missedChat,
  posted,
  queued,
  queuedChat,
  reopened,
  resolvedChat,
  routing,
  strangerCustomer,
  supervisor,
  assigned,
  started,
  resolved,
  closed,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';

const attachment = { attachment_id: 'att-1', name: 'invoice.pdf', content_type: 'application/pdf', size: 1234 };

describe('decide: any command on a chat that does not exist', () => {
  const commands: ConversationCommand[] = [
    { type: 'post_message', actor: customer, messageId: 'm1', text: 'hi', attachments: [] },
    { type: 'join', actor: alice },
    { type: 'assign', actor: routing, agentId: alice.id, agentKind: 'human' },
    { type: 'transfer', actor: supervisor, target: { groupId } },
    { type: 'mark_seen', actor: customer, seenUpTo: 'm1' },
    { type: 'rate', actor: customer, score: 5 },
    { type: 'resolve', actor: routing },
    { type: 'close', actor: customer },
    { type: 'mark_missed', actor: routing, reason: 'no_agents' },
    { type: 'add_tag', actor: supervisor, tag: 'vip' },
    { type: 'remove_tag', actor: supervisor, tag: 'vip' },
  ];
  it.each(commands.map((command) => [command.type, command] as const))('refuses %s as chat_not_found', (_, command) => {
    given([]).when(command).thenRefuses('not_found', 'chat_not_found');
  });
});

describe('decide: start', () => {
  const start = { type: 'start', chatId, channel: 'chat', groupId } as const;

  it('starts and queues a chat without a first message', () => {
    given([])
      .when({ ...start, actor: customer })
      .then([started(), queued()]);
  });

  it('posts the first message between the start and the queueing, with its page context', () => {
    const page = { url: 'https://shop.example/cart', title: 'Cart' };
    const message = { messageId: 'm1', text: 'Where is my order?', clientId: 'c-1', attachments: [attachment] };
    const state = given([])
      .when({ ...start, actor: customer, page, message })
      .then([
        started(page),
        {
          type: 'MessagePosted',
          data: {
            message_id: 'm1',
            author: customerAuthor,
            text: 'Where is my order?',
            client_id: 'c-1',
            attachments: [attachment],
          },
        },
        queued(),
      ]);
    expect(state).toMatchObject({ status: 'queued', version: 3, chatId, groupId });
  });

  it.each([
    ['an agent', alice],
    ['a bot', bot],
    ['a service', routing],
  ])('refuses %s as not_allowed', (_, actor) => {
    given([])
      .when({ ...start, actor })
      .thenRefuses('authorization', 'not_allowed');
  });

  it('refuses a chat id that exists as chat_exists', () => {
    given(queuedChat)
      .when({ ...start, actor: customer })
      .thenRefuses('conflict', 'chat_exists');
  });
});

describe('decide: post_message', () => {
  const message = (actor: ConversationCommand['actor'], messageId = 'm9', clientId?: string): ConversationCommand => ({
    type: 'post_message',
    actor,
    messageId,
    text: `text of ${messageId}`,
    ...(clientId ? { clientId } : {}),
    attachments: [],
  });

  describe('by the customer', () => {
    it.each([
      ['a queued', queuedChat],
      ['an active', activeChat],
    ])('posts in %s chat', (_, history) => {
      given(history)
        .when(message(customer))
        .then([posted('m9')]);
    });

    it('keeps the client id for dedup', () => {
      given(activeChat)
        .when(message(customer, 'm9', 'c-9'))
        .then([posted('m9', customerAuthor, 'c-9')]);
    });

    it.each([
      ['resolved', resolvedChat],
      ['missed', missedChat],
    ])('reopens a %s chat as a new cycle queued in its group', (_, history) => {
      const state = given(history)
        .when(message(customer))
        .then([reopened(), posted('m9'), queued(groupId)]);
      expect(state).toMatchObject({ status: 'queued', assignedAgentId: null, agentIds: [alice.id] });
    });

    it('refuses another customer as not_participant', () => {
      given(activeChat).when(message(strangerCustomer)).thenRefuses('authorization', 'not_participant');
    });

    it('refuses a closed chat as chat_closed', () => {
      given(closedChat).when(message(customer)).thenRefuses('conflict', 'chat_closed');
    });

    it('refuses a chat closed from the queue as chat_closed, not as a reopen', () => {
      given(abandonedChat).when(message(customer)).thenRefuses('conflict', 'chat_closed');
    });
  });

  describe('a repeated client id', () => {
    const history = [...activeChat, posted('m5', customerAuthor, 'c-5')];

    it('posts nothing when the same author sends it again', () => {
      given(history)
        .when(message(customer, 'm6', 'c-5'))
        .thenNothing();
    });

    it('posts nothing even once the chat has closed (the retry of a send that was accepted)', () => {
      given([...history, resolved(), closed()])
        .when(message(customer, 'm6', 'c-5'))
        .thenNothing();
    });

    it('is a new message from another author', () => {
      given(history)
        .when(message(alice, 'm6', 'c-5'))
        .then([posted('m6', aliceAuthor, 'c-5')]);
    });
  });

  describe('by an agent', () => {
    it('posts as the assigned agent', () => {
      given(activeChat)
        .when(message(alice))
        .then([posted('m9', aliceAuthor)]);
    });

    it('posts as a bot with the author kind bot, never agent', () => {
      given([...queuedChat, assigned(bot.id, 'routing', 'bot')])
        .when(message(bot))
        .then([posted('m9', { kind: 'bot', id: bot.id })]);
    });

    it('refuses an agent in a queued chat as not_assigned', () => {
      given(queuedChat).when(message(alice)).thenRefuses('authorization', 'not_assigned');
    });

    it("refuses an agent in another agent's chat as not_assigned", () => {
      given(activeChat).when(message(bob)).thenRefuses('authorization', 'not_assigned');
    });

    it.each([
      ['resolved', resolvedChat],
      ['missed', missedChat],
    ])('refuses the former agent of a %s chat as chat_inactive', (_, history) => {
      given(history).when(message(alice)).thenRefuses('conflict', 'chat_inactive');
    });

    it('refuses an agent in a closed chat as chat_closed', () => {
      given(closedChat).when(message(alice)).thenRefuses('conflict', 'chat_closed');
    });

    it.each([
      ['a queued', queuedChat],
      ['an active', activeChat],
    ])('lets a supervisor write in %s chat without being assigned', (_, history) => {
      given(history)
        .when(message(supervisor))
        .then([posted('m9', { kind: 'agent', id: supervisor.id })]);
    });

    it('lets an admin write in an active chat', () => {
      given(activeChat)
        .when(message(admin))
        .then([posted('m9', { kind: 'agent', id: admin.id })]);
    });

    it.each([
      ['resolved', resolvedChat],
      ['missed', missedChat],
    ])('refuses a supervisor in a %s chat as chat_inactive', (_, history) => {
      given(history).when(message(supervisor)).thenRefuses('conflict', 'chat_inactive');
    });
  });

  describe('by a service', () => {
    it.each([
      ['a queued', queuedChat],
      ['an active', answeredChat],
    ])('posts a system message in %s chat', (_, history) => {
      given(history)
        .when(message(routing))
        .then([posted('m9', { kind: 'system', id: routing.id })]);
    });

    it.each([
      ['resolved', resolvedChat],
      ['missed', missedChat],
    ])('refuses a %s chat as chat_inactive', (_, history) => {
      given(history).when(message(routing)).thenRefuses('conflict', 'chat_inactive');
    });

    it('refuses a closed chat as chat_closed', () => {
      given(closedChat).when(message(routing)).thenRefuses('conflict', 'chat_closed');
    });
  });
});
