import { agentEvents } from './agent/events.js';
import { conversationEvents } from './conversation/events.js';
import { customerEvents } from './customer/events.js';
import { EventRegistry } from './event-registry.js';
import { organizationEvents } from './organization/events.js';
import { slaEvents } from './sla/events.js';
import { ticketEvents } from './ticket/events.js';

/** Every event of livedesk, for readers that see all streams (metrics, the relay's checks). */
export const allEvents = new EventRegistry({
  ...conversationEvents,
  ...ticketEvents,
  ...agentEvents,
  ...slaEvents,
  ...organizationEvents,
  ...customerEvents,
});
