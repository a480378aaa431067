import { Module } from '@nestjs/common';
import { EventStoreModule } from '@livedesk/service-kit';

/**
 * The routing service: agent status and capacity, queues, assignment and transfers.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({ imports: [EventStoreModule.forRoot({ relay: true })] })
export class RoutingModule {}
