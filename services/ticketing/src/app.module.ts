import { Module } from '@nestjs/common';
import { EventStoreModule } from '@livedesk/service-kit';

/**
 * The ticketing service: tickets from chats, missed chats, offline messages and inbound email.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({ imports: [EventStoreModule.forRoot({ relay: true })] })
export class TicketingModule {}
