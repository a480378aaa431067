import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { CommandClient } from './command-client.js';
import { CommandFailedError, CommandTimeoutError, NoRespondersError } from './command-errors.js';

export interface SendCommandOptions<T> {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** Parses the reply (a zod schema's `parse`, say): a reply is input like any other. */
  parseReply?: (reply: unknown) => T;
}

/**
 * Sends one command and waits for its one reply. Fails with `CommandTimeoutError`,
 * `NoRespondersError` or `CommandFailedError` (the handler's code and message), never with an
 * untyped error from the transport.
 */
export async function sendCommand<T = unknown>(
  client: CommandClient,
  pattern: string,
  payload: unknown,
  options: SendCommandOptions<T> = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const subject = client.subjectOf(pattern);
  let reply: unknown;
  try {
    reply = await firstValueFrom(client.send<unknown, unknown>(pattern, payload ?? null).pipe(timeout(timeoutMs)));
  } catch (error) {
    throw toCommandError(error, subject, timeoutMs);
  }
  return options.parseReply ? options.parseReply(reply) : (reply as T);
}

function toCommandError(error: unknown, subject: string, timeoutMs: number): Error {
  if (error instanceof TimeoutError) return new CommandTimeoutError(subject, timeoutMs);
  if (error instanceof NoRespondersError || error instanceof CommandFailedError) return error;
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
  return typeof value === 'object' && value !== null && !(value instanceof Error) &&
    typeof (value as { message?: unknown }).message === 'string';
}
