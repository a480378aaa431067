import type { TicketEvent } from '@livedesk/contracts';
import { decideCreate } from './decide-create.js';
import {
  decideAssign,
  decideAttachments,
  decidePriority,
  decideRetitle,
  decideStatus,
  decideTags,
} from './decide-properties.js';
import { decideNote, decideReply } from './decide-reply.js';
import { refuse } from './refusals.js';
import type { TicketCommand } from './ticket-commands.js';
import type { TicketState } from './ticket-state.js';

/**
 * The ticket decider: the events a command appends to the ticket's stream. Pure and
 * deterministic. Throws a DomainError when a rule refuses the command; answers `[]` when the
 * command repeats what already holds (a retry), which the caller treats as success.
 */
export function decide(command: TicketCommand, state: TicketState): TicketEvent[] {
  if (command.type === 'create') return decideCreate(command, state);
  if (state.status === 'none') throw refuse.ticketNotFound();
  switch (command.type) {
    case 'reply':
      return decideReply(command, state);
    case 'add_note':
      return decideNote(command, state);
    case 'set_status':
      return decideStatus(command, state);
    case 'assign':
      return decideAssign(command, state);
    case 'retitle':
      return decideRetitle(command, state);
    case 'change_tags':
      return decideTags(command, state);
    case 'set_priority':
      return decidePriority(command, state);
    case 'add_attachments':
      return decideAttachments(command, state);
  }
}
