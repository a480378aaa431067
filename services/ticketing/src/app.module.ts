import { Module } from '@nestjs/common';

/**
 * The ticketing service: tickets from chats, missed chats, offline messages and inbound email.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({})
export class TicketingModule {}
