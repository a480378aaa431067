import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { pgPoolOf } from './database.js';
import {
  EVENT_DATA_MAX_BYTES,
  EventIdReuseError,
  EventTooLargeError,
  StreamOwnershipError,
  StreamVersionConflictError,
} from './errors.js';
import type { AppendResult, ExpectedVersion, NewEvent } from './types.js';

interface AppendRow {
  status: 'appended' | 'duplicate';
  stream_version: string;
  first_position: string;
  last_position: string;
}

const APPEND_SQL =
  'SELECT status, stream_version, first_position, last_position FROM event_store.append_to_stream($1, $2, $3::bigint, $4::jsonb)';

/**
 * A write that must commit with the append or not at all (a read model's row, say), run in the
 * same statement as a data-modifying CTE: no transaction block, still one round trip. Its SQL
 * sees the append's outcome as the CTE `appended` (columns `status`: 'appended' | 'duplicate',
 * `stream_version`), and numbers its parameters from $5 on.
 */
export interface AppendAlso {
  sql: string;
  values: readonly unknown[];
  /**
   * The same write in a form many appends share (group-commit.ts); without it, an append with
   * this write goes alone. Writes of one `key` in a group commit are one statement: `sql(rows)`,
   * where `rows` is the parameter (`$2`, …) holding a JSON array of every such append's `row`,
   * each with `ord` added: the append's place in the statement, which joins it to the CTE
   * `appended` (columns `ord`, `status`, `stream_version`). Like `sql`, it writes nothing for a
   * repeat (`status` 'duplicate'). One statement holds one append per stream.
   */
  many?: AppendAlsoMany;
}

export interface AppendAlsoMany {
  key: string;
  row: Readonly<Record<string, unknown>>;
  sql(rows: string): string;
}

/**
 * The one way events are stored. Appends events to a stream in one round trip
 * (`event_store.append_to_stream`, see the migration), checking the expected version under the
 * stream row's lock, after refusing any event whose data exceeds EVENT_DATA_MAX_BYTES (nothing
 * is stored then); outside a transaction it runs as a named prepared statement. `db` is any
 * Kysely over the service's database, or a transaction of it, to append atomically with other
 * writes; the relay then finds the events after commit (wake it: `EventStore.notifyAppended`).
 * Services append through `CommandHandler`; a repeated append of the same event ids stores
 * nothing and answers `duplicate`.
 */
export async function append<DB>(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  organizationId: string,
  events: readonly NewEvent[],
  expectedVersion: ExpectedVersion,
  also?: AppendAlso,
): Promise<AppendResult> {
  if (events.length === 0) throw new Error(`append(${streamId}): no events`);
  const expected = expectedVersion === 'any' ? null : expectedVersion === 'no_stream' ? 0 : expectedVersion;
  const payload = encodeEvents(streamId, events);
  const values = [streamId, organizationId, expected, payload, ...(also?.values ?? [])];
  const text = also ? `WITH appended AS (${APPEND_SQL}), also AS (${also.sql}) SELECT * FROM appended` : APPEND_SQL;
  const call = async (): Promise<{ rows: AppendRow[] }> => {
    const pool = pgPoolOf(db);
    if (pool)
      return pool.query<AppendRow>({
        name: also ? `event_store.append_with.${hashOf(text)}` : 'event_store.append_to_stream',
        text,
        values,
      });
    return db.executeQuery<AppendRow>(CompiledQuery.raw(text, values));
  };
  // With OpenTelemetry on, the append is a span of the request that caused it (a socket frame,
  // the NATS command it sent): the last hop of its trace (docs/observability.md).
  const span = trace.getTracer('livedesk').startSpan('event_store.append', {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': 'event_store.append_to_stream',
      'livedesk.stream_id': streamId,
      'livedesk.events': events.length,
    },
  });
  let result: Awaited<ReturnType<typeof call>>;
  try {
    result = await call();
  } catch (error) {
    // Two appends of the same event ids raced: the loser waited on the unique index and failed.
    // Asked again, the function finds the winner's events and answers 'duplicate'.
    try {
      if (isUniqueViolation(error, 'events_event_id_unique'))
        result = await call().catch((e) => rethrow(e, streamId, expectedVersion));
      else rethrow(error, streamId, expectedVersion);
    } catch (failure) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: failure instanceof Error ? failure.message : String(failure),
      });
      span.end();
      throw failure;
    }
  }
  span.end();
  const row = result.rows[0]!;
  return {
    nextExpectedVersion: Number(row.stream_version),
    firstPosition: Number(row.first_position),
    lastPosition: Number(row.last_position),
    duplicate: row.status === 'duplicate',
  };
}

/**
 * The events as `event_store.append_to_stream` takes them (its `p_events`, a JSON array), after
 * refusing any event whose data exceeds EVENT_DATA_MAX_BYTES (EventTooLargeError).
 */
export function encodeEvents(streamId: string, events: readonly NewEvent[]): string {
  const occurredAt = new Date().toISOString();
  // Each event's data is encoded once: measured against the limit, then spliced into the payload.
  const encoded = events.map((e) => {
    const data = JSON.stringify(e.data) ?? 'null';
    // n UTF-16 code units are at most 3n UTF-8 bytes: most events are settled without counting.
    if (data.length * 3 > EVENT_DATA_MAX_BYTES) {
      const bytes = Buffer.byteLength(data, 'utf8');
      if (bytes > EVENT_DATA_MAX_BYTES) throw new EventTooLargeError(streamId, e.type, bytes);
    }
    const rest = JSON.stringify({
      event_id: e.eventId,
      type: e.type,
      schema_version: e.schemaVersion ?? 1,
      metadata: e.metadata ?? {},
      occurred_at: e.occurredAt?.toISOString() ?? occurredAt,
    });
    return `{"data":${data},${rest.slice(1)}`;
  });
  return `[${encoded.join(',')}]`;
}

/** A short stable name for a prepared statement's text (Postgres names are at most 63 bytes). */
export function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

function rethrow(error: unknown, streamId: string, expectedVersion: ExpectedVersion): never {
  const code = (error as { code?: string }).code;
  if (code === 'LD409') {
    const detail = (error as { detail?: string }).detail;
    throw new StreamVersionConflictError(streamId, expectedVersion, detail === undefined ? undefined : Number(detail));
  }
  if (code === 'LD403') throw new StreamOwnershipError(streamId);
  if (code === 'LD422') throw new EventIdReuseError(streamId);
  throw error;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === constraint;
}
