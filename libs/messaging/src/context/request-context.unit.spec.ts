import { describe, expect, it } from '@jest/globals';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  acceptableRequestId,
  currentRequestId,
  incomingContext,
  outgoingHeaders,
  requestLogFields,
  runRequest,
  withRequestId,
} from './request-context.js';

describe('the request context', () => {
  it('keeps an id that looks like one, refuses the others', () => {
    expect(acceptableRequestId('frame-7')).toBe('frame-7');
    expect(acceptableRequestId('a1b2c3d4-0000-4000-8000-000000000000')).toBe('a1b2c3d4-0000-4000-8000-000000000000');
    for (const bad of ['', 'two words', 'quote"', 'x'.repeat(129), 42, undefined, ['frame-7']])
      expect(acceptableRequestId(bad)).toBeUndefined();
  });

  it('sends no header outside a request, and the request id inside one', async () => {
    expect(outgoingHeaders()).toBeUndefined();
    expect(requestLogFields()).toEqual({});
    const headers = withRequestId('http-1', () => outgoingHeaders());
    expect(headers?.get('x-request-id')).toBe('http-1');
    // A request keeps its id across awaits, and gets a new one when none is given.
    const seen = await runRequest({ spanName: 'test' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { id: currentRequestId(), fields: requestLogFields() };
    });
    expect(seen.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.fields).toEqual({ requestId: seen.id });
    expect(currentRequestId()).toBeUndefined();
  });

  it("reads a message's request id only when it is acceptable", () => {
    const good = natsHeaders();
    good.set('x-request-id', 'frame-9');
    expect(incomingContext(good).requestId).toBe('frame-9');
    const bad = natsHeaders();
    bad.set('x-request-id', 'not an id');
    expect(incomingContext(bad).requestId).toBeUndefined();
    expect(incomingContext(undefined).requestId).toBeUndefined();
  });
});
