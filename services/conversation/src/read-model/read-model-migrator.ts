import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from '@livedesk/service-kit';
import { migrateReadModel } from './migrate-read-model.js';

/** Migrates the `conversation` schema before the service takes commands. */
@Injectable()
export class ReadModelMigrator implements OnModuleInit {
  constructor(@Inject(DATABASE) private readonly db: Kysely<unknown>) {}

  async onModuleInit(): Promise<void> {
    await migrateReadModel(this.db as Kysely<any>);
  }
}
