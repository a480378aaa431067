/** Postgres SQLSTATE classes of a failure that is not the statement's fault: connection (08), transaction rollback (40: deadlock, serialization), insufficient resources (53), operator intervention (57: shutdown). */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '40', '53', '57'];
/** Postgres: lock_not_available, and the timeouts of a statement or an idle transaction. */
const TRANSIENT_SQLSTATES = ['55P03', '57014', '25P03'];
/** Node's socket errors. */
const SOCKET_ERRORS = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];
/** The error names of a NATS request without an answer and of a Redis without a connection. */
const UNAVAILABLE_NAMES = [
  'NoRespondersError',
  'CommandTimeoutError',
  'TimeoutError',
  'ConnectionError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'MaxRetriesPerRequestError',
];

/**
 * Whether a handler failed because something it depends on is away (Postgres, Redis, NATS, a
 * service that does not answer or answers `unavailable`), rather than because of the event.
 * Such a failure is retried for as long as it lasts and never counts toward parking the event:
 * a dependency's outage must not park every event that arrives meanwhile.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (typeof name === 'string' && UNAVAILABLE_NAMES.includes(name)) return true;
  if (name === 'CommandFailedError' && code === 'unavailable') return true;
  if (typeof code === 'string') {
    if (SOCKET_ERRORS.includes(code)) return true;
    if (
      /^[0-9A-Z]{5}$/.test(code) &&
      (TRANSIENT_SQLSTATES.includes(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2)))
    )
      return true;
  }
  // ioredis and pg, when the connection is gone mid-command.
  return (
    typeof message === 'string' &&
    /^(Connection is closed|Connection terminated|Client has encountered a connection error)/.test(message)
  );
}
