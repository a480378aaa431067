import { randomUUID } from 'node:crypto';
import { allEvents } from '@livedesk/contracts';
import pg from 'pg';
import {
  conversation,
  DEFAULT_SHAPE,
  organizations,
  Random,
  setupEvents,
  type LogShape,
  type PlannedEvent,
} from '@livedesk/demo-history';

/** Plans a log of about `events` events: the organizations' setup and enough conversations, in time order. */
export function planLog(events: number, seed = 42, shape: LogShape = DEFAULT_SHAPE): PlannedEvent[] {
  const random = new Random(seed);
  const orgs = organizations(shape, 'r');
  const planned = setupEvents(shape, orgs, random);
  while (planned.length < events) {
    const org = random.pick(orgs);
    const day = Math.floor(random.next() * shape.days);
    // Conversations come during the working day (07:00–16:00 UTC, 08:00–17:00 in Warsaw).
    const startAt = shape.start + day * 86_400_000 + random.between(7, 16) * 3_600_000;
    planned.push(...conversation(org, startAt, random));
  }
  // Stable: the events of one conversation keep their order when two share a millisecond.
  return planned.slice(0, events).sort((a, b) => a.occurredAt - b.occurredAt);
}

/**
 * A planned event as the row an append writes to `event_store.events`, with the next version of
 * its stream (`versions` keeps them).
 */
export function eventRow(
  event: PlannedEvent,
  versions: Map<string, number>,
  occurredAt: Date,
  metadata: Record<string, unknown>,
) {
  const version = (versions.get(event.streamId) ?? 0) + 1;
  versions.set(event.streamId, version);
  const encoded = allEvents.encode(event.type, event.data);
  return {
    event_id: randomUUID(),
    stream_id: event.streamId,
    stream_version: version,
    organization_id: event.organizationId,
    type: encoded.type,
    schema_version: encoded.schemaVersion,
    data: encoded.data,
    metadata,
    occurred_at: occurredAt.toISOString(),
  };
}

/**
 * Writes the planned log straight into the event table, in time order, 10,000 events per
 * transaction (so that the global log interleaves conversations as a live system's does), and
 * the streams' rows after. Far faster than appendToStream for millions of events; the rows are
 * the same an append writes.
 */
export async function loadLog(url: string, planned: readonly PlannedEvent[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const versions = new Map<string, number>();
    const chunk = 10_000;
    for (let offset = 0; offset < planned.length; offset += chunk) {
      const rows = planned
        .slice(offset, offset + chunk)
        .map((event) => eventRow(event, versions, new Date(event.occurredAt), { correlationId: randomUUID() }));
      await client.query(
        `INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
         SELECT event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at
           FROM json_to_recordset($1::json) AS x(event_id uuid, stream_id text, stream_version bigint, organization_id text, type text,
                                                 schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)`,
        [JSON.stringify(rows)],
      );
    }
    await client.query(`
      INSERT INTO event_store.streams (stream_id, organization_id, version)
      SELECT stream_id, min(organization_id), max(stream_version) FROM event_store.events GROUP BY stream_id
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`);
    await client.query('ANALYZE event_store.events');
  } finally {
    await client.end();
  }
}
