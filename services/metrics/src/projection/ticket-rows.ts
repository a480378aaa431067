import type { RecordedEvent } from '@livedesk/event-store';
import type { TicketEvent } from '@livedesk/contracts';
import { policyFor, type PolicyVersion } from '../domain/sla-policy.js';
import { evolveTicket, ticketFigures, type TicketFacts } from '../domain/ticket-figures.js';
import type { TicketsRow } from './metrics-tables.js';

/** A ticket as the projector keeps it between events. */
export interface ProjectedTicket {
  organization_id: string;
  stream_version: number;
  facts: TicketFacts;
}

/** The ticket after one of its events (undefined: the event changes nothing the figures read). */
export function foldTicketEvent(
  known: ProjectedTicket | undefined,
  recorded: RecordedEvent,
  event: TicketEvent,
): ProjectedTicket | undefined {
  const facts = evolveTicket(known?.facts, { ...event, occurredAt: recorded.occurredAt } as Parameters<
    typeof evolveTicket
  >[1]);
  if (!facts) return undefined;
  return { organization_id: recorded.organizationId, stream_version: recorded.streamVersion, facts };
}

/**
 * A ticket's row, as `rowsOfCycle` (cycle-rows.ts) gives a conversation cycle's: its business
 * seconds count in the calendar of the policy it matches as an asynchronous (messaging)
 * conversation would. Pure.
 */
export function ticketRow(ticket: ProjectedTicket, policies: readonly PolicyVersion[]): TicketsRow {
  const { facts } = ticket;
  const policy = policyFor(policies, {
    started_at: facts.created_at,
    group_id: facts.group_id ?? '',
    channel: 'messaging',
    priority: facts.priority,
  });
  const figures = ticketFigures(facts, policy.calendar);
  return {
    organization_id: ticket.organization_id,
    ticket_id: facts.ticket_id,
    source: facts.source,
    conversation_id: facts.conversation_id,
    group_id: facts.group_id,
    agent_id: facts.agent_id,
    priority: facts.priority,
    status: facts.status,
    policy_id: policy.policy_id,
    created_at: facts.created_at,
    first_reply_at: facts.first_reply_at,
    first_reply_agent_id: facts.first_reply_agent_id,
    first_reply_seconds: figures.first_reply?.seconds ?? null,
    first_reply_business_seconds: figures.first_reply?.business_seconds ?? null,
    first_solved_at: facts.first_solved_at,
    first_solve_seconds: figures.first_solve?.seconds ?? null,
    first_solve_business_seconds: figures.first_solve?.business_seconds ?? null,
    solved_at: facts.solved_at,
    solve_seconds: figures.solve?.seconds ?? null,
    solve_business_seconds: figures.solve?.business_seconds ?? null,
    reopened: facts.reopened,
    agent_replies: facts.agent_replies,
    requester_replies: facts.requester_replies,
    spam: facts.spam,
    stream_version: ticket.stream_version,
  };
}

/** A stored ticket row read back into the ticket the projector keeps (the inverse of `ticketRow`'s facts). */
export function ticketOfRow(row: TicketsRow): ProjectedTicket {
  return {
    organization_id: row.organization_id,
    stream_version: row.stream_version,
    facts: {
      ticket_id: row.ticket_id,
      source: row.source,
      conversation_id: row.conversation_id,
      group_id: row.group_id,
      agent_id: row.agent_id,
      priority: row.priority as TicketFacts['priority'],
      status: row.status as TicketFacts['status'],
      created_at: row.created_at,
      first_reply_at: row.first_reply_at,
      first_reply_agent_id: row.first_reply_agent_id,
      first_solved_at: row.first_solved_at,
      solved_at: row.solved_at,
      reopened: row.reopened,
      agent_replies: row.agent_replies,
      requester_replies: row.requester_replies,
      spam: row.spam,
    },
  };
}
