import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@livedesk/auth';
import { ApiErrorFilter, EventStoreModule, openApiDocsController, schemaMigrator } from '@livedesk/service-kit';
import { DeadLettersController } from './api/dead-letters.controller.js';
import { OpenApiController } from './api/openapi.controller.js';
import { metricsOpenApiDocument } from './api/metrics-openapi.js';
import { RebuildController } from './api/rebuild.controller.js';
import { ReportsController } from './api/reports.controller.js';
import { SlaPoliciesController } from './api/sla-policies.controller.js';
import { migrateMetrics } from './projection/migrate-metrics.js';
import { ProjectionMetrics } from './projection/projection-metrics.js';
import { ProjectionRunner } from './projection/projection-runner.js';
import { SlaAlertRunner } from './sla/sla-alert-runner.js';
import { DailySummaryMailer } from './daily-mail/daily-summary-mailer.js';

/**
 * The metrics service: projections that replay the event streams into FRT, resolution time, SLA
 * and agent activity (the `metrics` tables), live SLA alerts, and the HTTP API over them.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres, Redis,
 * NATS, health and metrics. Every morning it sends the daily summary emails through the ticketing
 * service's outbox (daily-mail/). It appends events (SLA policies, alerts), so it runs the relay too,
 * and it serves the installation's dead letters to operators (docs/dead-letters.md).
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: true }), AuthModule.forRoot()],
  controllers: [
    SlaPoliciesController,
    RebuildController,
    ReportsController,
    DeadLettersController,
    OpenApiController,
    openApiDocsController('livedesk metrics API', metricsOpenApiDocument),
  ],
  providers: [
    ...schemaMigrator(migrateMetrics),
    ProjectionMetrics,
    ProjectionRunner,
    SlaAlertRunner,
    DailySummaryMailer,
    { provide: APP_FILTER, useClass: ApiErrorFilter },
  ],
})
export class MetricsModule {}
