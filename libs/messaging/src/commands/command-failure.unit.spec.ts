import { describe, expect, it } from '@jest/globals';
import { errors as natsErrors } from '@nats-io/transport-node';
import { TimeoutError } from 'rxjs';
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
  // Issue 11: during a NATS outage `send_event` answered `internal`, because Nest's client
  // rejects with a bare string while it reconnects and nats.js throws its own connection errors.
  it.each([
    ['Nest ClientNats while reconnecting (a string)', 'Error: Connection lost. Trying to reconnect...'],
    ['Nest ClientNats closing', new Error('Connection closed')],
    ['nats.js closed connection', new natsErrors.ClosedConnectionError()],
    ['nats.js draining connection', new natsErrors.DrainingConnectionError()],
    ['nats.js connection error', new natsErrors.ConnectionError('connection refused')],
    ['the connection dropped under the request', new NatsConnectionLostError()],
  ])('treats %s as NATS being unavailable, with a retry hint', (_, thrown) => {
    const failure = commandFailureOf(thrown, SUBJECT, 5000);
    expect(failure).toBeInstanceOf(NatsUnavailableError);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as DependencyUnavailableError).retryAfterMs).toBeGreaterThan(0);
    expect((failure as DependencyUnavailableError).subject).toBe(SUBJECT);
  });

  it('treats a reply that never came (rxjs or nats.js timeout) as a timeout', () => {
    expect(commandFailureOf(new TimeoutError(), SUBJECT, 5000)).toMatchObject({
      name: 'CommandTimeoutError',
      timeoutMs: 5000,
    });
    expect(commandFailureOf(new natsErrors.TimeoutError(), SUBJECT, 5000)).toBeInstanceOf(CommandTimeoutError);
  });

  it("treats nats.js's no-responders request error as NoRespondersError", () => {
    const thrown = new natsErrors.RequestError('no responders', { cause: new natsErrors.NoRespondersError(SUBJECT) });
    expect(commandFailureOf(thrown, SUBJECT, 5000)).toBeInstanceOf(NoRespondersError);
  });

  it("keeps a handler's refusal with its code and reason, and hides an unexpected one as internal_error", () => {
    expect(
      commandFailureOf({ code: 'conflict', message: 'chat is closed', reason: 'chat_closed' }, SUBJECT, 5000),
    ).toEqual(new CommandFailedError(SUBJECT, 'conflict', 'chat is closed', 'chat_closed'));
    expect(commandFailureOf({ status: 'error', message: 'Internal server error' }, SUBJECT, 5000)).toMatchObject({
      code: 'internal_error',
    });
    expect(commandFailureOf(42, SUBJECT, 5000)).toMatchObject({ code: 'internal_error' });
    expect(commandFailureOf(new Error('parse failure'), SUBJECT, 5000)).not.toBeInstanceOf(DependencyUnavailableError);
  });
});
