import type {
  AttachmentRef,
  EmailThreading,
  Requester,
  TicketPriority,
  TicketSource,
  TicketStatus,
  TranscriptMessage,
} from '@livedesk/contracts';

/**
 * Who sends a ticket command: an agent (a bot is an agent of kind bot), the ticket's requester
 * (by email, the widget or the API on their behalf), or a service or the installation admin
 * (`system`). Ids such as `replyId` are chosen by the caller (derived from a command id), so
 * that `decide` stays deterministic and a retried command yields the same events.
 */
export type TicketActor =
  | { readonly kind: 'agent'; readonly id: string; readonly bot?: boolean }
  | { readonly kind: 'requester'; readonly customerId?: string; readonly email?: string }
  | { readonly kind: 'system'; readonly id: string };

export type ReplyVia = 'email' | 'widget' | 'api';

export interface NewPublicMessage {
  readonly replyId: string;
  readonly text: string;
  readonly via: ReplyVia;
  readonly attachments: readonly AttachmentRef[];
  readonly clientId?: string;
  readonly email?: EmailThreading;
}

interface CommandBase<T extends string> {
  readonly type: T;
  readonly actor: TicketActor;
}

export interface CreateTicket extends CommandBase<'create'> {
  readonly ticketId: string;
  readonly reference: string;
  readonly source: TicketSource;
  readonly requester: Requester;
  readonly subject: string;
  readonly groupId?: string;
  readonly conversationId?: string;
  readonly priority?: TicketPriority;
  readonly tags?: readonly string[];
  /** The whole transcript of the chat the ticket comes from; the ticket keeps an excerpt (`transcriptExcerpt`). */
  readonly transcript?: readonly TranscriptMessage[];
  /**
   * The internal notes agents wrote in that chat: the ticket stores the newest of them
   * (TRANSCRIPT_EXCERPT_MAX_MESSAGES) as its own internal notes, which the requester never sees.
   */
  readonly chatNotes?: readonly TranscriptMessage[];
  /** The chat's stream version the transcript was read at. */
  readonly chatVersion?: number;
  /** The requester's own first words (an email's body, an offline message), stored as their first reply. */
  readonly firstMessage?: NewPublicMessage;
}

export interface ReplyToTicket extends CommandBase<'reply'>, NewPublicMessage {
  /** An agent's choice of status after the reply (default `pending`); ignored for the requester. */
  readonly status?: Exclude<TicketStatus, 'spam'>;
}

export interface AddNote extends CommandBase<'add_note'> {
  readonly noteId: string;
  readonly text: string;
  readonly attachments: readonly AttachmentRef[];
  readonly clientId?: string;
}

export interface SetStatus extends CommandBase<'set_status'> {
  readonly status: TicketStatus;
}

/** `undefined` keeps that part of the assignment; `null` clears it. */
export interface AssignTicket extends CommandBase<'assign'> {
  readonly agentId?: string | null;
  readonly groupId?: string | null;
}

export interface RetitleTicket extends CommandBase<'retitle'> {
  readonly subject: string;
}

export interface ChangeTags extends CommandBase<'change_tags'> {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export interface SetPriority extends CommandBase<'set_priority'> {
  readonly priority: TicketPriority;
}

export interface AddAttachments extends CommandBase<'add_attachments'> {
  readonly attachments: readonly AttachmentRef[];
}

export type TicketCommand =
  | CreateTicket
  | ReplyToTicket
  | AddNote
  | SetStatus
  | AssignTicket
  | RetitleTicket
  | ChangeTags
  | SetPriority
  | AddAttachments;
