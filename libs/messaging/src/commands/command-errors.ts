import { RpcException } from '@nestjs/microservices';

/** What a failed command carries back to its caller over NATS. */
export interface CommandErrorBody {
  code: string;
  message: string;
  /** The rule that refused the command, for programs to branch on (`chat_closed`, …). */
  reason?: string;
}

/**
 * Thrown by a command handler to refuse a command with a code the caller can act on
 * (`conversation_not_found`, `version_conflict`, ...). Nest's RPC exception filter sends the
 * `{ code, message }` body to the caller as is; any other error reaches the caller as
 * `internal_error` with no detail, so that internals never leak.
 */
export class CommandError extends RpcException {
  constructor(
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super((reason === undefined ? { code, message } : { code, message, reason }) satisfies CommandErrorBody);
    this.name = 'CommandError';
  }
}

/** The caller's side of a `CommandError` (or `internal_error` for an unexpected one). */
export class CommandFailedError extends Error {
  constructor(
    readonly subject: string,
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'CommandFailedError';
  }
}

/**
 * How soon a caller may try a command again after a dependency did not answer: NATS reconnects
 * within a quarter second of its return (`RECONNECT_FOREVER`), and a service replica that
 * restarts is back within seconds. Callers get it as `retry_after_ms` / `Retry-After`.
 */
export const RETRY_UNAVAILABLE_AFTER_MS = 1000;

/**
 * A command that could not be answered because something it needs is away — NATS itself, or
 * the service that owns the command — rather than because it was refused. Callers answer
 * `unavailable` with a hint when to try again (`retryAfterMs`), never `internal`.
 */
export abstract class DependencyUnavailableError extends Error {
  readonly retryAfterMs: number = RETRY_UNAVAILABLE_AFTER_MS;

  protected constructor(
    readonly subject: string,
    message: string,
  ) {
    super(message);
  }
}

/** No reply arrived within the timeout: the command may or may not have been applied. */
export class CommandTimeoutError extends DependencyUnavailableError {
  constructor(
    subject: string,
    readonly timeoutMs: number,
  ) {
    super(subject, `command ${subject} got no reply within ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * The NATS server answered that nobody subscribes to the subject (a 503 status): the owning
 * service is not running, so the command was certainly not applied.
 */
export class NoRespondersError extends DependencyUnavailableError {
  constructor(subject: string) {
    super(subject, `no service answers command ${subject}`);
    this.name = 'NoRespondersError';
  }
}

/**
 * This process has no NATS connection now (it is reconnecting after an outage, or closed): the
 * command was not sent, or it was sent and its reply was lost with the connection, so it may or
 * may not have been applied (commands are idempotent by their client ids: send it again).
 */
export class NatsUnavailableError extends DependencyUnavailableError {
  constructor(subject: string, detail: string) {
    super(subject, `command ${subject} not answered: NATS is unavailable (${detail})`);
    this.name = 'NatsUnavailableError';
  }
}
