import type { Author } from '@livedesk/contracts';
import type { TicketActor } from './ticket-commands.js';

/** The author an actor's events carry; a bot is never a human agent (docs/metrics.md). */
export function authorOf(actor: TicketActor): Author {
  switch (actor.kind) {
    case 'agent':
      return { kind: actor.bot ? 'bot' : 'agent', id: actor.id };
    case 'requester':
      return actor.customerId === undefined ? { kind: 'customer' } : { kind: 'customer', id: actor.customerId };
    case 'system':
      return { kind: 'system', id: actor.id };
  }
}

/** Agents, services and the installation admin work tickets; requesters only write to theirs. */
export function isStaff(actor: TicketActor): boolean {
  return actor.kind !== 'requester';
}
