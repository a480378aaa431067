import { errors as natsErrors } from '@nats-io/transport-node';
import { NatsConnectionLostError } from '../connection/connection-watch.js';
import { CommandFailedError, CommandTimeoutError, NatsUnavailableError, NoRespondersError } from './command-errors.js';

/**
 * nats.js 3.x's errors for a connection that cannot carry the request now: closed, draining, or
 * failed (`ConnectionError`: refused, reset, or the reconnect gave up), and ours for one that
 * dropped while the request waited for its reply.
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
 * The typed error a failed command becomes for its caller (`sendCommand`): the handler's refusal
 * (`CommandFailedError` with its code), or a dependency that did not answer
 * (`CommandTimeoutError`, `NoRespondersError`, `NatsUnavailableError`: all
 * `DependencyUnavailableError`s), or `internal_error` for anything else. A NATS connection that
 * is down was reported as `internal` to clients before (issue 11).
 */
export function commandFailureOf(error: unknown, subject: string): Error {
  if (
    error instanceof NoRespondersError ||
    error instanceof CommandTimeoutError ||
    error instanceof NatsUnavailableError ||
    error instanceof CommandFailedError
  ) {
    return error;
  }
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
