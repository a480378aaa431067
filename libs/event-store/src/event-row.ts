import { sql } from 'kysely';
import pg from 'pg';
import type { EventMetadata, RecordedEvent } from './types.js';

/** The columns every event read selects, in this order. */
export const EVENT_COLUMNS_SQL =
  'global_position, transaction_id, event_id, stream_id, stream_version, organization_id, type, schema_version, ' +
  'data, metadata, (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_at';
export const EVENT_COLUMNS = sql.raw(EVENT_COLUMNS_SQL);

export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  organization_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  /** Milliseconds since the epoch (selected as float8: far cheaper to read than a timestamptz). */
  occurred_at: number;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    organizationId: row.organization_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: new Date(row.occurred_at),
  };
}

/**
 * The same columns named as `RecordedEvent`'s fields, for a read whose rows are the events
 * themselves (`readAll`): read with `RECORDED_EVENT_TYPES`, a row needs no copy.
 */
export const RECORDED_EVENT_COLUMNS_SQL =
  'global_position AS "globalPosition", transaction_id AS "transactionId", event_id AS "eventId", ' +
  'stream_id AS "streamId", stream_version AS "streamVersion", organization_id AS "organizationId", type, ' +
  'schema_version AS "schemaVersion", data, metadata, ' +
  '(extract(epoch FROM occurred_at) * 1000)::float8 AS "occurredAt"';

const INT8 = 20;
const FLOAT8 = 701;
const toDate = (millis: string) => new Date(Number(millis));

/**
 * `pg`'s type parsers for a query of `RECORDED_EVENT_COLUMNS_SQL`: the two int8 columns
 * (positions and versions) as numbers and the one float8 column (the time in milliseconds) as a
 * `Date`; every other type as `pg` parses it.
 *
 * Why not a copy per row, as `toRecordedEvent` makes: in a replay, the second object per event
 * kept a page of 10,000 events alive through two young-generation collections, so V8 promoted
 * it to the old generation; the copying took a third of the reader's CPU (bench/RESULTS.md,
 * event-store, "2026-12-06, second session").
 */
export const RECORDED_EVENT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 && format !== 'binary') return Number;
    if (oid === FLOAT8 && format !== 'binary') return toDate;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A row of `RECORDED_EVENT_COLUMNS_SQL` read without `RECORDED_EVENT_TYPES` (through Kysely,
 * whose queries take no type parsers): the numbers and the time converted in place.
 */
export function recordedEventOfRow(row: Record<string, unknown>): RecordedEvent {
  row.globalPosition = Number(row.globalPosition);
  row.streamVersion = Number(row.streamVersion);
  row.occurredAt = new Date(row.occurredAt as number);
  return row as unknown as RecordedEvent;
}
