import type { Kysely } from 'kysely';
import { migrateEventStore, migrateSchema } from '@livedesk/event-store';
import * as directory20261124 from './migrations/2026-11-24-01-directory.js';
import * as cannedResponses20261124 from './migrations/2026-11-24-02-canned-responses.js';
import * as agentDisabled20261205 from './migrations/2026-12-05-01-agent-disabled.js';
import * as allowedOrigins20261205 from './migrations/2026-12-05-02-allowed-origins.js';
import * as widgetProfile20261205 from './migrations/2026-12-05-03-widget-profile.js';
import * as directoryEvents20261205 from './migrations/2026-12-05-10-directory-events.js';
import * as tagsAndBans20261205 from './migrations/2026-12-05-04-tags-and-bans.js';
import * as customerFields20261205 from './migrations/2026-12-05-04-customer-fields.js';
import * as searchAndTranscripts20261205 from './migrations/2026-12-05-11-search-and-transcripts.js';
import * as chatInactivity20261205 from './migrations/2026-12-05-11-chat-inactivity.js';
import * as surveyAndSummary20261205 from './migrations/2026-12-05-11-survey-and-summary.js';

/**
 * Brings the `directory` schema (organizations, groups, agents, customers, canned responses) up
 * to date, after the event store the directory records organizations in. Gateway replicas that
 * start together run each migration once (migrate-schema.ts).
 */
export async function migrateDirectory(db: Kysely<any>): Promise<void> {
  await migrateEventStore(db);
  await migrateSchema(db, {
    name: 'directory',
    migrations: {
      '2026-11-24-01-directory': directory20261124,
      '2026-11-24-02-canned-responses': cannedResponses20261124,
      '2026-12-05-01-agent-disabled': agentDisabled20261205,
      '2026-12-05-02-allowed-origins': allowedOrigins20261205,
      '2026-12-05-03-widget-profile': widgetProfile20261205,
      '2026-12-05-10-directory-events': directoryEvents20261205,
      '2026-12-05-04-tags-and-bans': tagsAndBans20261205,
      '2026-12-05-04-customer-fields': customerFields20261205,
      '2026-12-05-11-search-and-transcripts': searchAndTranscripts20261205,
      '2026-12-05-11-chat-inactivity': chatInactivity20261205,
      '2026-12-05-11-survey-and-summary': surveyAndSummary20261205,
    },
  });
}
