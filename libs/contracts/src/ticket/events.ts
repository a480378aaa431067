import { z } from 'zod';
import { AttachmentRef, Author, Id, jsonByteLength, SafeString, Timestamp } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';
import { MESSAGE_TEXT_MAX_CHARS } from '../conversation/events.js';

export const TicketSource = z.enum(['chat', 'missed_chat', 'offline_message', 'email', 'api']);
export type TicketSource = z.infer<typeof TicketSource>;
/** `spam` is junk: no notification goes out for it and the default lists hide it. */
export const TicketStatus = z.enum(['open', 'pending', 'solved', 'spam']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPriority>;
/** Tags are compared as written: lower-case words, digits, `-`, `_` and `:`. */
export const TicketTag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9:_-]*$/, 'a tag is lower-case letters, digits, ":", "_" and "-"');

/** Who asked: a customer of the chat widget (customer_id), someone who wrote an email, or both. */
export const Requester = z.object({
  customer_id: Id.optional(),
  email: z.email().max(320).optional(),
  name: SafeString.max(255).optional(),
});
export type Requester = z.infer<typeof Requester>;

/**
 * A ticket copies at most this many of its chat's messages (the newest), so that TicketCreated
 * stays a small event however long the chat was: 80 messages of 16 KB made a 1.3 MB event that
 * NATS refused, and the outbox relay stopped for every organization.
 */
export const TRANSCRIPT_EXCERPT_MAX_MESSAGES = 50;
/**
 * The serialized size (UTF-8 bytes of the messages' JSON) a ticket's transcript stays within;
 * the newest message is always kept, so one message's own bound (16,384 characters) is the
 * only other limit.
 */
export const TRANSCRIPT_EXCERPT_MAX_BYTES = 65_536;

/** One message of the chat a ticket comes from, copied into the ticket when it is created. */
export const TranscriptMessage = z.object({
  message_id: Id,
  author: Author,
  text: SafeString.max(MESSAGE_TEXT_MAX_CHARS),
  attachments: z.array(AttachmentRef).default([]),
  posted_at: Timestamp,
});
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;

/** The most characters of a ticket's reply or internal note (an email's text is cut to it where it enters). */
export const TICKET_TEXT_MAX_CHARS = 65_536;
/**
 * The most bytes a ticket text written over HTTP takes as JSON (quotes excluded): any text of
 * TICKET_TEXT_MAX_CHARS characters fits (3 bytes a character at most), but not one of control
 * characters, which JSON writes as 6-byte escapes and which would take the event past 384 KiB.
 */
export const TICKET_TEXT_MAX_JSON_BYTES = 196_608;

/** A reply's or note's text as the HTTP API takes it. */
export const TicketText = SafeString.min(1)
  .max(TICKET_TEXT_MAX_CHARS)
  .refine((text) => jsonByteLength(text) - 2 <= TICKET_TEXT_MAX_JSON_BYTES, {
    message: `must take at most ${TICKET_TEXT_MAX_JSON_BYTES} bytes as JSON (a control character takes 6)`,
  });

/** RFC 5322 message ids (angle brackets included) that keep an email thread together. */
const MessageId = SafeString.min(3).max(998);
export const EmailThreading = z.object({
  message_id: MessageId,
  in_reply_to: MessageId.optional(),
  references: z.array(MessageId).max(100).default([]),
});
export type EmailThreading = z.infer<typeof EmailThreading>;

/** Where a public reply was written: an email, the chat widget (leave_message), or the HTTP API. */
export const ReplyChannel = z.enum(['email', 'widget', 'api']);

export const ticketEvents = {
  /**
   * A ticket opens (status `open`). `reference` (`LD-` and 10 characters) is the token that
   * threads emails to it (in the reply-to address and the subject). `transcript` holds the
   * chat's messages when the ticket comes from a chat: the newest that fit in
   * TRANSCRIPT_EXCERPT_MAX_MESSAGES and TRANSCRIPT_EXCERPT_MAX_BYTES, with
   * `transcript_truncated` set when older ones were left out; the chat itself
   * (`conversation_id`, versions 1 to `chat_version`) holds them all, read with get_chat.
   * Tickets created before the bound have the whole transcript and neither field. The
   * requester's own first words, when there are any, follow as a TicketReplied.
   */
  TicketCreated: defineEvent(
    'TicketCreated',
    z.object({
      ticket_id: Id,
      reference: SafeString.regex(/^LD-[0-9A-Z]{10}$/),
      source: TicketSource,
      requester: Requester,
      subject: SafeString.min(1).max(512),
      group_id: Id.optional(),
      conversation_id: Id.optional(),
      priority: TicketPriority,
      tags: z.array(TicketTag).max(50).default([]),
      transcript: z.array(TranscriptMessage).max(2000).default([]),
      /** True when the chat had more messages than `transcript` holds (older ones left out). */
      transcript_truncated: z.boolean().optional(),
      /** The chat's stream version the ticket was made from: the transcript's end in the chat. */
      chat_version: z.number().int().positive().optional(),
      created_by: Author,
    }),
  ),
  /**
   * A public message of the ticket: an agent's answer (emailed to the requester) or the
   * requester's (by email, the widget or the API). The first with an agent author is the
   * ticket's first reply (metrics: time to first reply).
   */
  TicketReplied: defineEvent(
    'TicketReplied',
    z.object({
      reply_id: Id,
      author: Author,
      via: ReplyChannel,
      text: SafeString.max(TICKET_TEXT_MAX_CHARS),
      attachments: z.array(AttachmentRef).max(50).default([]),
      client_id: SafeString.max(128).optional(),
      email: EmailThreading.optional(),
    }),
  ),
  /** Agents only; never shown to the requester, never emailed. */
  InternalNoteAdded: defineEvent(
    'InternalNoteAdded',
    z.object({
      note_id: Id,
      author: Author,
      text: SafeString.max(TICKET_TEXT_MAX_CHARS),
      attachments: z.array(AttachmentRef).max(50).default([]),
      client_id: SafeString.max(128).optional(),
    }),
  ),
  /**
   * `cause`: set by someone (`set`), by an agent's reply (`agent_replied`: open → pending by
   * default), or by the requester's (`requester_replied`: pending → open, and solved → open,
   * the reopen). A change to `solved` is the solve of metrics' time to solve.
   */
  TicketStatusChanged: defineEvent(
    'TicketStatusChanged',
    z.object({
      from: TicketStatus,
      to: TicketStatus,
      by: Author,
      cause: z.enum(['set', 'agent_replied', 'requester_replied']),
    }),
  ),
  /** The ticket's assignment after the change: an agent, a group, both or (null) neither. */
  TicketAssigned: defineEvent(
    'TicketAssigned',
    z.object({ agent_id: Id.nullable(), group_id: Id.nullable(), by: Author }),
  ),
  TicketRetitled: defineEvent('TicketRetitled', z.object({ subject: SafeString.min(1).max(512), by: Author })),
  /** A file added to the ticket on its own (a reply's files travel with the reply). */
  AttachmentAdded: defineEvent('AttachmentAdded', z.object({ attachment: AttachmentRef, by: Author })),
  TicketTagsChanged: defineEvent(
    'TicketTagsChanged',
    z.object({ added: z.array(TicketTag).max(50), removed: z.array(TicketTag).max(50), by: Author }),
  ),
  TicketPriorityChanged: defineEvent(
    'TicketPriorityChanged',
    z.object({ from: TicketPriority, to: TicketPriority, by: Author }),
  ),
} as const;

export type TicketEvent = EventUnion<typeof ticketEvents>;
