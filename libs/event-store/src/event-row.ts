import { sql } from 'kysely';
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
