import { Module } from '@nestjs/common';
import { EventStoreModule, schemaMigrator } from '@livedesk/service-kit';
import { ConversationCommands } from './application/conversation-commands.service.js';
import { ConversationQueries } from './application/conversation-queries.service.js';
import { migrateReadModel } from './read-model/migrate-read-model.js';
import { ConversationController } from './transport/conversation.controller.js';

/**
 * The conversation service: owns the `conversation-<id>` streams. Commands arrive over NATS,
 * the decider (domain/) decides, events are appended with the expected version.
 * ServiceKitModule (added by bootstrapService) provides config, logs, Postgres, Redis, NATS,
 * health and metrics.
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: true })],
  controllers: [ConversationController],
  providers: [...schemaMigrator(migrateReadModel), ConversationCommands, ConversationQueries],
})
export class ConversationModule {}
