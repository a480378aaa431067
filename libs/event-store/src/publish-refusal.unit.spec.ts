import { describe, expect, it } from '@jest/globals';
import { JetStreamApiError } from '@nats-io/jetstream';
import { exceedsMaxPayload, isPermanentRefusal, PUBLISH_HEADER_ALLOWANCE_BYTES } from './publish-refusal.js';

function apiError(errCode: number, code = 400): JetStreamApiError {
  return new JetStreamApiError({ code, err_code: errCode, description: 'refused' });
}

describe('exceedsMaxPayload', () => {
  it('counts the headers the publish adds to the envelope', () => {
    const max = 1024 * 1024;
    expect(exceedsMaxPayload(max - PUBLISH_HEADER_ALLOWANCE_BYTES, max)).toBe(false);
    expect(exceedsMaxPayload(max - PUBLISH_HEADER_ALLOWANCE_BYTES + 1, max)).toBe(true);
    expect(exceedsMaxPayload(2 * max, max)).toBe(true);
  });
});

describe('isPermanentRefusal', () => {
  it('is true for a message larger than the server or the stream takes', () => {
    const clientRefusal = new Error("'payload' max_payload size exceeded");
    clientRefusal.name = 'InvalidArgumentError';
    expect(isPermanentRefusal(clientRefusal)).toBe(true);
    expect(isPermanentRefusal(apiError(10054))).toBe(true);
  });

  it('is false for an outage, a timeout, or a stream that does not match: those are retried', () => {
    const noResponders = new Error('no responders');
    noResponders.name = 'NoRespondersError';
    const timeout = new Error('timeout');
    timeout.name = 'TimeoutError';
    expect(isPermanentRefusal(noResponders)).toBe(false);
    expect(isPermanentRefusal(timeout)).toBe(false);
    expect(isPermanentRefusal(apiError(10060))).toBe(false);
    expect(isPermanentRefusal('closed')).toBe(false);
  });
});
