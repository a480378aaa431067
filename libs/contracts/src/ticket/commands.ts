import { z } from 'zod';
import { Actor } from '../actor.js';
import { AttachmentRef, Id, SafeString, Timestamp } from '../common.js';
import { FileUploader } from '../files/chat-files.js';
import { TicketStatus } from './events.js';
import { TicketSummary } from './ticket-view.js';

/**
 * Commands and queries of the ticketing service over NATS request/reply
 * (`<prefix>.cmd.ticketing.<name>`). `command_id` makes a command idempotent: the ticket and
 * event ids it creates are derived from it, so a retry after a timeout creates nothing new.
 */
export const ticketingCommands = {
  /** `create_ticket` of docs/protocol.md: an agent opens a ticket from a chat, with its transcript. */
  create_from_chat: {
    request: z.object({
      command_id: z.uuid(),
      organization_id: Id,
      actor: Actor,
      chat_id: Id,
      subject: SafeString.min(1).max(512).optional(),
      /** The customer's email and name when the identity service's directory knows them (replies are emailed there). */
      requester_email: z.email().max(320).optional(),
      requester_name: SafeString.max(255).optional(),
      expires_at: z.number().int().positive().optional(),
    }),
    reply: z.object({
      ticket_id: Id,
      reference: SafeString,
      version: z.number().int().positive(),
      duplicate: z.boolean(),
    }),
  },
  /**
   * `request_transcript` of docs/protocol.md: the chat's transcript (messages only, never the
   * internal notes) by email, through the outbox of outbound email. Only the chat's own customer;
   * any other chat answers `not_found`. Over the limits the answer is `rate_limited` with the
   * wait, not an error, so that the wait reaches the client.
   */
  send_transcript: {
    request: z.object({
      command_id: z.uuid(),
      organization_id: Id,
      actor: Actor,
      chat_id: Id,
      email: z.email().max(320),
      expires_at: z.number().int().positive().optional(),
    }),
    reply: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('queued'), delivery_id: z.uuid(), duplicate: z.boolean() }),
      z.object({ outcome: z.literal('rate_limited'), retry_after_ms: z.number().int().positive() }),
    ]),
  },
  /**
   * A notification email for the outbox that is about no ticket (the daily summary of the metrics
   * service, docs/metrics.md). `key` names the mail: the same key is queued once, whoever sends it
   * and however often (replicas, retries, restarts), so the command is safe to repeat.
   */
  queue_email: {
    request: z.object({
      organization_id: Id,
      key: SafeString.min(1).max(256),
      kind: z.enum(['daily_summary']),
      to: z.email().max(320),
      subject: SafeString.min(1).max(512),
      text: SafeString.min(1).max(100_000),
      expires_at: z.number().int().positive().optional(),
    }),
    reply: z.object({ delivery_id: z.uuid(), duplicate: z.boolean() }),
  },
} as const;

export const ticketingQueries = {
  /** One ticket's summary (the gateway's ticket pushes carry it). */
  get: {
    request: z.object({ organization_id: Id, actor: Actor, ticket_id: Id }),
    reply: z.object({ ticket: TicketSummary }),
  },
  /**
   * The chat files a message names (`send_event`'s `attachments`), as the message stores them.
   * Each must be of the organization and the chat and uploaded by the sender; any other answers
   * `not_found` / `file_not_found`, the same as an unknown id.
   */
  chat_files: {
    request: z.object({
      organization_id: Id,
      chat_id: Id,
      uploader: FileUploader,
      file_ids: z.array(Id).min(1).max(20),
    }),
    reply: z.object({ files: z.array(AttachmentRef) }),
  },
  /** The tickets a customer asked (`get_customer`), newest first; the subject is their preview. */
  customer_tickets: {
    request: z.object({ organization_id: Id, customer_id: Id, limit: z.number().int().min(1).max(50).default(20) }),
    reply: z.object({
      tickets: z.array(
        z.object({
          ticket_id: Id,
          reference: SafeString,
          subject: SafeString,
          status: TicketStatus,
          created_at: Timestamp,
          updated_at: Timestamp,
        }),
      ),
    }),
  },
} as const;

export type TicketingCommandName = keyof typeof ticketingCommands;
export type TicketingQueryName = keyof typeof ticketingQueries;
export type TicketingCommand<N extends TicketingCommandName> = z.infer<(typeof ticketingCommands)[N]['request']>;
export type TicketingCommandReply<N extends TicketingCommandName> = z.infer<(typeof ticketingCommands)[N]['reply']>;
export type TicketingQuery<N extends TicketingQueryName> = z.infer<(typeof ticketingQueries)[N]['request']>;
export type TicketingQueryReply<N extends TicketingQueryName> = z.infer<(typeof ticketingQueries)[N]['reply']>;

/** The NATS pattern of a ticketing command or query (the deployment prefix is added by the transport). */
export function ticketingPattern(name: TicketingCommandName | TicketingQueryName): string {
  return `cmd.ticketing.${name}`;
}

/**
 * The identity service's directory, asked by other services over NATS (`cmd.directory.lookup`): which of
 * these agent and group ids are of the organization. Ticketing checks an assignment with it.
 */
export const directoryLookup = {
  pattern: 'cmd.directory.lookup',
  request: z.object({
    organization_id: Id,
    agent_ids: z.array(Id).max(100).default([]),
    group_ids: z.array(Id).max(100).default([]),
  }),
  reply: z.object({ agent_ids: z.array(Id), group_ids: z.array(Id) }),
} as const;
