import { CommandFailedError, DependencyUnavailableError } from '@livedesk/messaging';
import { ErrorCode, type ProtocolError } from '@livedesk/contracts';
import { z } from 'zod';

/** A refusal raised by the gateway itself (validation, authentication, …). */
export class RtmError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason?: string,
    readonly retryAfterMs?: number,
    /** Close the socket with this code and reason once the error response is sent. */
    readonly closeWith?: { code: number; reason: string },
  ) {
    super(message);
    this.name = 'RtmError';
  }

  toProtocolError(): ProtocolError {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(this.retryAfterMs === undefined ? {} : { retry_after_ms: this.retryAfterMs }),
    };
  }
}

/**
 * Any failure of a request as the client sees it. A command's own refusal keeps its code and
 * reason; a dependency that does not answer (the owning service, or NATS itself during an
 * outage) is `unavailable` with `retry_after_ms`; everything else is `internal` with no detail
 * (the log has it).
 */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof RtmError) return error.toProtocolError();
  if (error instanceof z.ZodError) return { code: 'validation', message: describeZodError(error, 'payload') };
  if (error instanceof CommandFailedError) {
    const code = ErrorCode.safeParse(error.code);
    if (code.success)
      return { code: code.data, message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
    return { code: 'internal', message: 'internal error' };
  }
  if (error instanceof DependencyUnavailableError) {
    return {
      code: 'unavailable',
      message: 'the service is unavailable, try again',
      reason: 'dependency_unavailable',
      retry_after_ms: error.retryAfterMs,
    };
  }
  return { code: 'internal', message: 'internal error' };
}

/** `payload.chat_id is required`, `payload.score: Too big: expected number to be <=5`, …; one line per issue. */
export function describeZodError(error: z.ZodError, root: string): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].join('.');
      if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${path} is required`;
      if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
