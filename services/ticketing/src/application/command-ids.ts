import { v5 as uuidv5 } from 'uuid';

/**
 * A fixed namespace for the ids ticketing derives (RFC 9562 name-based UUIDs): its events' ids
 * from command ids (`CommandHandler`), and the ids below.
 */
export const TICKETING_ID_NAMESPACE = '9b2f6c1e-47d3-4a8b-8e5f-1c0d2a3b4e6f';

/** An id derived from a name: the same name (an email's Message-ID, a client id, a chat) always gives the same id. */
export function derivedId(...parts: string[]): string {
  return uuidv5(JSON.stringify(parts), TICKETING_ID_NAMESPACE);
}

/** One ticket per conversation, whichever way it comes (create_ticket, leave_message, a missed chat). */
export function conversationTicketId(organizationId: string, chatId: string): string {
  return derivedId('conversation-ticket', organizationId, chatId);
}
