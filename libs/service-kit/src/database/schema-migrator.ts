import { Inject, Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from './database.tokens.js';

/** Brings a service's own schema up to date (`migrateSchema` of `@livedesk/event-store`: it locks). */
export type MigrateSchema = (db: Kysely<any>) => Promise<void>;

const MIGRATE_SCHEMA = Symbol('MIGRATE_SCHEMA');

/**
 * Migrates the service's own schema when its module starts, before it takes commands, events
 * or requests (projections and listeners start later, at application bootstrap). Replicas
 * starting together are safe: the migrations lock.
 */
@Injectable()
export class SchemaMigrator implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(MIGRATE_SCHEMA) private readonly migrate: MigrateSchema,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.migrate(this.db);
  }
}

/** The providers that migrate a service's schema with `migrate` at start: list them in its module. */
export function schemaMigrator(migrate: MigrateSchema): Provider[] {
  return [{ provide: MIGRATE_SCHEMA, useValue: migrate }, SchemaMigrator];
}
