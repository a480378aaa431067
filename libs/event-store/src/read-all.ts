import { CompiledQuery, type Kysely } from 'kysely';
import { pgPoolOf, type EventStoreTables } from './database.js';
import {
  RECORDED_EVENT_COLUMNS_SQL,
  RECORDED_EVENT_TYPES,
  recordedEventColumnsSql,
  recordedEventOfRow,
} from './event-row.js';
import { START, type EventMetadata, type GlobalCheckpoint, type RecordedEvent } from './types.js';

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read starts: the last event's pair, or the `after` given when none was read. */
  checkpoint: GlobalCheckpoint;
  /**
   * True when this read returned nothing although committed events lie after `after`: an older
   * transaction, still in flight when the read's snapshot was taken, holds them back. Read again
   * soon. Always false when events were returned.
   */
  heldBack: boolean;
}

/**
 * Reads the global log after `after`, in commit-safe order.
 *
 * Why not by global position alone: positions come from a sequence before commit, so a
 * transaction holding position 5 can commit after one holding position 6; a reader that passed
 * 6 would never see 5 (the "in-flight transaction" gap that lost events in Emmett before it
 * moved to this technique). Instead each event carries the id of the transaction that wrote
 * it, and a read only returns events of transactions below the read horizon (all of them are
 * finished), ordered by (transaction id, position). Any event that becomes visible later
 * belongs to a transaction id >= that horizon, so it sorts after everything already read.
 *
 * The read horizon: the oldest transaction still in flight in this database, or, when none is,
 * the first transaction id not yet given out (the snapshot's xmax). Every transaction below it
 * has ended, so its events are all visible or never will be.
 *
 * Not `pg_snapshot_xmin` itself: transaction ids are shared by the whole cluster, and the plain
 * xmin would let one long transaction in *another* database (a report, a bulk load, a migration
 * of another application on the same server) hold back every reader of this event store until
 * it ends. An in-flight id is left out only when a session of another database holds it right
 * now (`pg_stat_activity.backend_xid`, 32 bits, compared with the low 32 bits of the xid8):
 * such a transaction can never write to this database's events, and an id is never given out
 * twice, so reading the sessions after the snapshot cannot make the horizon pass a writer of
 * ours. A session whose database cannot be read (no permission) is never left out.
 */
const READ_HORIZON_SQL = `
  SELECT coalesce(min(in_flight.xid), pg_snapshot_xmax(pg_current_snapshot()))
    FROM pg_snapshot_xip(pg_current_snapshot()) AS in_flight(xid)
   WHERE NOT EXISTS (
     SELECT 1 FROM pg_stat_activity AS other
      WHERE other.backend_xid IS NOT NULL
        AND other.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
        AND other.backend_xid::text::bigint = in_flight.xid::text::bigint % 4294967296)`;

const readAllSql = (columns: string) => `
  SELECT ${columns}
    FROM event_store.events
   WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
     AND transaction_id < (${READ_HORIZON_SQL})
   ORDER BY transaction_id, global_position
   LIMIT $3`;

const READ_ALL_SQL = readAllSql(RECORDED_EVENT_COLUMNS_SQL);

/**
 * Whether any event, visible or not, lies after ($1, $2): the first entry of the commit-order
 * index after that pair. Written as the first row in index order, not as a bare `EXISTS`:
 * Postgres drops an `ORDER BY` inside `EXISTS` and then costs the filter by its default
 * selectivity (a third of the table), so on a log not yet analyzed (a new deployment's), and as
 * a generic plan even on an analyzed one, it chose a sequential scan of the whole log, which
 * finds nothing when the reader is caught up. A caught-up outbox relay asks this on every
 * wake-up that finds no event.
 */
export const HELD_BACK_SQL = `
  SELECT EXISTS (
    SELECT 1 FROM (
      SELECT 1 FROM event_store.events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
       ORDER BY transaction_id, global_position
       LIMIT 1
    ) AS first_after
  ) AS pending`;

export interface ReadAllOptions {
  after?: GlobalCheckpoint;
  limit?: number;
  /**
   * A reader that needs less than every event's whole data and metadata (a projection's replay
   * over millions of events) has Postgres leave it out: `metadata: false` reads one shared,
   * frozen `{}` for every event (`EMPTY_METADATA`), `eventId: false` an empty string for its
   * id, and `dropData` lists, per event type, the data fields to leave out (`MessagePosted`:
   * `text`, …). Less to send and less to parse; the events read are incomplete, so only for
   * readers that never look at what they dropped. (The fields go in one `jsonb - text[]`: a `-`
   * per field builds a new jsonb each time, which made a replay's read cost Postgres more than
   * the full events.)
   */
  slim?: { metadata?: false; eventId?: false; dropData?: Readonly<Record<string, readonly string[]>> };
}

/** The metadata of every event of a slim read without metadata. */
export const EMPTY_METADATA: EventMetadata = Object.freeze({});

const slimStatements = new Map<string, { name: string; text: string }>();

function slimStatement(slim: NonNullable<ReadAllOptions['slim']>): { name: string; text: string } {
  const key = JSON.stringify(slim);
  let statement = slimStatements.get(key);
  if (!statement) {
    const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
    const drops = Object.entries(slim.dropData ?? {}).filter(([, fields]) => fields.length > 0);
    const data =
      drops.length === 0
        ? undefined
        : `CASE type ${drops.map(([type, fields]) => `WHEN ${quote(type)} THEN data - ARRAY[${fields.map(quote).join(', ')}]`).join(' ')} ELSE data END`;
    // A NULL is neither sent as text nor parsed; readAll puts EMPTY_METADATA in its place.
    const metadata = slim.metadata === false ? 'NULL::jsonb' : undefined;
    const eventId = slim.eventId === false ? "''::text" : undefined;
    statement = {
      name: `event_store.read_all_slim_${slimStatements.size + 1}`,
      text: readAllSql(recordedEventColumnsSql({ data, metadata, eventId })),
    };
    slimStatements.set(key, statement);
  }
  return statement;
}

export async function readAll(db: Kysely<EventStoreTables>, options: ReadAllOptions = {}): Promise<ReadAllResult> {
  const after = options.after ?? START;
  const limit = options.limit ?? 1000;
  // pg_current_snapshot() is stable: the planner evaluates the horizon once, as an index bound.
  // Outside a transaction it runs as a named prepared statement (followers call it in a loop).
  const values = [after.transactionId, after.globalPosition, limit];
  const pool = pgPoolOf(db);
  const statement = options.slim ? slimStatement(options.slim) : { name: 'event_store.read_all', text: READ_ALL_SQL };
  // Through the pool, the rows are the events (RECORDED_EVENT_TYPES: no copy per event).
  const events = pool
    ? (await pool.query<RecordedEvent>({ ...statement, values, types: RECORDED_EVENT_TYPES })).rows
    : (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement.text, values))).rows.map(
        recordedEventOfRow,
      );
  // Asked in a new snapshot, so it must not depend on the horizon: the transaction that held
  // events back may have ended in between, and then the events are readable now.
  const heldBack =
    events.length === 0 &&
    (
      await db.executeQuery<{ pending: boolean }>(
        CompiledQuery.raw(HELD_BACK_SQL, [after.transactionId, after.globalPosition]),
      )
    ).rows[0]!.pending;
  if (options.slim?.metadata === false) for (const event of events) event.metadata = EMPTY_METADATA;
  const last = events.at(-1);
  return {
    events,
    checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    heldBack,
  };
}
