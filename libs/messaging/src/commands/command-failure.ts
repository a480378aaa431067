import { errors as natsErrors } from '@nats-io/transport-node';
import { TimeoutError } from 'rxjs';
import { NatsConnectionLostError } from '../connection/connection-watch.js';
import { CommandFailedError, CommandTimeoutError, NatsUnavailableError, NoRespondersError } from './command-errors.js';

/**
 * What `ClientNats` (Nest 12.1) fails a request with while its connection is away: after a
 * `disconnect` status it caches a promise rejected with this *string* until `reconnect`
 * (client/client-nats.js, handleStatusUpdates), and `handleClose` fails pending requests with
 * `new Error('Connection closed')`.
 */
const NEST_CONNECTION_LOST = 'Error: Connection lost. Trying to reconnect...';
const NEST_CONNECTION_CLOSED = 'Connection closed';

/**
 * nats.js 3.x's errors for a connection that cannot carry the request now: closed, draining, or
 * failed (`ConnectionError`: refused, reset, or the reconnect gave up).
 */
function isNatsConnectionFailure(error: unknown): boolean {
  return (
    error instanceof natsErrors.ClosedConnectionError ||
    error instanceof natsErrors.DrainingConnectionError ||
    error instanceof natsErrors.ConnectionError ||
    error instanceof NatsConnectionLostError
  );
}

/**
 * The typed error a failed command becomes for its caller: the handler's refusal
 * (`CommandFailedError` with its code), or a dependency that did not answer
 * (`CommandTimeoutError`, `NoRespondersError`, `NatsUnavailableError`: all
 * `DependencyUnavailableError`s), or `internal_error` for anything else. A NATS connection that
 * is down was reported as `internal` to clients before (issue 11): every shape nats.js or Nest's
 * client gives that state is listed here.
 */
export function commandFailureOf(error: unknown, subject: string, timeoutMs: number): Error {
  if (error instanceof TimeoutError || error instanceof natsErrors.TimeoutError)
    return new CommandTimeoutError(subject, timeoutMs);
  if (
    error instanceof NoRespondersError ||
    error instanceof CommandTimeoutError ||
    error instanceof NatsUnavailableError ||
    error instanceof CommandFailedError
  ) {
    return error;
  }
  if (error instanceof natsErrors.RequestError && error.isNoResponders()) return new NoRespondersError(subject);
  if (error === NEST_CONNECTION_LOST) return new NatsUnavailableError(subject, 'reconnecting');
  if (error instanceof Error && error.message === NEST_CONNECTION_CLOSED)
    return new NatsUnavailableError(subject, 'connection closed');
  if (isNatsConnectionFailure(error)) return new NatsUnavailableError(subject, (error as Error).message);
  if (isErrorBody(error)) {
    // A CommandError from the handler arrives as { code, message }; anything else Nest's RPC
    // exception filter turned into { status: 'error', message: 'Internal server error' }.
    const code = typeof error.code === 'string' ? error.code : 'internal_error';
    const reason = typeof error.reason === 'string' ? error.reason : undefined;
    return new CommandFailedError(subject, code, error.message, reason);
  }
  if (error instanceof Error) return new CommandFailedError(subject, 'transport_error', error.message);
  return new CommandFailedError(subject, 'internal_error', String(error));
}

function isErrorBody(value: unknown): value is { code?: unknown; reason?: unknown; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
