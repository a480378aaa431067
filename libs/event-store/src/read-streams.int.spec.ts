import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

let f: EventStoreFixture;
beforeAll(async () => {
  f = await createEventStoreFixture();
  await f.store.appendToStream('rs-a', [newEvent(), newEvent(), newEvent()], 'no_stream', { organizationId: 'org-1' });
  await f.store.appendToStream('rs-b', [newEvent(), newEvent()], 'no_stream', { organizationId: 'org-2' });
});
afterAll(() => f.close());

describe('readStreams', () => {
  it('reads many streams in one statement, each after its own version, as readStream reads each', async () => {
    const read = await f.store.readStreams([
      { streamId: 'rs-a', afterVersion: 1 },
      { streamId: 'rs-b', afterVersion: 0 },
      { streamId: 'rs-missing', afterVersion: 0 },
    ]);
    expect([...read.keys()].sort()).toEqual(['rs-a', 'rs-b', 'rs-missing']);
    expect(read.get('rs-a')).toEqual(await f.store.readStream('rs-a', { afterVersion: 1 }));
    expect(read.get('rs-b')).toEqual(await f.store.readStream('rs-b'));
    expect(read.get('rs-b')!.every((event) => event.organizationId === 'org-2')).toBe(true);
    expect(read.get('rs-missing')).toEqual([]);
  });

  it('reads a stream asked twice from the lower version, once', async () => {
    const read = await f.store.readStreams([
      { streamId: 'rs-a', afterVersion: 2 },
      { streamId: 'rs-a', afterVersion: 0 },
    ]);
    expect(read.get('rs-a')!.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
  });

  it('answers an empty map for no streams', async () => {
    expect((await f.store.readStreams([])).size).toBe(0);
  });
});
