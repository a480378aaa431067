import { describe, expect, it } from '@jest/globals';
import { LivedeskError } from './errors.js';

describe('LivedeskError.connectionLost', () => {
  it('is true for the failures of the connection, which a send may retry with its client id', () => {
    expect(new LivedeskError('timeout', 'no answer').connectionLost).toBe(true);
    expect(new LivedeskError('disconnected', 'dropped').connectionLost).toBe(true);
  });

  it("is false for the server's refusals and a client closed on purpose", () => {
    for (const code of [
      'validation',
      'authentication',
      'not_found',
      'rate_limited',
      'unavailable',
      'internal',
      'closed',
      'http',
    ] as const) {
      expect(new LivedeskError(code, code).connectionLost).toBe(false);
    }
  });
});
