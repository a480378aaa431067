import type { Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';

/**
 * Subscribes to a kind of core-NATS signal and hands each one, parsed with its schema, to
 * `deliver`. A message that is not JSON or not the schema is logged and dropped: a signal is
 * input like any other.
 */
export function subscribeSignals<T>(
  nats: NatsConnection,
  subject: string,
  schema: z.ZodType<T>,
  deliver: (signal: T) => void,
  logger: Logger,
): Subscription {
  return nats.subscribe(subject, {
    callback: (error, message) => {
      if (error) return;
      let json: unknown;
      try {
        json = JSON.parse(message.string());
      } catch {
        json = undefined;
      }
      const parsed = schema.safeParse(json);
      if (parsed.success) deliver(parsed.data);
      else logger.warn({ subject: message.subject }, 'malformed signal dropped');
    },
  });
}
