import type { Kysely } from 'kysely';
import { migrateSchema } from '@livedesk/event-store';
import * as chats20261124 from './migrations/2026-11-24-01-chats.js';
import * as chatTags20261205 from './migrations/2026-12-05-01-chat-tags.js';
import * as messageSearch20261205 from './migrations/2026-12-05-01-message-search.js';

/** Brings the `conversation` schema (the service's read model) up to date; the Migrator locks. */
export async function migrateReadModel(db: Kysely<any>): Promise<void> {
  await migrateSchema(db, {
    name: 'conversation',
    migrations: {
      '2026-11-24-01-chats': chats20261124,
      '2026-12-05-01-chat-tags': chatTags20261205,
      '2026-12-05-01-message-search': messageSearch20261205,
    },
  });
}
