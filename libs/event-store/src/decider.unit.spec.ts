import { describe, expect, it } from '@jest/globals';
import { commandEventId } from './command-event-ids.js';
import {
  emptyStream,
  eventsToAppend,
  expectedVersionAt,
  foldStream,
  repeatedEvents,
  retriesAfterConflict,
  storedEventsOf,
  type Decider,
  type EventCodec,
} from './decider.js';
import type { RecordedEvent } from './types.js';

// A counter: `add` adds, refusing to go past 10; the stored data of schema version 1 named the
// amount `n`, version 2 names it `by` (the codec upcasts).
type CounterEvent = { type: 'Added'; data: { by: number } };
const counter: Decider<{ add: number }, CounterEvent, number> = {
  initialState: 0,
  decide: (command, total) => {
    if (total + command.add > 10) throw new Error('past 10');
    return command.add === 0 ? [] : [{ type: 'Added', data: { by: command.add } }];
  },
  evolve: (total, event) => total + event.data.by,
};
const codec: EventCodec = {
  encode: (type, data) => ({ type, schemaVersion: 2, data }),
  decode: (_type, schemaVersion, data) => (schemaVersion === 1 ? { by: (data as { n: number }).n } : data),
};
const NAMESPACE = '6f0c5e43-8a61-4b0f-9f5c-2b1f4f7d6a10';

function recorded(version: number, data: unknown, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    eventId: `id-${version}`,
    streamId: 'counter-1',
    streamVersion: version,
    globalPosition: version,
    transactionId: '1',
    organizationId: 'org-1',
    type: 'Added',
    schemaVersion: 2,
    data,
    metadata: {},
    occurredAt: new Date(0),
    ...overrides,
  };
}

describe('command event ids', () => {
  it('derive from the command id and the event index, the same every time', () => {
    expect(commandEventId(NAMESPACE, 'cmd-1', 0)).toBe(commandEventId(NAMESPACE, 'cmd-1', 0));
    expect(commandEventId(NAMESPACE, 'cmd-1', 0)).not.toBe(commandEventId(NAMESPACE, 'cmd-1', 1));
    expect(commandEventId(NAMESPACE, 'cmd-1', 0)).not.toBe(commandEventId(NAMESPACE, 'cmd-2', 0));
  });

  it('keep the ids the services derived before (a repeat after an upgrade is still recognised)', () => {
    // uuid v5 of `<command id>:event:<index>` in the service's namespace: conversation's and ticketing's.
    expect(commandEventId('6f0c5e43-8a61-4b0f-9f5c-2b1f4f7d6a10', 'cmd-1', 0)).toBe(
      'b00bcb67-b5f2-5f32-b55d-839d5747b8ef',
    );
    expect(commandEventId('9b2f6c1e-47d3-4a8b-8e5f-1c0d2a3b4e6f', 'cmd-1', 1)).toBe(
      'b5aca539-0851-5710-9e01-4e0f8d481533',
    );
  });
});

describe('foldStream', () => {
  it('folds upcast events and remembers the version and the owner', () => {
    const loaded = foldStream(counter, codec, [recorded(1, { n: 2 }, { schemaVersion: 1 }), recorded(2, { by: 3 })]);
    expect(loaded).toEqual({ organizationId: 'org-1', state: 5, version: 2 });
  });

  it('answers the empty stream for no events, and continues from a state known before', () => {
    expect(foldStream(counter, codec, [])).toEqual(emptyStream(counter));
    expect(
      foldStream(counter, codec, [recorded(3, { by: 1 })], { organizationId: 'org-1', state: 5, version: 2 }),
    ).toEqual({
      organizationId: 'org-1',
      state: 6,
      version: 3,
    });
  });
});

describe('eventsToAppend and storedEventsOf', () => {
  const at = new Date('2026-12-05T10:00:00Z');
  const decided = [...counter.decide({ add: 1 }, 0), ...counter.decide({ add: 2 }, 0)];

  it('derive ids from the command id, encode, and carry the command as correlation and causation', () => {
    const events = eventsToAppend(
      codec,
      decided,
      { commandId: 'cmd-1', metadata: { actor: { kind: 'agent', id: 'a-1' } } },
      NAMESPACE,
      at,
    );
    expect(events).toEqual([
      {
        eventId: commandEventId(NAMESPACE, 'cmd-1', 0),
        type: 'Added',
        schemaVersion: 2,
        data: { by: 1 },
        metadata: { correlationId: 'cmd-1', causationId: 'cmd-1', actor: { kind: 'agent', id: 'a-1' } },
        occurredAt: at,
      },
      expect.objectContaining({ eventId: commandEventId(NAMESPACE, 'cmd-1', 1), data: { by: 2 } }),
    ]);
  });

  it('number the stored events after the version they were decided on', () => {
    const events = eventsToAppend(codec, decided, { commandId: 'cmd-1' }, NAMESPACE, at);
    expect(storedEventsOf(events, 4, at).map((event) => [event.version, event.eventId])).toEqual([
      [5, events[0]!.eventId],
      [6, events[1]!.eventId],
    ]);
  });

  it('expect no stream before the first event, the version after', () => {
    expect(expectedVersionAt(0)).toBe('no_stream');
    expect(expectedVersionAt(7)).toBe(7);
  });
});

describe('repeatedEvents', () => {
  const ids = [commandEventId(NAMESPACE, 'cmd-1', 0), commandEventId(NAMESPACE, 'cmd-1', 1)];
  const history = [
    recorded(1, { by: 1 }, { eventId: 'other', metadata: { correlationId: 'cmd-0' } }),
    recorded(2, { by: 1 }, { eventId: ids[0]!, metadata: { correlationId: 'cmd-1' } }),
    recorded(3, { by: 1 }, { eventId: 'later', metadata: { correlationId: 'cmd-9' } }),
    recorded(4, { by: 1 }, { eventId: ids[1]!, metadata: { correlationId: 'cmd-1' } }),
  ];

  it('finds the events a command stored, from its first derived id', () => {
    expect(repeatedEvents(history, 'cmd-1', NAMESPACE)?.map((event) => event.streamVersion)).toEqual([2, 4]);
  });

  it('answers undefined for a command never applied, or applied in another namespace', () => {
    expect(repeatedEvents(history, 'cmd-2', NAMESPACE)).toBeUndefined();
    expect(repeatedEvents(history, 'cmd-1', '9b2f6c1e-47d3-4a8b-8e5f-1c0d2a3b4e6f')).toBeUndefined();
  });
});

describe('retriesAfterConflict', () => {
  const policy = { budgetMs: 1000, maxConflicts: 3, pauseMs: () => 0 };

  it('decides again within the time budget and the number of lost races', () => {
    expect(retriesAfterConflict(policy, 1, 0, 999)).toBe(true);
    expect(retriesAfterConflict(policy, 3, 0, 10)).toBe(true);
  });

  it('gives up past either bound', () => {
    expect(retriesAfterConflict(policy, 1, 0, 1000)).toBe(false);
    expect(retriesAfterConflict(policy, 4, 0, 10)).toBe(false);
    expect(retriesAfterConflict({ budgetMs: 1000, pauseMs: () => 0 }, 1_000, 0, 10)).toBe(true);
  });
});
