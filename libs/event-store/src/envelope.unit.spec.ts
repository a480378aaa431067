import { describe, expect, it } from '@jest/globals';
import { fromEnvelope, toEnvelope } from './envelope.js';
import type { RecordedEvent } from './types.js';

const event: RecordedEvent = {
  eventId: '6f1c1a2e-8f7e-4a53-9d0b-0c8f5d3f6a11',
  streamId: 'conversation-c1',
  streamVersion: 3,
  globalPosition: 42,
  transactionId: '9007199254740993',
  organizationId: 'org-1',
  type: 'MessagePosted',
  schemaVersion: 2,
  data: { text: 'hi' },
  metadata: { correlationId: 'c' },
  occurredAt: new Date('2026-11-24T10:00:00.123Z'),
};

describe('event envelope', () => {
  it('round-trips a recorded event through JSON, keeping a transaction id beyond 2^53 exact', () => {
    expect(fromEnvelope(JSON.parse(JSON.stringify(toEnvelope(event))))).toEqual(event);
  });

  it('refuses a body that is not an envelope', () => {
    expect(() => fromEnvelope({ event_id: 'nope' })).toThrow();
    expect(() => fromEnvelope({ ...toEnvelope(event), stream_version: 0 })).toThrow();
  });
});
