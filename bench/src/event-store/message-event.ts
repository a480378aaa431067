import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@livedesk/event-store';

/** A customer's message as the conversation service stores it: the event the event-store and relay benches write. */
export function messageEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'MessagePosted',
    schemaVersion: 2,
    data: {
      message_id: randomUUID(),
      author: { kind: 'customer', id: 'cust-7f3a' },
      text: 'Hello, I ordered a blue jacket last week and it has not arrived yet. Can you check the status?',
      client_id: randomUUID(),
      attachments: [],
    },
    metadata: { correlationId: randomUUID() },
  };
}
