import { NatsRecord } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { outgoingHeaders, runInClientSpan } from '../context/request-context.js';
import type { CommandClient } from './command-client.js';
import { commandFailureOf } from './command-failure.js';

export interface SendCommandOptions<T> {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** Parses the reply (a zod schema's `parse`, say): a reply is input like any other. */
  parseReply?: (reply: unknown) => T;
}

/**
 * Sends one command and waits for its one reply. Fails with `CommandFailedError` (the
 * handler's code and message) or a `DependencyUnavailableError` (`CommandTimeoutError`,
 * `NoRespondersError`, `NatsUnavailableError`), never with an untyped error from the transport.
 * While the NATS connection is down it fails at once, and a command waiting for its reply fails
 * when the connection drops, instead of each waiting out its timeout.
 *
 * The request id of the work in hand (`runRequest`) and its trace context go along in the
 * message's headers (`x-request-id`, `traceparent`), so the handler logs under the same id.
 */
export async function sendCommand<T = unknown>(
  client: CommandClient,
  pattern: string,
  payload: unknown,
  options: SendCommandOptions<T> = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const subject = client.subjectOf(pattern);
  return runInClientSpan(subject, async () => {
    let reply: unknown;
    try {
      const headers = outgoingHeaders();
      const data = headers ? new NatsRecord(payload ?? null, headers) : (payload ?? null);
      const request = () => firstValueFrom(client.send<unknown, unknown>(pattern, data).pipe(timeout(timeoutMs)));
      reply = await (client.connectionWatch ? client.connectionWatch.unlessDisconnected(request) : request());
    } catch (error) {
      throw commandFailureOf(error, subject, timeoutMs);
    }
    return options.parseReply ? options.parseReply(reply) : (reply as T);
  });
}
