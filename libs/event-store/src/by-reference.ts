import type { EventEnvelope } from '@livedesk/contracts';
import type { ParkReason } from './dead-letters.js';
import { toEnvelope } from './envelope.js';
import type { RecordedEvent } from './types.js';

/**
 * The metadata key of an envelope that stands in for an event the outbox relay could not
 * publish (docs/dead-letters.md). Such a placeholder keeps the event's id, stream, version and
 * positions, so every reader's position in the stream moves past it; its `data` is null. A
 * subscription reads the whole event from the event store instead (every subscription has the
 * database), so nothing is lost to it; followers without the database (the gateway's pushes)
 * skip it, and their clients read the chat or ticket over the API.
 */
export const BY_REFERENCE_KEY = 'livedesk_by_reference';

export interface ByReference {
  reason: Extract<ParkReason, 'too_large' | 'refused'>;
  /** The size of the whole envelope, in bytes. */
  envelopeBytes: number;
}

/** The placeholder: the event's identity and positions, no data, and of its metadata only the causation and correlation ids. */
export function byReferenceEnvelope(event: RecordedEvent, byReference: ByReference): EventEnvelope {
  const { causationId, correlationId } = event.metadata;
  const metadata = {
    ...(typeof causationId === 'string' && causationId.length <= 200 ? { causationId } : {}),
    ...(typeof correlationId === 'string' && correlationId.length <= 200 ? { correlationId } : {}),
    [BY_REFERENCE_KEY]: byReference,
  };
  return { ...toEnvelope(event), data: null, metadata };
}

/** True when this event (or envelope's metadata) is a placeholder for an event left in the store. */
export function isByReference(event: { metadata: Record<string, unknown> }): boolean {
  return event.metadata[BY_REFERENCE_KEY] !== undefined;
}
