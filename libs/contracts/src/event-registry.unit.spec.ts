import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { allEvents } from './all-events.js';
import { defineEvent } from './define-event.js';
import { EventRegistry, EventSchemaError, UnknownEventTypeError } from './event-registry.js';
import { eventSubject } from './subjects.js';

describe('EventRegistry', () => {
  it('upcasts a v1 MessagePosted to the current shape', () => {
    const v1 = { message_id: 'm1', author_kind: 'agent', author_id: 'a1', text: 'hi' };
    expect(allEvents.decode('MessagePosted', 1, v1)).toEqual({
      message_id: 'm1',
      author: { kind: 'agent', id: 'a1' },
      text: 'hi',
      attachments: [],
    });
  });

  it('chains upcasters over several versions', () => {
    const registry = new EventRegistry({
      Renamed: defineEvent('Renamed', z.object({ title: z.string(), lang: z.string() }), {
        schemaVersion: 3,
        upcasters: {
          1: (d) => ({ title: (d as { name: string }).name }),
          2: (d) => ({ ...(d as object), lang: 'en' }),
        },
      }),
    });
    expect(registry.decode('Renamed', 1, { name: 'x' })).toEqual({ title: 'x', lang: 'en' });
    expect(registry.decode('Renamed', 3, { title: 'y', lang: 'de' })).toEqual({ title: 'y', lang: 'de' });
  });

  it('refuses a definition with a missing upcaster', () => {
    expect(() => defineEvent('X', z.object({}), { schemaVersion: 2 })).toThrow(/no upcaster from schema version 1/);
  });

  it('encodes with the current schema version and rejects invalid data', () => {
    expect(allEvents.encode('ConversationRated', { score: 5 })).toEqual({
      type: 'ConversationRated',
      schemaVersion: 1,
      data: { score: 5 },
    });
    expect(() => allEvents.encode('ConversationRated', { score: 9 })).toThrow(EventSchemaError);
    expect(() => allEvents.encode('NoSuchEvent', {})).toThrow(UnknownEventTypeError);
  });

  it('refuses data written by a newer schema than the reader knows', () => {
    expect(() => allEvents.decode('ConversationRated', 2, { score: 5 })).toThrow(/newer than this reader/);
  });
});

describe('subjects', () => {
  it('puts the category and a safe stream token in event subjects', () => {
    expect(eventSubject('livedesk', 'conversation-a.b*c')).toBe('livedesk.events.conversation.conversation-a_b_c');
  });
});
