import { v5 as uuidv5 } from 'uuid';

/**
 * The id of the n-th event a command appends, derived from the command id (RFC 9562
 * name-based UUID in the service's own namespace): a command retried after a timeout derives
 * the same ids, and the event store recognises the repeat instead of storing the events twice.
 * `CommandHandler` is the only caller; each service keeps its namespace, so the ids of events
 * stored before stay the ids a repeat derives.
 */
export function commandEventId(namespace: string, commandId: string, index: number): string {
  return uuidv5(`${commandId}:event:${index}`, namespace);
}
