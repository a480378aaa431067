import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import {
  consumerHasCaughtUp,
  countStreamsBehind,
  readConsumerPositions,
  resetConsumerPositions,
  storeConsumerPositions,
} from './consumer-positions.js';
import { countEvents } from './count-events.js';
import { createEventStoreFixture, injectEvent, type EventStoreFixture } from './test-support.js';

let f: EventStoreFixture;
beforeAll(async () => {
  f = await createEventStoreFixture(4);
  // conversation-a at version 3, conversation-b at version 1
  for (let i = 0; i < 3; i++) await injectEvent(f.db, 'conversation-a', 'org-1', 'TagAdded', { tag: `a${i}` });
  await injectEvent(f.db, 'conversation-b', 'org-1', 'TagAdded', { tag: 'b' });
});
afterAll(() => f.close());

async function caughtUp(consumer: string, streamIds: string[]): Promise<Record<string, boolean>> {
  const { rows } = await sql<{ id: string; done: boolean }>`
    SELECT id, ${consumerHasCaughtUp(consumer, sql<string>`id`)} AS done FROM unnest(${streamIds}::text[]) AS ids(id)`.execute(
    f.db,
  );
  return Object.fromEntries(rows.map((row) => [row.id, row.done]));
}

describe("a consumer's positions", () => {
  it('are 0 in every stream for a consumer that applied nothing, and every stream with events is behind', async () => {
    expect(await readConsumerPositions(f.db, 'reader', ['conversation-a', 'conversation-b'])).toEqual(
      new Map([
        ['conversation-a', 0],
        ['conversation-b', 0],
      ]),
    );
    expect(await countStreamsBehind(f.db, 'reader')).toBe(2);
    expect(await caughtUp('reader', ['conversation-a', 'conversation-b'])).toEqual({
      'conversation-a': false,
      'conversation-b': false,
    });
  });

  it('are stored as given, for that consumer only, and say which streams it has caught up with', async () => {
    await storeConsumerPositions(
      f.db,
      'reader',
      new Map([
        ['conversation-a', 2],
        ['conversation-b', 1],
      ]),
    );
    await storeConsumerPositions(f.db, 'other', new Map([['conversation-a', 3]]));
    expect(await readConsumerPositions(f.db, 'reader', ['conversation-a', 'conversation-b'])).toEqual(
      new Map([
        ['conversation-a', 2],
        ['conversation-b', 1],
      ]),
    );
    expect(await countStreamsBehind(f.db, 'reader')).toBe(1);
    expect(await countStreamsBehind(f.db, 'other')).toBe(1);
    // A stream the store does not hold is never caught up with.
    expect(await caughtUp('reader', ['conversation-a', 'conversation-b', 'conversation-none'])).toEqual({
      'conversation-a': false,
      'conversation-b': true,
      'conversation-none': false,
    });
    expect(await caughtUp('other', ['conversation-a', 'conversation-b'])).toEqual({
      'conversation-a': true,
      'conversation-b': false,
    });
  });

  it('are overwritten by a later store, forward or back (a replay sets where it got)', async () => {
    await storeConsumerPositions(f.db, 'reader', new Map([['conversation-a', 3]]));
    await storeConsumerPositions(f.db, 'reader', new Map([['conversation-b', 0]]));
    expect(await readConsumerPositions(f.db, 'reader', ['conversation-a', 'conversation-b'])).toEqual(
      new Map([
        ['conversation-a', 3],
        ['conversation-b', 0],
      ]),
    );
    await storeConsumerPositions(f.db, 'reader', new Map());
    expect(await countStreamsBehind(f.db, 'reader')).toBe(1);
  });

  it("are forgotten by a reset, that consumer's only", async () => {
    await resetConsumerPositions(f.db, 'reader');
    expect(await readConsumerPositions(f.db, 'reader', ['conversation-a'])).toEqual(new Map([['conversation-a', 0]]));
    expect(await countStreamsBehind(f.db, 'reader')).toBe(2);
    expect(await readConsumerPositions(f.db, 'other', ['conversation-a'])).toEqual(new Map([['conversation-a', 3]]));
  });

  it('count against the events the store holds', async () => {
    expect(await countEvents(f.db)).toBe(4);
  });
});
