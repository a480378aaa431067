import { describe, expect, it } from '@jest/globals';
import type { Actor } from '@livedesk/contracts';
import { initialState } from './conversation-state.js';
import { authorOf, canRead, messageByClientId } from './read-rules.js';
import {
  activeChat,
  admin,
  alice,
  aliceAuthor,
  assigned,
  bob,
  bot,
  carol,
  closedChat,
  customer,
  customerAuthor,
  otherGroupId,
  posted,
  queued,
  queuedChat,
  resolvedChat,
  routing,
  strangerCustomer,
  supervisor,
  transferredToAgent,
  transferredToGroup,
} from './testing/fixtures.js';
import { stateOf } from './testing/given-when-then.js';

describe('authorOf', () => {
  it.each<[string, Actor, unknown]>([
    ['a customer', customer, { kind: 'customer', id: customer.id }],
    ['a human agent', alice, { kind: 'agent', id: alice.id }],
    ['a supervisor', supervisor, { kind: 'agent', id: supervisor.id }],
    ['a bot', bot, { kind: 'bot', id: bot.id }],
    ['a service', routing, { kind: 'system', id: routing.id }],
  ])('names %s', (_, actor, author) => {
    expect(authorOf(actor)).toStrictEqual(author);
  });
});

describe('canRead', () => {
  const transferred = stateOf([...activeChat, transferredToAgent(bob.id, alice.id), assigned(bob.id, 'agent')]);

  it.each<[string, Actor]>([
    ['its customer', customer],
    ['a service', routing],
    ['a supervisor', supervisor],
    ['an admin', admin],
  ])('lets %s read any chat, a closed one included', (_, actor) => {
    expect(canRead(stateOf(closedChat), actor)).toBe(true);
  });

  it('lets any agent read a queued chat, to pick it', () => {
    expect(canRead(stateOf(queuedChat), carol)).toBe(true);
  });

  it('lets the receiver of a transfer and the agent before them read the chat', () => {
    expect(canRead(transferred, bob)).toBe(true);
    expect(canRead(transferred, alice)).toBe(true);
  });

  it('lets the former agent read a resolved chat', () => {
    expect(canRead(stateOf(resolvedChat), alice)).toBe(true);
  });

  it('lets an agent read a chat transferred back to the queue they never served', () => {
    expect(
      canRead(stateOf([...activeChat, transferredToGroup(otherGroupId, alice.id), queued(otherGroupId)]), carol),
    ).toBe(true);
  });

  it('keeps other agents and other customers out', () => {
    expect(canRead(transferred, carol)).toBe(false);
    expect(canRead(stateOf(resolvedChat), carol)).toBe(false);
    expect(canRead(transferred, strangerCustomer)).toBe(false);
  });

  it('lets nobody read a chat that does not exist', () => {
    expect(canRead(initialState, routing)).toBe(false);
  });
});

describe('messageByClientId', () => {
  const state = stateOf([...activeChat, posted('m2', aliceAuthor, 'c-1'), posted('m3', customerAuthor, 'c-1')]);

  it("finds each author's message by its client id", () => {
    expect(messageByClientId(state, aliceAuthor, 'c-1')).toEqual({ messageId: 'm2', version: 5 });
    expect(messageByClientId(state, customerAuthor, 'c-1')).toEqual({ messageId: 'm3', version: 6 });
  });

  it('finds nothing for another author, another id, or no chat', () => {
    expect(messageByClientId(state, { kind: 'bot', id: alice.id }, 'c-1')).toBeUndefined();
    expect(messageByClientId(state, aliceAuthor, 'c-2')).toBeUndefined();
    expect(messageByClientId(initialState, aliceAuthor, 'c-1')).toBeUndefined();
  });

  it('does not confuse ids that contain the key separator', () => {
    const tricky = stateOf([...activeChat, posted('m2', { kind: 'agent', id: 'a:b' }, 'c')]);
    expect(messageByClientId(tricky, { kind: 'agent', id: 'a' }, 'b:c')).toBeUndefined();
  });
});
