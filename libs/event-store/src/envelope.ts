import { EventEnvelope } from '@livedesk/contracts';
import type { RecordedEvent } from './types.js';

export function toEnvelope(event: RecordedEvent): EventEnvelope {
  return {
    event_id: event.eventId,
    stream_id: event.streamId,
    stream_version: event.streamVersion,
    global_position: event.globalPosition,
    transaction_id: event.transactionId,
    organization_id: event.organizationId,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurred_at: event.occurredAt.toISOString(),
  };
}

/** Parses a JetStream message body; throws a ZodError for anything that is not an envelope. */
export function fromEnvelope(body: unknown): RecordedEvent {
  const envelope = EventEnvelope.parse(body);
  return {
    eventId: envelope.event_id,
    streamId: envelope.stream_id,
    streamVersion: envelope.stream_version,
    globalPosition: envelope.global_position,
    transactionId: envelope.transaction_id,
    organizationId: envelope.organization_id,
    type: envelope.type,
    schemaVersion: envelope.schema_version,
    data: envelope.data,
    metadata: envelope.metadata,
    occurredAt: new Date(envelope.occurred_at),
  };
}
