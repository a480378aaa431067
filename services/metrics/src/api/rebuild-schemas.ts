import { z } from 'zod';
import { Timestamp } from '@livedesk/contracts';

/** The state of the last rebuild of the metrics tables (metrics.projection_control). */
export const RebuildStatus = z.object({
  status: z.enum(['none', 'requested', 'running', 'done', 'failed']),
  requested_at: Timestamp.nullable(),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  events_done: z.number().int(),
  events_total: z.number().int().nullable(),
  error: z.string().nullable(),
  projection_version: z.number().int(),
});
export type RebuildStatus = z.infer<typeof RebuildStatus>;
