import type { EventEnvelope, TicketSummary } from '@livedesk/contracts';
import type { PlannedPush, Recipient } from '../push/pushes-for-event.js';

/**
 * The pushes one ticket event causes (docs/protocol.md: `ticket_created` and `ticket_updated` go to
 * the agents of the ticket's group), given the ticket as it is now and the ids of its group's
 * agents (`undefined`: the ticket has no group, so every agent of the organization). Pure, so
 * every rule of who hears of what is unit-tested:
 * - agents: the group's agents, the assignee and the supervisors; nothing more about a spam
 *   ticket than the change that made it spam;
 * - the requester, when they are a customer of the widget: an agent's public reply
 *   (`ticket_reply`), never an internal note, never anything of a spam ticket.
 */
export function ticketPushesFor(
  event: EventEnvelope,
  ticket: TicketSummary,
  groupAgentIds: readonly string[] | undefined,
): PlannedPush[] {
  const data = event.data as Record<string, unknown>;
  const becameSpam = event.type === 'TicketStatusChanged' && data.to === 'spam';
  if (ticket.status === 'spam' && !becameSpam && event.type !== 'TicketCreated') return [];
  const agents: Recipient[] = [
    ...(groupAgentIds === undefined
      ? [{ kind: 'agents' } as const]
      : groupAgentIds.map((agentId) => ({ kind: 'agent', agentId }) as const)),
    ...(ticket.assignee_id ? [{ kind: 'agent', agentId: ticket.assignee_id } as const] : []),
    { kind: 'supervisors' },
  ];
  const about = { ticket_id: ticket.ticket_id, version: event.stream_version };
  const pushes: PlannedPush[] =
    event.type === 'TicketCreated'
      ? agents.map((to) => ({ to, action: 'ticket_created', payload: { ...about, ticket } }))
      : agents.map((to) => ({ to, action: 'ticket_updated', payload: { ...about, type: event.type, ticket } }));
  const author = data.author as { kind?: string; id?: string } | undefined;
  const customerId = ticket.requester.customer_id;
  if (
    event.type === 'TicketReplied' &&
    customerId &&
    ticket.status !== 'spam' &&
    author &&
    author.kind !== 'customer'
  ) {
    pushes.push({
      to: { kind: 'customer', customerId },
      action: 'ticket_reply',
      payload: {
        ...about,
        reference: ticket.reference,
        reply: { reply_id: String(data.reply_id), author, text: String(data.text), created_at: event.occurred_at },
      },
    });
  }
  return pushes;
}
