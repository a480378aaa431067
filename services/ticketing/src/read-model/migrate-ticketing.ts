import type { Kysely } from 'kysely';
import { migrateSchema } from '@livedesk/event-store';
import * as ticketing20261201 from './migrations/2026-12-01-01-ticketing.js';
import * as acknowledgementLimits20261205 from './migrations/2026-12-05-01-acknowledgement-limits.js';
import * as chatFiles20261205 from './migrations/2026-12-05-02-chat-files.js';
import * as transcripts20261205 from './migrations/2026-12-05-10-transcripts.js';
import * as notificationEmails20261205 from './migrations/2026-12-05-02-notification-emails.js';

/** Brings the `ticketing` schema up to date; the Migrator locks, so replicas may start together. */
export async function migrateTicketing(db: Kysely<any>): Promise<void> {
  await migrateSchema(db, {
    name: 'ticketing',
    migrations: {
      '2026-12-01-01-ticketing': ticketing20261201,
      '2026-12-05-01-acknowledgement-limits': acknowledgementLimits20261205,
      '2026-12-05-02-chat-files': chatFiles20261205,
      '2026-12-05-10-transcripts': transcripts20261205,
      '2026-12-05-02-notification-emails': notificationEmails20261205,
    },
  });
}
