import type { TicketEvent } from '@livedesk/contracts';
import { authorOf, isStaff } from './author-of.js';
import { statusChanged } from './decide-reply.js';
import { refuse } from './refusals.js';
import type {
  AddAttachments,
  AssignTicket,
  ChangeTags,
  RetitleTicket,
  SetPriority,
  SetStatus,
  TicketActor,
} from './ticket-commands.js';
import type { OpenedTicket } from './ticket-state.js';

/**
 * What agents set on a ticket. Every rule answers `[]` when the ticket already is as asked, so
 * a repeated request is harmless; a requester may set none of it.
 */
export function decideStatus(command: SetStatus, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  if (command.status === state.status) return [];
  return [statusChanged(state.status, command.status, command.actor, 'set')];
}

export function decideAssign(command: AssignTicket, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  const agentId = command.agentId === undefined ? state.assigneeId : command.agentId;
  const groupId = command.groupId === undefined ? state.groupId : command.groupId;
  if (agentId === state.assigneeId && groupId === state.groupId) return [];
  return [{ type: 'TicketAssigned', data: { agent_id: agentId, group_id: groupId, by: authorOf(command.actor) } }];
}

export function decideRetitle(command: RetitleTicket, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  if (command.subject === state.subject) return [];
  return [{ type: 'TicketRetitled', data: { subject: command.subject, by: authorOf(command.actor) } }];
}

export function decideTags(command: ChangeTags, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  const current = new Set(state.tags);
  const removing = new Set(command.remove);
  // A tag both added and removed in one request is added: the request's last word on it wins.
  const added = [...new Set(command.add)].filter((tag) => !current.has(tag));
  const removed = [...removing].filter((tag) => current.has(tag) && !command.add.includes(tag));
  if (added.length === 0 && removed.length === 0) return [];
  return [{ type: 'TicketTagsChanged', data: { added, removed, by: authorOf(command.actor) } }];
}

export function decidePriority(command: SetPriority, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  if (command.priority === state.priority) return [];
  return [
    {
      type: 'TicketPriorityChanged',
      data: { from: state.priority, to: command.priority, by: authorOf(command.actor) },
    },
  ];
}

export function decideAttachments(command: AddAttachments, state: OpenedTicket): TicketEvent[] {
  requireStaff(command.actor);
  const seen = new Set(state.attachmentIds);
  const events: TicketEvent[] = [];
  for (const attachment of command.attachments) {
    if (seen.has(attachment.attachment_id)) continue;
    seen.add(attachment.attachment_id);
    events.push({ type: 'AttachmentAdded', data: { attachment, by: authorOf(command.actor) } });
  }
  return events;
}

function requireStaff(actor: TicketActor): void {
  if (!isStaff(actor)) throw refuse.agentsOnly();
}
