import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from '@livedesk/service-kit';
import { migrateDirectory } from './migrate-directory.js';

/** Migrates the `directory` schema when the gateway starts, before it listens. */
@Injectable()
export class DirectoryMigration implements OnModuleInit {
  constructor(@Inject(DATABASE) private readonly db: Kysely<any>) {}

  async onModuleInit(): Promise<void> {
    await migrateDirectory(this.db);
  }
}
