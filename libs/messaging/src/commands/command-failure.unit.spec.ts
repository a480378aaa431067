import { describe, expect, it } from '@jest/globals';
import { errors as natsErrors } from '@nats-io/transport-node';
import { NatsConnectionLostError } from '../connection/connection-watch.js';
import {
  CommandFailedError,
  CommandTimeoutError,
  DependencyUnavailableError,
  NatsUnavailableError,
  NoRespondersError,
} from './command-errors.js';
import { commandFailureOf } from './command-failure.js';

const SUBJECT = 'p.cmd.conversation.send_event';

describe('commandFailureOf', () => {
  // Issue 11: during a NATS outage `send_event` answered `internal`, because nats.js throws its
  // own connection errors.
  it.each([
    ['nats.js closed connection', new natsErrors.ClosedConnectionError()],
    ['nats.js draining connection', new natsErrors.DrainingConnectionError()],
    ['nats.js connection error', new natsErrors.ConnectionError('connection refused')],
    ['the connection dropped under the request', new NatsConnectionLostError()],
  ])('treats %s as NATS being unavailable, with a retry hint', (_, thrown) => {
    const failure = commandFailureOf(thrown, SUBJECT);
    expect(failure).toBeInstanceOf(NatsUnavailableError);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as DependencyUnavailableError).retryAfterMs).toBeGreaterThan(0);
    expect((failure as DependencyUnavailableError).subject).toBe(SUBJECT);
  });

  it('keeps the typed failures of the reply subscription (a timeout, nobody listening) as they are', () => {
    const timeout = new CommandTimeoutError(SUBJECT, 5000);
    const nobody = new NoRespondersError(SUBJECT);
    expect(commandFailureOf(timeout, SUBJECT)).toBe(timeout);
    expect(commandFailureOf(nobody, SUBJECT)).toBe(nobody);
  });

  it("keeps a handler's refusal with its code and reason, and hides an unexpected one as internal_error", () => {
    expect(commandFailureOf({ code: 'conflict', message: 'chat is closed', reason: 'chat_closed' }, SUBJECT)).toEqual(
      new CommandFailedError(SUBJECT, 'conflict', 'chat is closed', 'chat_closed'),
    );
    expect(commandFailureOf({ status: 'error', message: 'Internal server error' }, SUBJECT)).toMatchObject({
      code: 'internal_error',
    });
    expect(commandFailureOf(42, SUBJECT)).toMatchObject({ code: 'internal_error' });
    expect(commandFailureOf(new Error('parse failure'), SUBJECT)).toMatchObject({ code: 'transport_error' });
    expect(commandFailureOf(new Error('parse failure'), SUBJECT)).not.toBeInstanceOf(DependencyUnavailableError);
  });
});
