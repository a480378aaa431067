import { sql } from 'kysely';
import pg from 'pg';
import type { RecordedEvent } from './types.js';

/**
 * The columns every event read selects, named as `RecordedEvent`'s fields: of the events table
 * as it is or under an alias (`e` in a join), and with the id, `data` and `metadata` as they are
 * stored or as other expressions (a slim read's). Read through a pool with `RECORDED_EVENT_TYPES`,
 * a row is the event; read through Kysely, `recordedEventOfRow` converts it in place.
 */
export function recordedEventColumnsSql(
  options: { alias?: string; data?: string; metadata?: string; eventId?: string } = {},
): string {
  const of = options.alias ? `${options.alias}.` : '';
  return (
    `${of}global_position AS "globalPosition", ${of}transaction_id AS "transactionId", ` +
    `${options.eventId ?? `${of}event_id`} AS "eventId", ` +
    `${of}stream_id AS "streamId", ${of}stream_version AS "streamVersion", ${of}organization_id AS "organizationId", ` +
    `${of}type AS type, ${of}schema_version AS "schemaVersion", ` +
    `${options.data ?? `${of}data`} AS data, ${options.metadata ?? `${of}metadata`} AS metadata, ` +
    // The time in milliseconds as float8: far cheaper to read than a timestamptz.
    `(extract(epoch FROM ${of}occurred_at) * 1000)::float8 AS "occurredAt"`
  );
}

export const RECORDED_EVENT_COLUMNS_SQL = recordedEventColumnsSql();
export const RECORDED_EVENT_COLUMNS = sql.raw(RECORDED_EVENT_COLUMNS_SQL);

const INT8 = 20;
const FLOAT8 = 701;
const toDate = (millis: string) => new Date(Number(millis));

/**
 * `pg`'s type parsers for a query of `RECORDED_EVENT_COLUMNS_SQL`: the two int8 columns
 * (positions and versions) as numbers and the one float8 column (the time in milliseconds) as a
 * `Date`; every other type as `pg` parses it.
 *
 * Why the rows are the events, not copied into them: in a replay, a copy per row kept a page of
 * 10,000 events alive through two young-generation collections, so V8 promoted it to the old
 * generation, and the reader spent about half as much CPU again (bench/RESULTS.md, event-store,
 * "2026-12-06, second session").
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
