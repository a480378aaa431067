import { describe, expect, it } from '@jest/globals';
import type { Actor, Author, ConversationEvent } from '@livedesk/contracts';
import type { PostNoteCommand } from './conversation-commands.js';
import { toChatSummary } from './chat-summary.js';
import {
  activeChat,
  admin,
  alice,
  aliceAuthor,
  answeredChat,
  assigned,
  bob,
  bot,
  closedChat,
  customer,
  missedChat,
  posted,
  queuedChat,
  resolvedChat,
  routing,
  supervisor,
  transferredToAgent,
} from './testing/fixtures.js';
import { given, stateOf } from './testing/given-when-then.js';

function note(actor: Actor, clientId?: string, messageId = 'n1'): PostNoteCommand {
  return {
    type: 'post_note',
    actor,
    messageId,
    text: 'VIP: offer the discount',
    ...(clientId ? { clientId } : {}),
    attachments: [],
  };
}

function notePosted(author: Author, clientId?: string, messageId = 'n1'): ConversationEvent {
  return {
    type: 'InternalNotePosted',
    data: {
      message_id: messageId,
      author,
      text: 'VIP: offer the discount',
      ...(clientId ? { client_id: clientId } : {}),
      attachments: [],
    },
  };
}

describe('decide: post_note (internal notes)', () => {
  it('lets the assigned agent write a note in the active chat', () => {
    given(activeChat)
      .when(note(alice, 'c-1'))
      .then([notePosted(aliceAuthor, 'c-1')]);
  });

  it.each([
    ['queued', queuedChat],
    ['resolved', resolvedChat],
    ['closed', closedChat],
    ['missed', missedChat],
  ])('allows a note in a %s chat the agent can read', (_, history) => {
    const author = { kind: 'agent' as const, id: supervisor.id };
    given(history)
      .when(note(supervisor))
      .then([notePosted(author)]);
  });

  it('lets any agent note a queued chat (agents may read it to decide whether to pick it)', () => {
    given(queuedChat)
      .when(note(bob))
      .then([notePosted({ kind: 'agent', id: bob.id })]);
  });

  it('lets an agent who served the chat before a transfer write a note', () => {
    given([...answeredChat, transferredToAgent(bob.id, alice.id), assigned(bob.id, 'supervisor')])
      .when(note(alice))
      .then([notePosted(aliceAuthor)]);
  });

  it('lets a supervisor, an admin and a bot assigned to the chat write notes', () => {
    given(activeChat)
      .when(note(admin))
      .then([notePosted({ kind: 'agent', id: admin.id })]);
    given([...queuedChat, assigned(bot.id, 'routing', 'bot')])
      .when(note(bot))
      .then([notePosted({ kind: 'bot', id: bot.id })]);
  });

  it('refuses an agent who cannot read the chat (never assigned to it, no supervisor)', () => {
    given(activeChat).when(note(bob)).thenRefuses('authorization', 'not_participant');
  });

  it('refuses customers and services: only agents write notes', () => {
    given(activeChat).when(note(customer)).thenRefuses('authorization', 'not_allowed');
    given(activeChat).when(note(routing)).thenRefuses('authorization', 'not_allowed');
  });

  it('stores a note retried with the same client id once, even after the chat closed', () => {
    given([...activeChat, notePosted(aliceAuthor, 'c-1')])
      .when(note(alice, 'c-1', 'n2'))
      .thenNothing();
    given([...activeChat, notePosted(aliceAuthor, 'c-1'), ...closedChat.slice(activeChat.length)])
      .when(note(alice, 'c-1', 'n2'))
      .thenNothing();
  });

  it('keeps client ids per author: another agent may use the same one', () => {
    given([...activeChat, notePosted(aliceAuthor, 'c-1')])
      .when(note(supervisor, 'c-1', 'n2'))
      .then([notePosted({ kind: 'agent', id: supervisor.id }, 'c-1', 'n2')]);
  });

  it('changes neither the status, the assignee nor the messages a read receipt may name', () => {
    const before = stateOf(activeChat);
    const after = stateOf([...activeChat, notePosted(aliceAuthor, 'c-1')]);
    expect(toChatSummary(after)).toMatchObject({ status: 'active', assigned_agent_id: alice.id });
    if (before.status === 'none' || after.status === 'none') throw new Error('started');
    expect(after.messages).toEqual(before.messages);
    given([...activeChat, notePosted(aliceAuthor)])
      .when({ type: 'mark_seen', actor: customer, seenUpTo: 'n1' })
      .thenRefuses('not_found', 'message_not_found');
  });

  it('is not a message: a customer message after a note is stored as usual', () => {
    given([...activeChat, notePosted(aliceAuthor)])
      .when({ type: 'post_message', actor: customer, messageId: 'm3', text: 'text of m3', attachments: [] })
      .then([posted('m3')]);
  });
});
