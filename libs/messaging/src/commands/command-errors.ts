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

/** No reply arrived within the timeout: the command may or may not have been applied. */
export class CommandTimeoutError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`command ${subject} got no reply within ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * The NATS server answered that nobody subscribes to the subject (a 503 status): the owning
 * service is not running, so the command was certainly not applied.
 */
export class NoRespondersError extends Error {
  constructor(readonly subject: string) {
    super(`no service answers command ${subject}`);
    this.name = 'NoRespondersError';
  }
}
