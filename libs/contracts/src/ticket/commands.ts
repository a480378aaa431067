import { z } from 'zod';
import { Actor } from '../actor.js';
import { Id, SafeString } from '../common.js';
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
    reply: z.object({ ticket_id: Id, reference: SafeString, version: z.number().int().positive(), duplicate: z.boolean() }),
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
