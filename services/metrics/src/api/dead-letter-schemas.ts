import { z } from 'zod';
import { Timestamp } from '@livedesk/contracts';

export const DeadLetterStatus = z.enum(['parked', 'replay_requested', 'replayed', 'discarded']);

/** An event a reader parked (`event_store.dead_letters`; docs/dead-letters.md). */
export const DeadLetterView = z.object({
  id: z.string(),
  reader: z.string().describe('`outbox-relay`, or the consumer name of a subscription'),
  event_id: z.uuid(),
  stream_id: z.string(),
  stream_version: z.number().int(),
  global_position: z.number().int(),
  organization_id: z.string(),
  event_type: z.string(),
  reason: z.enum(['too_large', 'refused', 'handler_failed']),
  error: z.string(),
  attempts: z.number().int(),
  status: DeadLetterStatus,
  parked_at: Timestamp,
  updated_at: Timestamp,
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const DeadLetterList = z.object({
  dead_letters: z.array(DeadLetterView),
  /** Pass as `after` for the next page; null on the last page. */
  next_after: z.string().nullable(),
});
export type DeadLetterList = z.infer<typeof DeadLetterList>;

/** Event data up to this size is shown whole; larger data is left out of `show`. */
export const SHOWN_DATA_MAX_BYTES = 64 * 1024;

export const DeadLetterDetail = DeadLetterView.extend({
  event: z
    .object({
      type: z.string(),
      schema_version: z.number().int(),
      occurred_at: Timestamp,
      metadata: z.record(z.string(), z.unknown()),
      data_bytes: z.number().int(),
      data: z.unknown().optional().describe(`left out when larger than ${SHOWN_DATA_MAX_BYTES} bytes`),
    })
    .nullable()
    .describe('the stored event; null if it is no longer in the event store'),
});
export type DeadLetterDetail = z.infer<typeof DeadLetterDetail>;

const Id = z.string().regex(/^[1-9]\d{0,17}$/, 'a dead letter id is a positive integer');

export const DeadLettersQuery = z.strictObject({
  status: DeadLetterStatus.optional(),
  reader: z.string().min(1).max(200).optional(),
  organization_id: z.string().min(1).max(200).optional(),
  after: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const DeadLetterId = Id;
