import type { Author, Requester, TicketEvent, TicketPriority, TicketSource, TicketStatus } from '@livedesk/contracts';

type EventOf<T extends TicketEvent['type']> = Extract<TicketEvent, { type: T }>;

/** A ticket event as read back from its stream. */
export type StoredTicketEvent = TicketEvent & { eventId: string; version: number; occurredAt: Date };

/** No event yet: the stream does not exist. */
export interface NoTicket {
  readonly status: 'none';
  readonly version: 0;
}

export interface OpenedTicket {
  readonly status: TicketStatus;
  /** The stream version of the last event applied. */
  readonly version: number;
  readonly ticketId: string;
  readonly reference: string;
  readonly source: TicketSource;
  readonly requester: Requester;
  readonly subject: string;
  readonly groupId: string | null;
  readonly assigneeId: string | null;
  readonly priority: TicketPriority;
  readonly tags: readonly string[];
  readonly conversationId: string | null;
  /** `clientKey(author, client_id)` of every reply and note: a repeated request is recognised. */
  readonly clientIds: ReadonlySet<string>;
  /** Message-IDs of the emails stored as replies: a message delivered twice is stored once. */
  readonly emailMessageIds: ReadonlySet<string>;
  readonly attachmentIds: ReadonlySet<string>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type TicketState = NoTicket | OpenedTicket;

export const initialState: TicketState = { status: 'none', version: 0 };

/** Client ids are unique per author only: two authors may pick the same one. */
export function clientKey(author: Author, clientId: string): string {
  return JSON.stringify([author.kind, author.id ?? null, clientId]);
}

/**
 * Applies one stored event. Pure: answers a new state, never mutates the given one. Never
 * throws: an event that cannot apply (only in a corrupt stream, e.g. anything before
 * TicketCreated) changes nothing but the version and time of an opened ticket.
 */
export function evolve(state: TicketState, event: StoredTicketEvent): TicketState {
  if (state.status === 'none') return event.type === 'TicketCreated' ? created(event) : state;
  return apply({ ...state, version: event.version, updatedAt: event.occurredAt }, event);
}

function created(event: EventOf<'TicketCreated'> & StoredTicketEvent): OpenedTicket {
  const data = event.data;
  return {
    status: 'open',
    version: event.version,
    ticketId: data.ticket_id,
    reference: data.reference,
    source: data.source,
    requester: data.requester,
    subject: data.subject,
    groupId: data.group_id ?? null,
    assigneeId: null,
    priority: data.priority,
    tags: data.tags,
    conversationId: data.conversation_id ?? null,
    clientIds: new Set(),
    emailMessageIds: new Set(),
    attachmentIds: new Set(data.transcript.flatMap((message) => message.attachments.map((a) => a.attachment_id))),
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
  };
}

function apply(state: OpenedTicket, event: StoredTicketEvent): OpenedTicket {
  switch (event.type) {
    case 'TicketCreated':
      return state;
    case 'TicketReplied': {
      const { author, client_id, email, attachments } = event.data;
      return {
        ...state,
        clientIds:
          client_id === undefined ? state.clientIds : new Set(state.clientIds).add(clientKey(author, client_id)),
        emailMessageIds:
          email === undefined ? state.emailMessageIds : new Set(state.emailMessageIds).add(email.message_id),
        attachmentIds: withAttachments(state.attachmentIds, attachments),
      };
    }
    case 'InternalNoteAdded': {
      const { author, client_id, attachments } = event.data;
      return {
        ...state,
        clientIds:
          client_id === undefined ? state.clientIds : new Set(state.clientIds).add(clientKey(author, client_id)),
        attachmentIds: withAttachments(state.attachmentIds, attachments),
      };
    }
    case 'TicketStatusChanged':
      return { ...state, status: event.data.to };
    case 'TicketAssigned':
      return { ...state, assigneeId: event.data.agent_id, groupId: event.data.group_id };
    case 'TicketRetitled':
      return { ...state, subject: event.data.subject };
    case 'AttachmentAdded':
      return { ...state, attachmentIds: withAttachments(state.attachmentIds, [event.data.attachment]) };
    case 'TicketTagsChanged': {
      const removed = new Set(event.data.removed);
      return { ...state, tags: [...state.tags.filter((tag) => !removed.has(tag)), ...event.data.added] };
    }
    case 'TicketPriorityChanged':
      return { ...state, priority: event.data.to };
  }
}

function withAttachments(
  ids: ReadonlySet<string>,
  attachments: readonly { attachment_id: string }[],
): ReadonlySet<string> {
  if (attachments.length === 0) return ids;
  const next = new Set(ids);
  for (const attachment of attachments) next.add(attachment.attachment_id);
  return next;
}
