import { Module } from '@nestjs/common';
import { EventStoreModule } from '@livedesk/service-kit';

/**
 * The conversation service: the conversation aggregate: commands in, events appended to its stream.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres,
 * Redis, NATS, health and metrics; the service's own modules are imported here.
 */
@Module({ imports: [EventStoreModule.forRoot({ relay: true })] })
export class ConversationModule {}
