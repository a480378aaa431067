import { Kysely, PostgresDialect, type Generated } from 'kysely';
import pg from 'pg';

export interface EventsTable {
  global_position: Generated<string>;
  transaction_id: Generated<string>;
  event_id: string;
  stream_id: string;
  stream_version: string;
  organization_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}

export interface StreamsTable {
  stream_id: string;
  organization_id: string;
  version: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CheckpointsTable {
  reader: string;
  transaction_id: string;
  global_position: string;
  updated_at: Generated<Date>;
}

export interface ConsumerPositionsTable {
  consumer: string;
  stream_id: string;
  stream_version: string;
}

export type DeadLetterStatus = 'parked' | 'replay_requested' | 'replayed' | 'discarded';

export interface DeadLettersTable {
  id: Generated<string>;
  reader: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  global_position: string;
  organization_id: string;
  event_type: string;
  reason: string;
  error: string;
  attempts: number;
  status: Generated<DeadLetterStatus>;
  parked_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EventStoreTables {
  'event_store.events': EventsTable;
  'event_store.streams': StreamsTable;
  'event_store.checkpoints': CheckpointsTable;
  'event_store.consumer_positions': ConsumerPositionsTable;
  'event_store.dead_letters': DeadLettersTable;
}

/**
 * A Kysely instance over a `pg` pool. Sessions refuse to sit idle inside a transaction for
 * long: an open transaction holds back `pg_snapshot_xmin`, and with it every reader of the
 * global log (docs/architecture.md, conventions).
 */
const pools = new WeakMap<object, pg.Pool>();

/**
 * The `pg` pool under a Kysely instance made by `createDatabase`, for the few hot statements
 * that run as named prepared statements (Kysely sends every query unnamed, so Postgres parses
 * and plans it each time). Undefined for a transaction or a Kysely made elsewhere.
 */
export function pgPoolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}

export function createDatabase<DB = EventStoreTables>(
  connectionString: string,
  options: { max?: number; applicationName?: string } = {},
): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'livedesk',
    options: '-c idle_in_transaction_session_timeout=30000',
  });
  // An idle pooled connection that the server ends (restart, failover, pg_terminate_backend)
  // makes the pool emit 'error'; unhandled, that event would crash the process. The pool has
  // already dropped the connection and opens a new one on the next query.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
