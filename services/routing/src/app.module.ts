import { Module } from '@nestjs/common';

/**
 * The routing service: agent status and capacity, queues, assignment and transfers.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({})
export class RoutingModule {}
