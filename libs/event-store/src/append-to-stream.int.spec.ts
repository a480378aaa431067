import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { append } from './append.js';
import { DomainError } from '@livedesk/contracts';
import {
  EVENT_DATA_MAX_BYTES,
  EventIdReuseError,
  EventTooLargeError,
  StreamOwnershipError,
  StreamVersionConflictError,
} from './errors.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

const org = { organizationId: 'org-1' };
let f: EventStoreFixture;
beforeAll(async () => {
  f = await createEventStoreFixture();
});
afterAll(() => f.close());

describe('appendToStream', () => {
  it('creates a stream with no_stream and numbers its events from 1', async () => {
    const result = await f.store.appendToStream(
      'conversation-a',
      [newEvent(), newEvent(), newEvent()],
      'no_stream',
      org,
    );
    expect(result).toMatchObject({ nextExpectedVersion: 3, duplicate: false });
    expect(result.lastPosition - result.firstPosition).toBe(2);
    const events = await f.store.readStream('conversation-a');
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(events.every((e) => e.organizationId === 'org-1')).toBe(true);
  });

  it('refuses no_stream when the stream exists, with the actual version', async () => {
    const error = await f.store
      .appendToStream('conversation-a', [newEvent()], 'no_stream', org)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamVersionConflictError);
    expect((error as StreamVersionConflictError).actual).toBe(3);
  });

  it('checks an exact expected version', async () => {
    await expect(f.store.appendToStream('conversation-a', [newEvent()], 2, org)).rejects.toThrow(
      StreamVersionConflictError,
    );
    await expect(f.store.appendToStream('conversation-a', [newEvent()], 3, org)).resolves.toMatchObject({
      nextExpectedVersion: 4,
    });
  });

  it('refuses an expected version on a stream that does not exist, and creates nothing', async () => {
    const error = await f.store.appendToStream('conversation-missing', [newEvent()], 1, org).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamVersionConflictError);
    expect((error as StreamVersionConflictError).actual).toBe(0);
    expect(await f.store.streamVersion('conversation-missing')).toBeUndefined();
  });

  it('appends with any whatever the version', async () => {
    await f.store.appendToStream('conversation-any', [newEvent()], 'any', org);
    await expect(f.store.appendToStream('conversation-any', [newEvent()], 'any', org)).resolves.toMatchObject({
      nextExpectedVersion: 2,
    });
  });

  it('stores an append repeated with the same event ids once, even with a now stale expected version', async () => {
    const events = [newEvent(), newEvent()];
    const first = await f.store.appendToStream('conversation-idem', events, 'no_stream', org);
    const again = await f.store.appendToStream('conversation-idem', events, 'no_stream', org);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await f.store.readStream('conversation-idem')).toHaveLength(2);
  });

  it('stores racing appends of the same event ids once', async () => {
    const events = [newEvent()];
    const results = await Promise.all(
      Array.from({ length: 8 }, () => f.store.appendToStream('conversation-race-idem', events, 'any', org)),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await f.store.readStream('conversation-race-idem')).toHaveLength(1);
  });

  it('refuses an append that reuses only some stored event ids, or ids of another stream', async () => {
    const stored = newEvent();
    await f.store.appendToStream('conversation-reuse', [stored], 'no_stream', org);
    await expect(f.store.appendToStream('conversation-reuse', [stored, newEvent()], 'any', org)).rejects.toThrow(
      EventIdReuseError,
    );
    await expect(f.store.appendToStream('conversation-other', [stored], 'any', org)).rejects.toThrow(EventIdReuseError);
    expect(await f.store.readStream('conversation-reuse')).toHaveLength(1);
  });

  it("refuses to append to another organization's stream", async () => {
    await f.store.appendToStream('conversation-owned', [newEvent()], 'no_stream', org);
    await expect(
      f.store.appendToStream('conversation-owned', [newEvent()], 'any', { organizationId: 'org-2' }),
    ).rejects.toThrow(StreamOwnershipError);
  });

  it('lets exactly one of many writers with the same expected version win', async () => {
    await f.store.appendToStream('conversation-contended', [newEvent()], 'no_stream', org);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => f.store.appendToStream('conversation-contended', [newEvent()], 1, org)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected.every((o) => o.reason instanceof StreamVersionConflictError)).toBe(true);
    expect(await f.store.streamVersion('conversation-contended')).toBe(2);
  });

  it('appends inside a caller transaction and stores nothing when it rolls back', async () => {
    await f.db
      .transaction()
      .execute(async (trx) => {
        await append(trx, 'conversation-rolled-back', 'org-1', [newEvent()], 'no_stream');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await f.store.streamVersion('conversation-rolled-back')).toBeUndefined();
    const { rows } = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM event_store.events WHERE stream_id = 'conversation-rolled-back'`.execute(f.db);
    expect(rows[0]!.n).toBe('0');
  });

  it('keeps type, schema version, data, metadata and occurred-at as given', async () => {
    const occurredAt = new Date('2026-01-02T03:04:05.678Z');
    await f.store.appendToStream(
      'conversation-shape',
      [
        {
          eventId: newEvent().eventId,
          type: 'MessagePosted',
          schemaVersion: 2,
          data: { text: 'héllo' },
          metadata: { correlationId: 'c1' },
          occurredAt,
        },
      ],
      'no_stream',
      org,
    );
    const [event] = await f.store.readStream('conversation-shape');
    expect(event).toMatchObject({
      type: 'MessagePosted',
      schemaVersion: 2,
      data: { text: 'héllo' },
      metadata: { correlationId: 'c1' },
      occurredAt,
    });
    expect(await f.store.readStream('conversation-a', { afterVersion: 2 })).toHaveLength(2);
  });

  it('commits a write given with the append in the same statement, and only when the append stores something', async () => {
    await sql`CREATE TABLE IF NOT EXISTS public.append_also (stream_id text PRIMARY KEY, version integer NOT NULL)`.execute(
      f.db,
    );
    const also = (version: number) => ({
      sql: `INSERT INTO public.append_also (stream_id, version) SELECT $5, $6::integer FROM appended WHERE appended.status = 'appended'
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`,
      values: ['also-1', version],
    });
    const rowOf = async () =>
      (await sql<{ version: number }>`SELECT version FROM public.append_also WHERE stream_id = 'also-1'`.execute(f.db))
        .rows[0];
    const first = [newEvent()];
    await append(f.db, 'also-1', 'org', first, 'no_stream', also(1));
    expect(await rowOf()).toEqual({ version: 1 });
    // A repeat stores nothing, and the write does not happen either.
    await append(f.db, 'also-1', 'org', first, 'no_stream', also(99));
    expect(await rowOf()).toEqual({ version: 1 });
    // A refused append (version conflict) rolls the write back with it.
    await expect(append(f.db, 'also-1', 'org', [newEvent()], 'no_stream', also(2))).rejects.toBeInstanceOf(
      StreamVersionConflictError,
    );
    expect(await rowOf()).toEqual({ version: 1 });
    await append(f.db, 'also-1', 'org', [newEvent()], 1, also(2));
    expect(await rowOf()).toEqual({ version: 2 });
  });
  it('refuses an append with one event whose data exceeds EVENT_DATA_MAX_BYTES as a validation refusal, and stores none of it', async () => {
    // Multi-byte characters: the bound is in UTF-8 bytes, not string length.
    const text = 'é'.repeat(EVENT_DATA_MAX_BYTES / 2);
    const error = await f.store
      .appendToStream(
        'conversation-big',
        [newEvent('TagAdded', { tag: 'small' }), newEvent('MessagePosted', { text })],
        'any',
        org,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'validation', reason: 'event_too_large', eventType: 'MessagePosted' });
    expect((error as EventTooLargeError).bytes).toBeGreaterThan(EVENT_DATA_MAX_BYTES);
    expect(await f.store.streamVersion('conversation-big')).toBeUndefined();
  });

  it('takes an event whose data is just within EVENT_DATA_MAX_BYTES', async () => {
    const text = 'x'.repeat(EVENT_DATA_MAX_BYTES - JSON.stringify({ text: '' }).length);
    await f.store.appendToStream('conversation-at-limit', [newEvent('MessagePosted', { text })], 'no_stream', org);
    const [stored] = await f.store.readStream('conversation-at-limit');
    expect((stored!.data as { text: string }).text).toHaveLength(text.length);
  });
});
