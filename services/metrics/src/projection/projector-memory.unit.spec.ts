import { describe, expect, it } from '@jest/globals';
import type { ConversationProjection } from './conversation-projection.js';
import { ProjectorMemory } from './projector-memory.js';

const conversation = (id: string): ConversationProjection => ({
  organization_id: 'org-1',
  conversation_id: id,
  channel: 'chat',
  customer_id: 'customer-1',
  stream_version: 1,
  cycles: [],
  cycle_versions: {},
  alerts: {},
  derived_keys: {},
});

describe('ProjectorMemory', () => {
  it('after the tables were emptied, reads back only the conversations and tickets it forgot for room', () => {
    const memory = new ProjectorMemory(2);
    memory.reset(true);
    expect(memory.forgotAny).toBe(false);
    for (const id of ['c1', 'c2', 'c3']) memory.conversations.set(id, conversation(id));
    // c1 went for room: the tables hold it, so it is read again when its events go on.
    expect(memory.forgotAny).toBe(true);
    expect(memory.mustReadConversation('c1')).toBe(true);
    expect(memory.mayStoreConversation('c1')).toBe(true);
    // One never seen is new to the tables: nothing to read, and its state may be copied in.
    expect(memory.mustReadConversation('c9')).toBe(false);
    expect(memory.mayStoreConversation('c9')).toBe(false);
    // One in memory is neither read nor new.
    expect(memory.mustReadConversation('c3')).toBe(false);
    expect(memory.mayStoreConversation('c3')).toBe(true);

    for (const id of ['t1', 't2', 't3']) memory.tickets.set(id, null);
    expect(memory.mustReadTicket('t1')).toBe(true);
    expect(memory.mustReadTicket('t9')).toBe(false);
  });

  it('past its limit of forgotten ids, reads whatever it lacks', () => {
    const memory = new ProjectorMemory(1, 2);
    memory.reset(true);
    for (const id of ['c1', 'c2', 'c3']) memory.conversations.set(id, conversation(id));
    expect(memory.mustReadConversation('c9')).toBe(false);
    memory.conversations.set('c4', conversation('c4'));
    // c3 is a third forgotten id: memory no longer knows which conversations the tables lack,
    // and lets the ids it kept go.
    expect(memory.forgotAny).toBe(false);
    expect(memory.mustReadConversation('c3')).toBe(true);
    expect(memory.mustReadConversation('c9')).toBe(true);
    expect(memory.mayStoreConversation('c9')).toBe(true);
  });

  it('reads whatever it lacks when the tables were not emptied, and forgets what it forgot on a reset', () => {
    const memory = new ProjectorMemory(1);
    memory.reset(false);
    memory.conversations.set('c1', conversation('c1'));
    memory.conversations.set('c2', conversation('c2'));
    expect(memory.forgotAny).toBe(false);
    expect(memory.mustReadConversation('c9')).toBe(true);
    expect(memory.mayStoreConversation('c9')).toBe(true);
    expect(memory.mustReadTicket('t9')).toBe(true);

    memory.reset(true);
    memory.conversations.set('c1', conversation('c1'));
    memory.conversations.set('c2', conversation('c2'));
    expect(memory.mustReadConversation('c1')).toBe(true);
    memory.reset(true);
    expect(memory.forgotAny).toBe(false);
    expect(memory.mustReadConversation('c1')).toBe(false);
  });
});
