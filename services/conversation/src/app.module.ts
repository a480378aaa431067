import { Module } from '@nestjs/common';
import { EventStoreModule, schemaMigrator } from '@livedesk/service-kit';
import { ConversationCommands } from './application/conversation-commands.service.js';
import { ConversationQueries } from './application/conversation-queries.service.js';
import { migrateReadModel } from './read-model/migrate-read-model.js';
import { MessageSearchProjection } from './search/message-search-projection.js';
import { SearchLanguageChanges } from './search/search-language-changes.js';
import { SearchLanguages } from './search/search-languages.js';
import { ConversationController } from './transport/conversation.controller.js';

/**
 * The conversation service: owns the `conversation-<id>` streams. Commands arrive over NATS,
 * the decider (domain/) decides, events are appended with the expected version. The archive
 * search's index follows the events (search/message-search-projection.ts).
 * ServiceKitModule (added by bootstrapService) provides config, logs, Postgres, Redis, NATS,
 * health and metrics.
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: true })],
  controllers: [ConversationController],
  providers: [
    ...schemaMigrator(migrateReadModel),
    ConversationCommands,
    ConversationQueries,
    SearchLanguages,
    MessageSearchProjection,
    SearchLanguageChanges,
  ],
})
export class ConversationModule {}
