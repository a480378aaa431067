import { z } from 'zod';
import { SafeString } from './common.js';

/**
 * A stored event as it travels over NATS JetStream (published by the outbox relay, one message
 * per event, message id = event id). Positions are numbers; `transaction_id` is the writing
 * Postgres transaction (xid8) as a decimal string.
 */
export const EventEnvelope = z.object({
  event_id: z.uuid(),
  stream_id: SafeString.min(1),
  stream_version: z.number().int().positive(),
  global_position: z.number().int().positive(),
  transaction_id: SafeString.regex(/^\d+$/),
  organization_id: SafeString.min(1),
  type: SafeString.min(1),
  schema_version: z.number().int().positive(),
  data: z.unknown(),
  metadata: z
    .object({ causationId: SafeString.optional(), correlationId: SafeString.optional() })
    .catchall(z.unknown()),
  occurred_at: z.iso.datetime({ offset: true }),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;
