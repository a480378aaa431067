import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'kysely';
import type { Database } from '../database/create-database.js';
import { DATABASE } from '../database/database.tokens.js';

@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  check(timeoutMs: number) {
    return this.health
      .check('postgres')
      .attempt(async () => {
        await sql`select 1`.execute(this.database);
      })
      .withTimeout(timeoutMs);
  }
}
