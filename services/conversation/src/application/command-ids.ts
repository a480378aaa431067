import { v5 as uuidv5 } from 'uuid';

/**
 * A fixed namespace for the ids the conversation service derives from command ids (RFC 9562
 * name-based UUIDs): its events' ids (`CommandHandler`) and its messages' ids.
 */
export const CONVERSATION_ID_NAMESPACE = '6f0c5e43-8a61-4b0f-9f5c-2b1f4f7d6a10';

/** The id of the message a command posts, derived from the command id: a retried command posts the same message. */
export function messageIdFor(commandId: string): string {
  return uuidv5(`${commandId}:message`, CONVERSATION_ID_NAMESPACE);
}
