import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@livedesk/auth';
import { ApiErrorFilter, EventStoreModule, openApiDocsController, schemaMigrator } from '@livedesk/service-kit';
import { DirectoryCheck } from './application/directory-check.js';
import { ChatAccess } from './conversations/chat-access.js';
import { TicketCommands } from './application/ticket-commands.service.js';
import { TicketQueries } from './application/ticket-queries.service.js';
import { ConversationTickets } from './conversations/conversation-tickets.js';
import { ConversationTicketsSubscription } from './conversations/conversation-tickets-subscription.js';
import { InboundEmailHandler } from './email/inbound/inbound-email-handler.js';
import { InboundSmtpServer } from './email/inbound/inbound-smtp-server.js';
import { NotificationEmails } from './email/outbound/notification-emails.js';
import { OutboundMailer } from './email/outbound/outbound-mailer.js';
import { OutboundEmailMetrics } from './email/outbound/outbox-metrics.js';
import { AttachmentsController } from './http/attachments.controller.js';
import { ChatFilesController } from './http/chat-files.controller.js';
import { ChatFiles } from './files/chat-files.js';
import { MailboxController } from './http/mailbox.controller.js';
import { OpenApiController } from './http/openapi.controller.js';
import { buildOpenApiDocument } from './http/openapi-document.js';
import { TicketsController } from './http/tickets.controller.js';
import { migrateTicketing } from './read-model/migrate-ticketing.js';
import { ticketingProviders } from './ticketing-providers.js';
import { ChatTranscripts } from './transcripts/chat-transcripts.js';
import { TicketingController } from './transport/ticketing.controller.js';

/**
 * The ticketing service: owns the `ticket-<id>` streams. Tickets come from chats (create_ticket,
 * leave_message, missed chats: a durable subscription to the conversation events), from email
 * (the inbound SMTP endpoint) and from the HTTP API; replies and notifications leave through the
 * outbox of outbound email. ServiceKitModule (added by bootstrapService) provides config, logs,
 * Postgres, Redis, NATS, health and metrics.
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: true }), AuthModule.forRoot()],
  controllers: [
    TicketingController,
    TicketsController,
    AttachmentsController,
    ChatFilesController,
    MailboxController,
    OpenApiController,
    openApiDocsController('livedesk ticketing API', buildOpenApiDocument),
  ],
  providers: [
    ...schemaMigrator(migrateTicketing),
    ...ticketingProviders,
    TicketCommands,
    TicketQueries,
    DirectoryCheck,
    ChatAccess,
    ChatFiles,
    ConversationTickets,
    ConversationTicketsSubscription,
    ChatTranscripts,
    InboundEmailHandler,
    InboundSmtpServer,
    OutboundMailer,
    OutboundEmailMetrics,
    NotificationEmails,
    { provide: APP_FILTER, useClass: ApiErrorFilter },
  ],
})
export class TicketingModule {}
