import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from '@livedesk/service-kit';
import { migrateTicketing } from './migrate-ticketing.js';

/** Migrates the `ticketing` schema before the service takes commands, email or HTTP requests. */
@Injectable()
export class TicketingMigrator implements OnModuleInit {
  constructor(@Inject(DATABASE) private readonly db: Kysely<unknown>) {}

  async onModuleInit(): Promise<void> {
    await migrateTicketing(this.db as Kysely<any>);
  }
}
