import { Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { ApiCallers } from '@livedesk/auth';
import { DATABASE } from '@livedesk/service-kit';
import type { MetricsDatabase, ProjectionControlRow } from '../projection/metrics-tables.js';
import type { RebuildStatus } from './rebuild-schemas.js';

/**
 * `POST /v1/metrics/rebuild` asks for the metrics tables to be dropped and rebuilt from the event
 * store (by whichever replica leads the projection, which pauses live consumption meanwhile);
 * `GET` follows it. Installation admin only: it concerns every organization. `livedesk metrics
 * rebuild` calls both.
 */
@Controller('v1/metrics/rebuild')
export class RebuildController {
  constructor(
    @Inject(ApiCallers) private readonly callers: ApiCallers,
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
  ) {}

  @Post()
  @HttpCode(202)
  async request(@Headers('authorization') authorization: string | undefined): Promise<RebuildStatus> {
    await this.callers.requireInstallationAdmin(authorization);
    // A rebuild already asked for or running is that one; asking again does not start another.
    await sql`
      UPDATE metrics.projection_control
         SET rebuild_status = 'requested', rebuild_requested_at = now(), rebuild_error = NULL
       WHERE rebuild_status NOT IN ('requested', 'running')`.execute(this.db);
    return this.status(authorization);
  }

  @Get()
  async status(@Headers('authorization') authorization: string | undefined): Promise<RebuildStatus> {
    await this.callers.requireInstallationAdmin(authorization);
    const row = await this.db.selectFrom('metrics.projection_control').selectAll().executeTakeFirstOrThrow();
    return toStatus(row);
  }
}

function toStatus(row: ProjectionControlRow): RebuildStatus {
  return {
    status: row.rebuild_status,
    requested_at: row.rebuild_requested_at?.toISOString() ?? null,
    started_at: row.rebuild_started_at?.toISOString() ?? null,
    finished_at: row.rebuild_finished_at?.toISOString() ?? null,
    events_done: Number(row.events_done),
    events_total: row.events_total === null ? null : Number(row.events_total),
    error: row.rebuild_error,
    projection_version: row.projection_version,
  };
}
