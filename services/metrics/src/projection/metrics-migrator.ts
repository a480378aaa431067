import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from '@livedesk/service-kit';
import { migrateMetrics } from './migrate-metrics.js';

/** Migrates the `metrics` schema before the projections start (they start at application bootstrap). */
@Injectable()
export class MetricsMigrator implements OnModuleInit {
  constructor(@Inject(DATABASE) private readonly db: Kysely<unknown>) {}

  async onModuleInit(): Promise<void> {
    await migrateMetrics(this.db as Kysely<any>);
  }
}
