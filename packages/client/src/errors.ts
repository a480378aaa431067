import type { ErrorCode, ProtocolErrorPayload } from './protocol.js';

/**
 * Codes a request can fail with: the server's (docs/protocol.md) and the client's own —
 * `timeout` (no answer within the deadline), `disconnected` (the socket dropped and the request
 * is not safe to repeat), `closed` (the client was closed), `http` (a token endpoint answered
 * something else than the protocol's error body).
 */
export type ClientErrorCode = ErrorCode | 'timeout' | 'disconnected' | 'closed' | 'http';

/** Every failure of the client: `code` to branch on, `reason` the server's rule when it gave one. */
export class LivedeskError extends Error {
  override readonly name = 'LivedeskError';
  readonly code: ClientErrorCode;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** The action that failed (`send_event`, …), or the HTTP path of a token request. */
  readonly action: string | undefined;
  /** The HTTP status of a token request. */
  readonly status: number | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    details: {
      reason?: string | undefined;
      retryAfterMs?: number | undefined;
      action?: string | undefined;
      status?: number | undefined;
    } = {},
  ) {
    super(message);
    this.code = code;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
    this.action = details.action;
    this.status = details.status;
  }

  /**
   * The connection, not the request, failed: no answer by the deadline (`timeout`) or the socket
   * dropped before it (`disconnected`). The client reconnects; a send with its client id may be
   * sent again and is stored once.
   */
  get connectionLost(): boolean {
    return this.code === 'timeout' || this.code === 'disconnected';
  }

  /** The protocol's spelling of `retryAfterMs`. */
  get retry_after_ms(): number | undefined {
    return this.retryAfterMs;
  }
}

const SERVER_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'validation',
  'authentication',
  'authorization',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
]);

/** Whether a code is one of docs/protocol.md's. */
export function isServerCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && SERVER_CODES.has(code);
}

/** The error of a failed response payload; a payload of an unknown shape becomes `internal`. */
export function errorFromPayload(action: string | undefined, payload: unknown): LivedeskError {
  const error = (payload as { error?: Partial<ProtocolErrorPayload> } | null)?.error;
  const code = isServerCode(error?.code) ? error.code : 'internal';
  const message = typeof error?.message === 'string' ? error.message : 'request failed';
  return new LivedeskError(code, message, {
    reason: typeof error?.reason === 'string' ? error.reason : undefined,
    retryAfterMs: typeof error?.retry_after_ms === 'number' ? error.retry_after_ms : undefined,
    action,
  });
}
