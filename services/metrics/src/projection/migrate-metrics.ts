import type { Kysely } from 'kysely';
import { migrateSchema } from '@livedesk/event-store';
import * as conversationCycles20261124 from './migrations/2026-11-24-01-conversation-cycles.js';
import * as metricsTables20261201 from './migrations/2026-12-01-01-metrics-tables.js';
import * as reportIndexes20261201 from './migrations/2026-12-01-02-report-indexes.js';
import * as tickets20261201 from './migrations/2026-12-01-03-tickets.js';
import * as overlapIndexes20261201 from './migrations/2026-12-01-04-overlap-indexes.js';
import * as directoryNames20261205 from './migrations/2026-12-05-10-directory-names.js';
import * as conversationTags20261205 from './migrations/2026-12-05-01-conversation-tags.js';
import * as ces20261205 from './migrations/2026-12-05-11-ces.js';
import * as dailySummaryMails20261205 from './migrations/2026-12-05-12-daily-summary-mails.js';
import * as deferredIndexes20261206 from './migrations/2026-12-06-01-deferred-indexes.js';

/** Brings the `metrics` schema (the tables for BI tools) up to date; the Migrator locks. */
export async function migrateMetrics(db: Kysely<any>): Promise<void> {
  await migrateSchema(db, {
    name: 'metrics',
    migrations: {
      '2026-11-24-01-conversation-cycles': conversationCycles20261124,
      '2026-12-01-01-metrics-tables': metricsTables20261201,
      '2026-12-01-02-report-indexes': reportIndexes20261201,
      '2026-12-01-03-tickets': tickets20261201,
      '2026-12-01-04-overlap-indexes': overlapIndexes20261201,
      '2026-12-05-10-directory-names': directoryNames20261205,
      '2026-12-05-01-conversation-tags': conversationTags20261205,
      '2026-12-05-11-ces': ces20261205,
      '2026-12-05-12-daily-summary-mails': dailySummaryMails20261205,
      '2026-12-06-01-deferred-indexes': deferredIndexes20261206,
    },
  });
}
