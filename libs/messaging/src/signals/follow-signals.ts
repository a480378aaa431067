import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/** What `followSignals` checks a signal with: a zod schema, or anything with its `safeParse`. */
export interface SignalSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * Follows ephemeral signals on core NATS (`<prefix>.signal.<kind>.<organization>`, a wildcard
 * subject): each message is parsed as JSON and checked with `schema`, then `deliver`ed. A message
 * that is not JSON or not the schema is logged and dropped: a signal is input like any other.
 * Unsubscribe the answer on shutdown.
 */
export function followSignals<T>(
  nats: NatsConnection,
  subject: string,
  schema: SignalSchema<T>,
  deliver: (signal: T) => void,
  logger: { warn(details: object, message: string): void },
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
