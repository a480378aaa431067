import { Module } from '@nestjs/common';

/**
 * The gateway service: the public WebSocket gateway: authenticates clients, validates frames, sends commands, fans pushes out.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({})
export class GatewayModule {}
