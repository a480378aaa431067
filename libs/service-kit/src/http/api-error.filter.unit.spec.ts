import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@livedesk/contracts';
import { CommandFailedError, CommandTimeoutError, NatsUnavailableError, NoRespondersError } from '@livedesk/messaging';
import { decodeCursor, InvalidCursorError } from '../refusals/keyset-cursor.js';
import { ApiError } from './api-error.js';
import { RateLimitedError } from './rate-limited-error.js';
import { apiErrorOf } from './api-error.filter.js';

describe('apiErrorOf', () => {
  it('answers a refusal of a domain rule with its code, message and reason', () => {
    expect(apiErrorOf(new DomainError('conflict', 'ticket_is_spam', 'The ticket is marked as spam.'))).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: 'The ticket is marked as spam.', reason: 'ticket_is_spam' } },
    });
    expect(apiErrorOf(new ApiError('not_found', 'no such ticket', 'ticket_not_found')).status).toBe(404);
  });

  it('answers a cursor the client altered as a validation error', () => {
    let thrown: unknown;
    try {
      decodeCursor('not-a-cursor');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidCursorError);
    expect(apiErrorOf(thrown).body.error).toMatchObject({ code: 'validation', reason: 'invalid_cursor' });
  });

  it('answers a service that does not answer, or NATS being away, with 503 and Retry-After, and its validation refusal with 400', () => {
    for (const error of [
      new NoRespondersError('cmd.x'),
      new CommandTimeoutError('cmd.x', 3000),
      new NatsUnavailableError('cmd.x', 'reconnecting'),
    ]) {
      expect(apiErrorOf(error)).toMatchObject({
        status: 503,
        body: { error: { code: 'unavailable', reason: 'dependency_unavailable', retry_after_ms: 1000 } },
        headers: { 'retry-after': '1' },
      });
    }
    expect(apiErrorOf(new CommandFailedError('cmd.x', 'validation', 'bad id', 'invalid_command'))).toMatchObject({
      status: 400,
      body: { error: { reason: 'invalid_command' } },
    });
    expect(apiErrorOf(new CommandFailedError('cmd.x', 'internal_error', 'boom'))).toMatchObject({
      status: 500,
      body: { error: { code: 'internal' } },
    });
    expect(apiErrorOf(new Error('secret detail')).body.error.message).toBe('internal error');
  });
});

describe('apiErrorOf, throttled', () => {
  it('answers a throttled request with 429 rate_limited, retry_after_ms and Retry-After in whole seconds', () => {
    expect(apiErrorOf(new RateLimitedError('too many wrong passwords', 1500, 'login_throttled'))).toEqual({
      status: 429,
      body: {
        error: {
          code: 'rate_limited',
          message: 'too many wrong passwords',
          reason: 'login_throttled',
          retry_after_ms: 1500,
        },
      },
      headers: { 'retry-after': '2' },
    });
  });
});
