import { Module } from '@nestjs/common';
import { EventStoreModule } from '@livedesk/service-kit';
import { ConversationCyclesSubscription } from './projection/conversation-cycles-subscription.js';
import { MetricsMigrator } from './projection/metrics-migrator.js';

/**
 * The metrics service: projections that replay the event streams into FRT, resolution time, SLA and agent activity.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: false })],
  providers: [MetricsMigrator, ConversationCyclesSubscription],
})
export class MetricsModule {}
