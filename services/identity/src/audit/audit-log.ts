import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { DirectoryEditor, streamId, type AuditEntry } from '@livedesk/contracts';
import { readStreamBackward } from '@livedesk/event-store';

export interface AuditPage {
  entries: z.infer<typeof AuditEntry>[];
  /** The `before` of the next (older) page; null: this page holds the oldest entry. */
  nextCursor: string | null;
}

/**
 * The organization's stream read as an audit log: every change of its directory (organization,
 * groups, agents, canned responses, tags) newest first, a keyset page at a time (the cursor is a
 * stream version, so pages neither skip nor repeat entries while changes are appended). The
 * author is the event's `by`, null for the events of before it was recorded.
 */
export class AuditLog {
  constructor(private readonly db: Kysely<any>) {}

  async page(organizationId: string, options: { before?: number | undefined; limit: number }): Promise<AuditPage> {
    const events = await readStreamBackward(this.db, streamId('organization', organizationId), {
      ...(options.before === undefined ? {} : { beforeVersion: options.before }),
      limit: options.limit + 1,
    });
    const page = events.slice(0, options.limit);
    const last = page.at(-1);
    return {
      entries: page.map((event) => {
        const data = (event.data ?? {}) as Record<string, unknown>;
        const by = DirectoryEditor.safeParse(data.by);
        return {
          event_id: event.eventId,
          position: event.streamVersion,
          type: event.type,
          data,
          by: by.success ? by.data : null,
          occurred_at: event.occurredAt.toISOString(),
        };
      }),
      nextCursor: events.length > options.limit && last ? String(last.streamVersion) : null,
    };
  }
}
