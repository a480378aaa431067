import type { TicketEvent } from '@livedesk/contracts';
import type { BusinessCalendar } from './business-calendar.js';
import { optionalDuration, type Duration } from './duration.js';

/** What the metrics keep of a ticket between its events. */
export interface TicketFacts {
  ticket_id: string;
  source: string;
  conversation_id: string | null;
  group_id: string | null;
  agent_id: string | null;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'pending' | 'solved' | 'spam';
  created_at: Date;
  first_reply_at: Date | null;
  first_reply_agent_id: string | null;
  first_solved_at: Date | null;
  solved_at: Date | null;
  reopened: number;
  agent_replies: number;
  requester_replies: number;
  spam: boolean;
}

export type TicketFact = TicketEvent & { occurredAt: Date };

/**
 * Folds a ticket event in (undefined before TicketCreated). Like the chat figures: the first
 * reply is the first public reply of a human agent (bots and services are not agents'
 * replies; internal notes are not replies); solving is a change to `solved`, and a reopen
 * clears the current solve time until the ticket is solved again. Pure.
 */
export function evolveTicket(facts: TicketFacts | undefined, event: TicketFact): TicketFacts | undefined {
  const at = event.occurredAt;
  if (event.type === 'TicketCreated') {
    if (facts) return facts;
    const data = event.data;
    return {
      ticket_id: data.ticket_id,
      source: data.source,
      conversation_id: data.conversation_id ?? null,
      group_id: data.group_id ?? null,
      agent_id: null,
      priority: data.priority,
      status: 'open',
      created_at: at,
      first_reply_at: null,
      first_reply_agent_id: null,
      first_solved_at: null,
      solved_at: null,
      reopened: 0,
      agent_replies: 0,
      requester_replies: 0,
      spam: false,
    };
  }
  if (!facts) return undefined;
  switch (event.type) {
    case 'TicketReplied': {
      const author = event.data.author;
      if (author.kind === 'agent') {
        return {
          ...facts,
          agent_replies: facts.agent_replies + 1,
          first_reply_at: facts.first_reply_at ?? at,
          first_reply_agent_id: facts.first_reply_at ? facts.first_reply_agent_id : (author.id ?? null),
        };
      }
      return author.kind === 'customer' ? { ...facts, requester_replies: facts.requester_replies + 1 } : facts;
    }
    case 'TicketStatusChanged': {
      const { from, to } = event.data;
      const reopened = from === 'solved' && to !== 'solved' ? facts.reopened + 1 : facts.reopened;
      return {
        ...facts,
        status: to,
        reopened,
        first_solved_at: to === 'solved' ? (facts.first_solved_at ?? at) : facts.first_solved_at,
        solved_at: to === 'solved' ? at : null,
        spam: facts.spam || to === 'spam',
      };
    }
    case 'TicketAssigned':
      return { ...facts, agent_id: event.data.agent_id, group_id: event.data.group_id ?? facts.group_id };
    case 'TicketPriorityChanged':
      return { ...facts, priority: event.data.to };
    default:
      return facts;
  }
}

export interface TicketFigures {
  first_reply: Duration | null;
  first_solve: Duration | null;
  solve: Duration | null;
}

/** The ticket's durations, calendar and business, by the calendar of its policy (null: 24/7). */
export function ticketFigures(facts: TicketFacts, calendar: BusinessCalendar | null): TicketFigures {
  return {
    first_reply: optionalDuration(calendar, facts.created_at, facts.first_reply_at),
    first_solve: optionalDuration(calendar, facts.created_at, facts.first_solved_at),
    solve: optionalDuration(calendar, facts.created_at, facts.solved_at),
  };
}
