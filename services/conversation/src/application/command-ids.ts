import { v5 as uuidv5 } from 'uuid';

// A fixed namespace for the ids livedesk derives from command ids (RFC 9562 name-based UUIDs).
const NAMESPACE = '6f0c5e43-8a61-4b0f-9f5c-2b1f4f7d6a10';

/**
 * The id of the n-th event a command appends, derived from the command id: a command retried
 * after a timeout derives the same ids, and the event store recognises the repeat instead of
 * storing the events twice.
 */
export function eventIdFor(commandId: string, index: number): string {
  return uuidv5(`${commandId}:event:${index}`, NAMESPACE);
}

/** The id of the message a command posts, derived the same way. */
export function messageIdFor(commandId: string): string {
  return uuidv5(`${commandId}:message`, NAMESPACE);
}
