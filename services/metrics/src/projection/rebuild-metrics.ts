import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import {
  countEvents,
  pgPoolOf,
  readAll,
  resetConsumerPositions,
  skippedEventIds,
  START,
  storeConsumerPositions,
  type GlobalCheckpoint,
  type ReadAllResult,
  type RecordedEvent,
} from '@livedesk/event-store';
import { together } from '@livedesk/service-kit';
import { copyRowsWith, type InsertRows } from './copy-rows.js';
import { buildDeferredIndexes, deferSecondaryIndexes } from './deferred-indexes.js';
import { DERIVED_SOURCE_TABLES, flushDerivedBacklogInParts } from './derived-tables.js';
import { METRICS_CONSUMER, type MetricsProjector, type PreparedFlush } from './metrics-projector.js';
import { PROJECTED_TABLES, type MetricsDatabase } from './metrics-tables.js';

export interface RebuildProgress {
  /** events read from the event store so far */
  events: number;
  /** events in the event store when the rebuild started (more may come while it runs) */
  total: number;
}

/** Where a rebuild's time went, in milliseconds (the benchmark reports them). */
export interface RebuildTimings {
  /** waiting for a read of the event store (beyond the one prefetched) */
  readWait: number;
  /** folding events in (this process's CPU) */
  fold: number;
  /** computing the rows of the writes (this process's CPU) */
  prepare: number;
  /** waiting for a write to commit before the next could start */
  writeWait: number;
  /** the last write, the secondary indexes' build and the derived tables' recomputation */
  lastWrite: number;
}

export interface RebuildOptions {
  /** Events read at a time (default 5000). */
  batchSize?: number;
  /** Events folded between two writes of the tables (default 100,000). */
  flushEvery?: number;
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  /** Runs first in every write transaction (the leader's fence). */
  beforeWrite?: (trx: Transaction<MetricsDatabase>) => Promise<void>;
  /**
   * Inserts the rows new to the tables with COPY (default true; needs a `db` made by
   * `createDatabase`, else the rows go as live consumption writes them). False: every row
   * through `INSERT … json_populate_recordset`, as before (the benchmark's comparison).
   */
  copy?: boolean;
  /**
   * Connections the writes go on (default 2; one without COPY, and never more than the pool's
   * size less two, which the reads and the caller's statements need): each flush's rows are
   * split by organization (flush-split.ts) and the parts written in parallel transactions, each
   * with the positions of its organizations' streams; at the end, the derived rows are
   * recomputed on them in parts (derived-split.ts).
   */
  writers?: number;
}

/**
 * What the projector never reads, left in the event store by a replay: metadata; the texts of
 * messages, notes and tickets, and messages' ids (an author and a time are what the figures
 * need); the page a chat started on; and all of `MessagesSeen` and `InternalNotePosted`, which
 * only move their conversation's version. In the bench's log of a million events (a quarter
 * `MessagesSeen`, about half `MessagePosted`) the JSON a replay reads fell from 98 MB to 45 MB.
 * Exported for its test: every field named is one of its event's (a misspelt one would drop
 * nothing).
 */
export const REPLAY_SLIM = {
  metadata: false,
  dropData: {
    MessagePosted: ['text', 'client_id', 'attachments', 'message_id'],
    MessagesSeen: ['by', 'seen_up_to'],
    InternalNotePosted: ['text', 'client_id', 'attachments', 'message_id', 'author'],
    ConversationStarted: ['page'],
    ConversationTransferred: ['note'],
    OfflineMessageLeft: ['text', 'email', 'name'],
    TicketCreated: ['transcript', 'subject', 'requester', 'tags'],
    TicketReplied: ['text', 'attachments', 'email', 'client_id'],
    InternalNoteAdded: ['text', 'attachments', 'client_id'],
  },
} as const;

/**
 * Drops every row the projection wrote and replays the whole event store through the same
 * `MetricsProjector` code that live consumption runs (`fold`, then `prepareFlushes`), in
 * commit-safe order. The tables are written every `flushEvery` events, split by organization
 * over `writers` connections of their own (flush-split.ts), each part in a transaction that also
 * stores the consumer's positions in its organizations' streams (so live consumption resumes
 * right after the last event replayed, and a failed write leaves each organization as one flush
 * or the one before had it); while one flush is written, the next events are read and folded.
 * The rows new to the tables go by COPY (copy-rows.ts), with the secondary indexes dropped and
 * built at the end (deferred-indexes.ts); the derived tables' rows are recomputed once each at
 * the end, on the same connections (derived-split.ts). Events the live projection
 * parked (and no operator had replayed) are left out, as live consumption left them
 * (docs/dead-letters.md). Live consumption must be stopped meanwhile (the projection runner
 * does that).
 */
export async function rebuildMetrics(
  db: Kysely<MetricsDatabase>,
  projector: Pick<MetricsProjector, 'fold' | 'prepareFlushes' | 'flushed' | 'reset'>,
  options: RebuildOptions = {},
): Promise<RebuildProgress & { timings: RebuildTimings }> {
  const timings: RebuildTimings = { readWait: 0, fold: 0, prepare: 0, writeWait: 0, lastWrite: 0 };
  const clock = () => performance.now();
  const batchSize = options.batchSize ?? 5000;
  const flushEvery = options.flushEvery ?? 100_000;
  projector.reset();
  const total = await countEvents(db);
  await db.transaction().execute(async (trx) => {
    await sql.raw(`TRUNCATE ${PROJECTED_TABLES.join(', ')}`).execute(trx);
    await resetConsumerPositions(trx, METRICS_CONSUMER);
    await deferSecondaryIndexes(trx);
  });
  projector.reset({ tablesEmpty: true });
  const skipped = await skippedEventIds(db as Kysely<any>, METRICS_CONSUMER);
  // The events' ids serve only to leave the skipped ones out: without any, they are not read.
  const slim = skipped.size === 0 ? { ...REPLAY_SLIM, eventId: false as const } : REPLAY_SLIM;
  const read = (after: GlobalCheckpoint): Promise<ReadAllResult> =>
    readAll(db as Kysely<any>, { after, limit: batchSize, slim });
  let events = 0;
  let sinceFlush = 0;
  /** stream → its last event read: its version, and its organization (which part of a flush it goes with) */
  let positions = new Map<string, RecordedEvent>();
  let writing: Promise<void> | undefined;
  let next = read(START);
  const writers = await writeConnections(db, options.copy ?? true, options.writers ?? 2);

  /** Whether the derived rows' source tables were analyzed yet (after the first write). */
  let analyzed = false;
  const write = async (): Promise<void> => {
    let started = clock();
    if (writing) await writing;
    timings.writeWait += clock() - started;
    writing = undefined;
    projector.flushed();
    started = clock();
    const parts = projector.prepareFlushes(writers.length);
    timings.prepare += clock() - started;
    const streams = positionsOfParts(positions, parts);
    positions = new Map();
    sinceFlush = 0;
    const done = events;
    // Every part settles before a failure is reported: no connection is let go mid-transaction.
    writing = together(
      parts.map((part, i) =>
        writers[i]!.db.transaction().execute(async (trx) => {
          await options.beforeWrite?.(trx);
          await part.write(trx, writers[i]!.copy);
          await storeConsumerPositions(trx, METRICS_CONSUMER, streams[i]!);
        }),
      ),
    )
      .then(() => options.onProgress?.({ events: done, total: Math.max(total, done) }))
      .then(() => {
        if (analyzed) return;
        analyzed = true;
        return analyzeDerivedSources(writers[0]!.db);
      });
  };

  try {
    for (;;) {
      let started = clock();
      const batch = await next;
      timings.readWait += clock() - started;
      if (batch.events.length === 0) {
        if (!batch.heldBack) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
        next = read(batch.checkpoint);
        continue;
      }
      next = read(batch.checkpoint);
      started = clock();
      await projector.fold(
        skipped.size === 0 ? batch.events : batch.events.filter((event) => !skipped.has(event.eventId)),
        db,
      );
      timings.fold += clock() - started;
      for (const event of batch.events) {
        positions.set(event.streamId, event);
      }
      events += batch.events.length;
      sinceFlush += batch.events.length;
      if (sinceFlush >= flushEvery) await write();
    }
    await write();
    const started = clock();
    await writing;
    projector.flushed();
    // The secondary indexes, dropped with the TRUNCATE, built once (the derived rows need them).
    await buildDeferredIndexes(
      writers.map((writer) => writer.db),
      options.beforeWrite,
    );
    // The derived tables' rows, dirty from every write, recomputed once each from the base rows,
    // split over the write connections (each part's rows are disjoint from the others').
    await flushDerivedBacklogInParts(
      writers.map((writer) => writer.db),
      options.beforeWrite,
    );
    timings.lastWrite = clock() - started;
  } catch (error) {
    projector.reset();
    await Promise.allSettled([next, writing]);
    await Promise.all(writers.map((writer) => writer.release(true)));
    // Left to live consumption's start when this fails too (deferred-indexes.ts).
    await buildDeferredIndexes([db], options.beforeWrite).catch(() => undefined);
    throw error;
  }
  await Promise.all(writers.map((writer) => writer.release(false)));
  return { events, total: Math.max(total, events), timings };
}

/**
 * The rebuild empties the tables and fills them again, so Postgres's statistics on them are of
 * the tables before (or none, on a first rebuild). The derived rows are computed at the end by
 * index probes per agent-day and group-hour, and without statistics Postgres chose an index
 * without the agent in it (the organization's day, filtered) for several of them, about 1 s more
 * per million events. Analyzed once, after the first write: the tables are small then, and the
 * selectivities the plans turn on (per organization and agent) are about those of the whole log.
 */
async function analyzeDerivedSources(db: Kysely<MetricsDatabase>): Promise<void> {
  await sql.raw(`ANALYZE ${DERIVED_SOURCE_TABLES.join(', ')}`).execute(db);
}

/**
 * The streams' positions of a flush, by part: a stream goes with the part that holds its
 * organization's rows, or with the first when no part does (its events changed no row).
 */
function positionsOfParts(
  positions: ReadonlyMap<string, RecordedEvent>,
  parts: readonly PreparedFlush[],
): Map<string, number>[] {
  const streams = parts.map(() => new Map<string, number>());
  for (const [streamId, { streamVersion: version, organizationId }] of positions) {
    const part = parts.findIndex((p) => p.organizations?.has(organizationId));
    streams[Math.max(0, part)]!.set(streamId, version);
  }
  return streams;
}

interface WriteConnection {
  db: Kysely<MetricsDatabase>;
  copy?: InsertRows;
  release(failed: boolean): Promise<void>;
}

/**
 * The rebuild's write connections, `count` of them (one without COPY or without a `pg` pool):
 * connections of the pool held for the whole rebuild, each under a Kysely of its own, so that a
 * COPY (which Kysely cannot send) runs in the same transaction as the statements. Without a
 * `pg` pool (or with `copy` off): `db` itself, once.
 */
async function writeConnections(db: Kysely<MetricsDatabase>, copy: boolean, count: number): Promise<WriteConnection[]> {
  const pool = copy ? pgPoolOf(db) : undefined;
  if (!pool) return [{ db, release: async () => undefined }];
  const connections: WriteConnection[] = [];
  const room = (pool.options.max ?? 10) - 2;
  try {
    for (let i = 0; i < Math.max(1, Math.min(count, room)); i++) connections.push(await writeConnection(pool));
  } catch (error) {
    await Promise.all(connections.map((connection) => connection.release(true)));
    throw error;
  }
  return connections;
}

async function writeConnection(pool: pg.Pool): Promise<WriteConnection> {
  const client = await pool.connect();
  // Kysely releases its connection after every transaction; this one stays the rebuild's.
  const held = {
    query: client.query.bind(client),
    release: () => undefined,
    processID: (client as { processID?: number }).processID,
  };
  const single = new Kysely<MetricsDatabase>({
    dialect: new PostgresDialect({
      pool: { connect: async () => held as unknown as pg.PoolClient, end: async () => undefined, options: {} },
    }),
  });
  return {
    db: single,
    copy: copyRowsWith(client),
    async release(failed) {
      await single.destroy();
      // After a failure mid-COPY the connection's state is not worth trusting: close it.
      client.release(failed);
    },
  };
}
