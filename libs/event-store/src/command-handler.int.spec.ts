import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Transaction } from 'kysely';
import { CommandHandler, type CommandHandlerOptions, type StreamSnapshots } from './command-handler.js';
import type { EventStoreTables } from './database.js';
import type { Decider, EventCodec, LoadedStream } from './decider.js';
import { EVENT_DATA_MAX_BYTES, EventTooLargeError } from './errors.js';
import { readStream, streamVersion } from './read-stream.js';
import { createEventStoreFixture, type EventStoreFixture } from './test-support.js';

// A guest book: `sign` adds a line; a book holds 50 lines at most. `open` creates it once.
type BookEvent = { type: 'BookOpened'; data: { title: string } } | { type: 'LineSigned'; data: { text: string } };
type BookCommand = { kind: 'open'; title: string } | { kind: 'sign'; text: string };
interface Book {
  open: boolean;
  lines: number;
}
class BookRefusal extends Error {}
const book: Decider<BookCommand, BookEvent, Book> = {
  initialState: { open: false, lines: 0 },
  decide: (command, state) => {
    if (command.kind === 'open') {
      if (state.open) throw new BookRefusal('book_exists');
      return [{ type: 'BookOpened', data: { title: command.title } }];
    }
    if (!state.open) throw new BookRefusal('no_book');
    if (state.lines >= 50) throw new BookRefusal('book_full');
    return command.text === '' ? [] : [{ type: 'LineSigned', data: { text: command.text } }];
  },
  evolve: (state, event) =>
    event.type === 'BookOpened' ? { ...state, open: true } : { ...state, lines: state.lines + 1 },
};
const codec: EventCodec = {
  encode: (type, data) => ({ type, schemaVersion: 1, data }),
  decode: (_type, _version, data) => data,
};

class Snapshots implements StreamSnapshots<Book> {
  readonly entries = new Map<string, LoadedStream<Book>>();
  get = (streamId: string) => this.entries.get(streamId);
  set = (streamId: string, loaded: LoadedStream<Book>) => void this.entries.set(streamId, loaded);
  forget = (streamId: string) => void this.entries.delete(streamId);
}

let f: EventStoreFixture;
let wakes = 0;
const relay = { notifyAppended: () => void wakes++ };
beforeAll(async () => {
  f = await createEventStoreFixture();
  await sql`CREATE TABLE book_titles (stream_id text PRIMARY KEY, title text NOT NULL)`.execute(f.db);
});
afterAll(() => f.close());

type Options = CommandHandlerOptions<EventStoreTables, BookCommand, BookEvent, Book>;
function handler(overrides: Partial<Options> = {}): CommandHandler<EventStoreTables, BookCommand, BookEvent, Book> {
  return new CommandHandler({
    db: f.db,
    relay,
    decider: book,
    codec,
    idNamespace: '0d7e4c55-3c1a-4a8e-b7f2-6e9d1c2b3a40',
    notFound: (streamId) => new Error(`no book ${streamId}`),
    isRepeatRefusal: (error) => error instanceof BookRefusal && error.message === 'book_exists',
    ...overrides,
  });
}
const org = (commandId: string) => ({ organizationId: 'org-1', commandId });

describe('CommandHandler', () => {
  it('loads, decides, appends with the expected version and wakes the relay', async () => {
    const books = handler();
    const before = wakes;
    const opened = await books.handle('book-a', { kind: 'open', title: 'A' }, org('open-a'));
    const signed = await books.handle(
      'book-a',
      { kind: 'sign', text: 'hello' },
      { ...org('sign-a'), metadata: { actor: 'guest' } },
    );
    expect(opened).toMatchObject({ status: 'appended', version: 1, state: { open: true, lines: 0 } });
    expect(signed).toMatchObject({ status: 'appended', version: 2, state: { open: true, lines: 1 } });
    expect(wakes - before).toBe(2);
    const [, line] = await readStream(f.db, 'book-a');
    expect(line).toMatchObject({
      type: 'LineSigned',
      data: { text: 'hello' },
      metadata: { correlationId: 'sign-a', causationId: 'sign-a', actor: 'guest' },
    });
    expect(await books.handle('book-a', { kind: 'sign', text: '' }, org('nothing'))).toMatchObject({
      status: 'unchanged',
      version: 2,
    });
  });

  it('stores a repeated command id once and answers the events it stored the first time', async () => {
    const books = handler();
    await books.handle('book-b', { kind: 'open', title: 'B' }, org('open-b'));
    const first = await books.handle('book-b', { kind: 'sign', text: 'once' }, org('sign-b'));
    const before = wakes;
    const again = await books.handle('book-b', { kind: 'sign', text: 'once' }, org('sign-b'));
    expect(again).toMatchObject({ status: 'repeat', version: first.version, state: { lines: 1 } });
    expect(again.status === 'repeat' && again.events.map((event) => event.data)).toEqual([{ text: 'once' }]);
    // A repeat whose decision is refused now (the book exists) is recognised too.
    expect(await books.handle('book-b', { kind: 'open', title: 'B' }, org('open-b'))).toMatchObject({
      status: 'repeat',
      version: 1,
    });
    // The same refusal for another command stays a refusal.
    await expect(books.handle('book-b', { kind: 'open', title: 'B' }, org('open-b-again'))).rejects.toThrow(
      'book_exists',
    );
    expect(wakes).toBe(before);
    expect(await streamVersion(f.db, 'book-b')).toBe(2);
  });

  it('stores a command repeated by several writers at once once', async () => {
    await handler().handle('book-c', { kind: 'open', title: 'C' }, org('open-c'));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => handler().handle('book-c', { kind: 'sign', text: 'x' }, org('sign-c'))),
    );
    expect(results.filter((result) => result.status === 'appended')).toHaveLength(1);
    expect(new Set(results.map((result) => result.version))).toEqual(new Set([2]));
    expect(await readStream(f.db, 'book-c')).toHaveLength(2);
  });

  it('decides again on a version conflict: two writers with stale snapshots both get their line in', async () => {
    const pauses: number[] = [];
    const retry = {
      budgetMs: 5000,
      pauseMs: (conflicts: number) => {
        pauses.push(conflicts);
        return Math.random() * 3;
      },
    };
    const [one, two] = [new Snapshots(), new Snapshots()];
    const writerOne = handler({ snapshots: one, retry });
    const writerTwo = handler({ snapshots: two, retry });
    await writerOne.handle('book-d', { kind: 'open', title: 'D' }, org('open-d'));
    await writerTwo.handle('book-d', { kind: 'sign', text: 'two first' }, org('d-two-0'));
    // Writer one still holds the book at version 1: its append conflicts, it reloads and wins.
    expect(one.entries.get('book-d')?.version).toBe(1);
    expect(await writerOne.handle('book-d', { kind: 'sign', text: 'one' }, org('d-one-0'))).toMatchObject({
      status: 'appended',
      version: 3,
    });
    expect(pauses).toEqual([1]);

    // Then both race, each with its own cache, twenty lines each.
    const lines = await Promise.all(
      [writerOne, writerTwo].map(async (writer, w) => {
        for (let i = 1; i <= 20; i++)
          await writer.handle('book-d', { kind: 'sign', text: `${w}-${i}` }, org(`d-${w}-${i}`));
      }),
    );
    expect(lines).toHaveLength(2);
    const stored = await readStream(f.db, 'book-d');
    expect(stored).toHaveLength(43);
    expect(stored.map((event) => event.streamVersion)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    for (const w of [0, 1]) {
      const own = stored
        .filter((event) => (event.data as { text?: string }).text?.startsWith(`${w}-`))
        .map((event) => (event.data as { text: string }).text);
      expect(own).toEqual(Array.from({ length: 20 }, (_, i) => `${w}-${i + 1}`));
    }
  });

  it('gives up after the lost races its policy allows', async () => {
    const stale = new Snapshots();
    await handler().handle('book-e', { kind: 'open', title: 'E' }, org('open-e'));
    await handler().handle('book-e', { kind: 'sign', text: 'moved' }, org('e-1'));
    // A snapshot that always answers version 1 loses every race.
    stale.get = () => ({ organizationId: 'org-1', state: { open: true, lines: 0 }, version: 1 });
    const writer = handler({ snapshots: stale, retry: { budgetMs: 5000, maxConflicts: 2, pauseMs: () => 0 } });
    await expect(writer.handle('book-e', { kind: 'sign', text: 'late' }, org('e-2'))).rejects.toMatchObject({
      name: 'StreamVersionConflictError',
    });
    expect(await streamVersion(f.db, 'book-e')).toBe(2);
  });

  it('refuses an event too large to publish and stores nothing', async () => {
    const books = handler();
    await books.handle('book-f', { kind: 'open', title: 'F' }, org('open-f'));
    const before = wakes;
    const error = await books
      .handle('book-f', { kind: 'sign', text: 'x'.repeat(EVENT_DATA_MAX_BYTES) }, org('f-big'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({ code: 'validation', reason: 'event_too_large' });
    expect(await streamVersion(f.db, 'book-f')).toBe(1);
    expect(wakes).toBe(before);
  });

  it("answers another organization's stream like one that does not exist", async () => {
    const books = handler();
    await books.handle('book-g', { kind: 'open', title: 'G' }, org('open-g'));
    await expect(
      books.handle('book-g', { kind: 'sign', text: 'intruder' }, { organizationId: 'org-2', commandId: 'g-2' }),
    ).rejects.toThrow('no book book-g');
    // Even when its state came from a snapshot that does not know the owner.
    const blind = handler({
      snapshots: {
        get: () => ({ organizationId: undefined, state: { open: true, lines: 0 }, version: 1 }),
        set: () => undefined,
        forget: () => undefined,
      },
    });
    await expect(
      blind.handle('book-g', { kind: 'sign', text: 'intruder' }, { organizationId: 'org-2', commandId: 'g-3' }),
    ).rejects.toThrow('no book book-g');
    expect(await streamVersion(f.db, 'book-g')).toBe(1);
  });

  it('commits the writes of `project` and `alsoWrite` with the events, and not for a repeat', async () => {
    const projected: string[] = [];
    const books = handler({
      project: async (trx: Transaction<EventStoreTables>, change) => {
        projected.push(change.streamId);
        const opened = change.decided.find(
          (event): event is Extract<BookEvent, { type: 'BookOpened' }> => event.type === 'BookOpened',
        );
        if (opened) await sql`INSERT INTO book_titles VALUES (${change.streamId}, ${opened.data.title})`.execute(trx);
      },
    });
    await books.handle('book-h', { kind: 'open', title: 'H' }, org('open-h'));
    await books.handle('book-h', { kind: 'open', title: 'H' }, org('open-h'));
    expect(projected).toEqual(['book-h']);
    expect(
      (await sql<{ title: string }>`SELECT title FROM book_titles WHERE stream_id = 'book-h'`.execute(f.db)).rows,
    ).toEqual([{ title: 'H' }]);

    // A write that fails rolls the events back with it.
    const failing = handler({ project: async () => Promise.reject(new Error('read model down')) });
    await expect(failing.handle('book-i', { kind: 'open', title: 'I' }, org('open-i'))).rejects.toThrow(
      'read model down',
    );
    expect(await streamVersion(f.db, 'book-i')).toBeUndefined();

    const statement = handler({
      alsoWrite: (change) => ({
        sql: 'INSERT INTO book_titles SELECT $5, $6 FROM appended WHERE status = $7',
        values: [change.streamId, 'J', 'appended'],
      }),
    });
    await statement.handle('book-j', { kind: 'open', title: 'J' }, org('open-j'));
    expect(
      (await sql<{ title: string }>`SELECT title FROM book_titles WHERE stream_id = 'book-j'`.execute(f.db)).rows,
    ).toEqual([{ title: 'J' }]);
  });

  it('refuses a command its caller gave up on before applying it', async () => {
    const books = handler({ expired: () => new Error('expired') });
    await expect(
      books.handle('book-k', { kind: 'open', title: 'K' }, { ...org('open-k'), expiresAt: Date.now() - 1 }),
    ).rejects.toThrow('expired');
    expect(await streamVersion(f.db, 'book-k')).toBeUndefined();
  });
});

describe('CommandHandler with creates appended unread (createsStream)', () => {
  /** The handler's reads of the events table (a stream's load, a repeat's search), counted. */
  function countingReads(): { db: typeof f.db; reads: () => number } {
    let reads = 0;
    const db = f.db.withPlugin({
      transformQuery: (args) => {
        const node = args.node as { kind: string; sqlFragments?: readonly string[] };
        if (node.kind === 'RawNode' && node.sqlFragments?.join('').includes('FROM event_store.events')) reads++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    return { db, reads: () => reads };
  }
  const creates = (overrides: Partial<Options> = {}) =>
    handler({ createsStream: (command) => command.kind === 'open', snapshots: new Snapshots(), ...overrides });

  it.each([
    ['alone', {}],
    ['group-committed', { groupCommit: {} }],
  ])('appends a create without reading its stream (%s); later commands use the state it left', async (_, options) => {
    const { db, reads } = countingReads();
    const books = creates({ db, ...options });
    const id = `new-book-${Object.keys(options).length}`;
    expect(await books.handle(id, { kind: 'open', title: 'N' }, org(`open-${id}`))).toMatchObject({
      status: 'appended',
      version: 1,
    });
    expect(await books.handle(id, { kind: 'sign', text: 'first' }, org(`sign-${id}`))).toMatchObject({
      status: 'appended',
      version: 2,
    });
    expect(reads()).toBe(0);
    expect(await streamVersion(f.db, id)).toBe(2);
  });

  it('reads the stream only when the guess was wrong: a repeat, a second create, a stream of another organization', async () => {
    await handler().handle('old-book', { kind: 'open', title: 'Old' }, org('open-old-book'));
    await handler().handle('old-book', { kind: 'sign', text: 'one' }, org('sign-old-book'));
    const { db, reads } = countingReads();
    const books = creates({ db });

    // The create repeated (a client's retry): the events it stored then, nothing stored now.
    const repeat = await books.handle('old-book', { kind: 'open', title: 'Old' }, org('open-old-book'));
    expect(repeat).toMatchObject({ status: 'repeat', version: 1, state: { open: true, lines: 1 } });
    // Another create of it: the append meets version 2, the stream is read and the refusal is the real one.
    const before = reads();
    await expect(books.handle('old-book', { kind: 'open', title: 'Again' }, org('open-old-again'))).rejects.toThrow(
      'book_exists',
    );
    expect(reads()).toBeGreaterThan(before);
    // Another organization's stream answers as one that does not exist, and nothing is stored.
    await expect(
      books.handle('old-book', { kind: 'open', title: 'Mine' }, { organizationId: 'org-2', commandId: 'open-org-2' }),
    ).rejects.toThrow('no book old-book');
    expect(await streamVersion(f.db, 'old-book')).toBe(2);

    // Commands that are not creates read as before; a create whose stream is known is not guessed.
    const cold = creates({ db });
    const reading = reads();
    expect(await cold.handle('old-book', { kind: 'sign', text: 'two' }, org('sign-old-book-2'))).toMatchObject({
      version: 3,
    });
    expect(reads()).toBe(reading + 1);
    await expect(cold.handle('old-book', { kind: 'open', title: 'Known' }, org('open-known'))).rejects.toThrow(
      'book_exists',
    );
    expect(await streamVersion(f.db, 'old-book')).toBe(3);
  });

  it('decides a create refused on the empty stream again on the stream as it is', async () => {
    // A decider that refuses an empty title only on a stream not opened yet.
    const picky: typeof book = {
      ...book,
      decide: (command, state) => {
        if (command.kind === 'open' && command.title === '' && !state.open) throw new BookRefusal('no_title');
        return book.decide(command, state);
      },
    };
    await handler().handle('picky-book', { kind: 'open', title: 'P' }, org('open-picky'));
    await expect(
      creates({ decider: picky }).handle('picky-book', { kind: 'open', title: '' }, org('open-picky-empty')),
    ).rejects.toThrow('book_exists');
  });
});

describe('CommandHandler with group commit', () => {
  /** A snapshot for each book, as a service that served them before keeps them: no read before the append. */
  const known = (books: string[], version: number) => {
    const snapshots = new Snapshots();
    for (const id of books)
      snapshots.set(id, { organizationId: 'org-1', state: { open: true, lines: version - 1 }, version });
    return snapshots;
  };

  it('stores the commands of many streams arriving together in one transaction, each with its own answer', async () => {
    const books = Array.from({ length: 12 }, (_, i) => `group-a-${i}`);
    const writer = handler({ groupCommit: {}, snapshots: new Snapshots() });
    const before = wakes;
    const opened = await Promise.all(
      books.map((id) => writer.handle(id, { kind: 'open', title: id }, org(`open-${id}`))),
    );
    expect(opened.map((result) => [result.status, result.version])).toEqual(books.map(() => ['appended', 1]));
    const signed = await Promise.all(
      books.map((id) => writer.handle(id, { kind: 'sign', text: `line of ${id}` }, org(`sign-${id}`))),
    );
    expect(signed.map((result) => [result.streamId, result.status, result.version])).toEqual(
      books.map((id) => [id, 'appended', 2]),
    );
    expect(wakes - before).toBe(24);
    for (const id of books) {
      const stored = await readStream(f.db, id);
      expect(stored.map((event) => [event.streamVersion, event.data])).toEqual([
        [1, { title: id }],
        [2, { text: `line of ${id}` }],
      ]);
    }
    // The first sign went alone (nothing was being written); the eleven behind it went as one.
    const signTransactions = await sql<{ n: string }>`
      SELECT count(DISTINCT transaction_id)::text AS n FROM event_store.events
       WHERE stream_id = ANY(${books}::text[]) AND stream_version = 2`.execute(f.db);
    expect(Number(signTransactions.rows[0]!.n)).toBe(2);

    // Repeats of stored commands, grouped, store nothing and answer what they stored then.
    const again = await Promise.all(
      books.map((id) => writer.handle(id, { kind: 'sign', text: `line of ${id}` }, org(`sign-${id}`))),
    );
    expect(again.map((result) => [result.status, result.version])).toEqual(books.map(() => ['repeat', 2]));
    for (const id of books) expect(await streamVersion(f.db, id)).toBe(2);
  });

  it("gives a conflict, another organization's stream and an event too large their own refusal, and stores the others", async () => {
    const good = Array.from({ length: 8 }, (_, i) => `group-b-${i}`);
    for (const id of [...good, 'group-b-stale', 'group-b-owned', 'group-b-big'])
      await handler().handle(id, { kind: 'open', title: id }, org(`open-${id}`));
    await handler().handle('group-b-stale', { kind: 'sign', text: 'moved on' }, org('group-b-stale-1'));
    // One service's view: every book at version 1 (the stale one is at 2 by now, so it conflicts every time).
    const snapshots = known([...good, 'group-b-stale', 'group-b-big'], 1);
    snapshots.set('group-b-owned', { organizationId: undefined, state: { open: true, lines: 0 }, version: 1 });
    const stale = snapshots.get('group-b-stale')!;
    snapshots.set = (streamId, loaded) =>
      void (streamId === 'group-b-stale' || snapshots.entries.set(streamId, loaded));
    snapshots.get = (streamId) => (streamId === 'group-b-stale' ? stale : snapshots.entries.get(streamId));
    const writer = handler({
      groupCommit: {},
      snapshots,
      retry: { budgetMs: 5000, maxConflicts: 2, pauseMs: () => 0 },
    });
    const outcomes = await Promise.allSettled([
      ...good.map((id) => writer.handle(id, { kind: 'sign', text: `signed ${id}` }, org(`sign-${id}`))),
      writer.handle('group-b-stale', { kind: 'sign', text: 'late' }, org('group-b-stale-2')),
      writer.handle('group-b-owned', { kind: 'sign', text: 'intruder' }, { organizationId: 'org-2', commandId: 'b-o' }),
      writer.handle('group-b-big', { kind: 'sign', text: 'x'.repeat(EVENT_DATA_MAX_BYTES) }, org('group-b-big-1')),
    ]);
    expect(
      outcomes.slice(0, good.length).map((outcome) => outcome.status === 'fulfilled' && outcome.value.version),
    ).toEqual(good.map(() => 2));
    const [conflict, owned, big] = outcomes
      .slice(good.length)
      .map((outcome) => outcome.status === 'rejected' && outcome.reason);
    expect(conflict).toMatchObject({ name: 'StreamVersionConflictError' });
    expect(owned).toEqual(new Error('no book group-b-owned'));
    expect(big).toBeInstanceOf(EventTooLargeError);
    for (const id of good) expect(await streamVersion(f.db, id)).toBe(2);
    expect(await streamVersion(f.db, 'group-b-stale')).toBe(2);
    expect(await streamVersion(f.db, 'group-b-owned')).toBe(1);
    expect(await streamVersion(f.db, 'group-b-big')).toBe(1);
  });

  it('groups appends with a write of their own in a shared form, writes nothing for a repeat, and lets the others go alone', async () => {
    await sql`CREATE TABLE book_lines (stream_id text PRIMARY KEY, lines integer NOT NULL)`.execute(f.db);
    /** The line count of a book after its command, written with its events: one statement for many. */
    const lineCount = (streamId: string, lines: number) => ({
      sql: `INSERT INTO book_lines SELECT $5, $6::integer FROM appended WHERE status = 'appended'
              ON CONFLICT (stream_id) DO UPDATE SET lines = excluded.lines`,
      values: [streamId, lines],
      many: {
        key: 'book_lines',
        row: { stream_id: streamId, lines },
        sql: (rows: string) => `INSERT INTO book_lines
            SELECT r.stream_id, r.lines FROM jsonb_to_recordset(${rows}) AS r(ord bigint, stream_id text, lines integer)
              JOIN appended ON appended.ord = r.ord AND appended.status = 'appended'
            ON CONFLICT (stream_id) DO UPDATE SET lines = excluded.lines`,
      },
    });
    const books = Array.from({ length: 10 }, (_, i) => `group-d-${i}`);
    const writer = handler({
      groupCommit: {},
      snapshots: new Snapshots(),
      // Books with an even number count their lines in the shared form; the odd ones only alone.
      alsoWrite: (change) => {
        const write = lineCount(change.streamId, change.after.lines);
        return Number(change.streamId.split('-').at(-1)) % 2 === 0 ? write : { sql: write.sql, values: write.values };
      },
    });
    await Promise.all(books.map((id) => writer.handle(id, { kind: 'open', title: id }, org(`open-${id}`))));
    const signed = await Promise.all(
      books.map((id) => writer.handle(id, { kind: 'sign', text: `line of ${id}` }, org(`sign-${id}`))),
    );
    expect(signed.map((result) => [result.status, result.version])).toEqual(books.map(() => ['appended', 2]));
    const counts = await sql<{ stream_id: string; lines: number }>`
      SELECT stream_id, lines FROM book_lines WHERE stream_id LIKE 'group-d-%' ORDER BY stream_id`.execute(f.db);
    expect(counts.rows).toEqual(
      books.map((id) => ({ stream_id: id, lines: 1 })).sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1)),
    );
    // The first sign went alone; the four even books behind it went in one statement, the odd ones alone.
    const transactions = await sql<{ stream_id: string; transaction_id: string }>`
      SELECT stream_id, transaction_id::text FROM event_store.events
       WHERE stream_id = ANY(${books}::text[]) AND stream_version = 2`.execute(f.db);
    const byTransaction = new Map<string, string[]>();
    for (const row of transactions.rows)
      byTransaction.set(row.transaction_id, [...(byTransaction.get(row.transaction_id) ?? []), row.stream_id]);
    const shared = [...byTransaction.values()].filter((streams) => streams.length > 1);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.sort()).toEqual(['group-d-2', 'group-d-4', 'group-d-6', 'group-d-8']);

    // Repeats, grouped, store nothing and write nothing: the counts stay as they are.
    await sql`UPDATE book_lines SET lines = 99 WHERE stream_id LIKE 'group-d-%'`.execute(f.db);
    const again = await Promise.all(
      books.map((id) => writer.handle(id, { kind: 'sign', text: `line of ${id}` }, org(`sign-${id}`))),
    );
    expect(again.map((result) => result.status)).toEqual(books.map(() => 'repeat'));
    const after = await sql<{ lines: number }>`SELECT lines FROM book_lines WHERE stream_id LIKE 'group-d-%'`.execute(
      f.db,
    );
    expect(after.rows.map((row) => row.lines)).toEqual(books.map(() => 99));
  });

  it('stores every command of one stream racing beside others, in version order', async () => {
    await handler().handle('group-c', { kind: 'open', title: 'C' }, org('open-group-c'));
    const writer = handler({
      groupCommit: {},
      snapshots: new Snapshots(),
      retry: { budgetMs: 5000, pauseMs: () => 0 },
    });
    const others = Array.from({ length: 5 }, (_, i) => `group-c-${i}`);
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => writer.handle('group-c', { kind: 'sign', text: `${i}` }, org(`c-${i}`))),
      ...others.map((id) => writer.handle(id, { kind: 'open', title: id }, org(`open-${id}`))),
    ]);
    const stored = await readStream(f.db, 'group-c');
    expect(stored.map((event) => event.streamVersion)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(
      stored
        .slice(1)
        .map((event) => (event.data as { text: string }).text)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `${i}`).sort());
  });
});
