import { describe, expect, it } from '@jest/globals';
import { EventEnvelope } from '@livedesk/contracts';
import { byReferenceEnvelope, BY_REFERENCE_KEY, isByReference } from './by-reference.js';
import { fromEnvelope, toEnvelope } from './envelope.js';
import type { RecordedEvent } from './types.js';

const huge: RecordedEvent = {
  eventId: '6f1c1a2e-8f7e-4a53-9d0b-0c8f5d3f6a11',
  streamId: 'ticket-t1',
  streamVersion: 1,
  globalPosition: 42,
  transactionId: '901',
  organizationId: 'org-1',
  type: 'TicketCreated',
  schemaVersion: 1,
  data: { transcript: 'x'.repeat(2_000_000) },
  metadata: { correlationId: 'c-1', causationId: 'e-0', note: 'y'.repeat(100_000) },
  occurredAt: new Date('2026-12-05T08:00:00.000Z'),
};

describe('byReferenceEnvelope', () => {
  it('keeps the event identity and positions, and drops the data and all metadata but the causation ids', () => {
    const placeholder = byReferenceEnvelope(huge, { reason: 'too_large', envelopeBytes: 2_100_000 });
    expect(EventEnvelope.parse(placeholder)).toEqual(placeholder);
    expect(JSON.stringify(placeholder).length).toBeLessThan(1000);
    const { data: _data, metadata: _metadata, ...identity } = toEnvelope(huge);
    expect(placeholder).toMatchObject({ ...identity, data: null });
    expect(placeholder.metadata).toEqual({
      correlationId: 'c-1',
      causationId: 'e-0',
      [BY_REFERENCE_KEY]: { reason: 'too_large', envelopeBytes: 2_100_000 },
    });
  });

  it('is recognised after the trip through NATS, and a whole event is not', () => {
    expect(
      isByReference(
        fromEnvelope(JSON.parse(JSON.stringify(byReferenceEnvelope(huge, { reason: 'refused', envelopeBytes: 1 })))),
      ),
    ).toBe(true);
    expect(isByReference(huge)).toBe(false);
  });
});
