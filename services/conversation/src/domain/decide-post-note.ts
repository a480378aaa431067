import type { ConversationEvent } from '@livedesk/contracts';
import type { PostNoteCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { authorOf, canRead, messageByClientId } from './read-rules.js';
import { refuse } from './refusals.js';

/**
 * An internal note: only agents write them (customers and services are refused), in any chat
 * the agent may read — a queued one, the one they serve, one they served before, any as a
 * supervisor — including one that has ended, since notes are how a team annotates a chat
 * afterwards. A note changes no status and is nobody's reply (docs/metrics.md).
 */
export function decidePostNote(command: PostNoteCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'agent') throw refuse.notAllowed('Only agents write internal notes.');
  const author = authorOf(actor);
  // A retried send (same author, same client id) stores nothing new; the caller answers with the stored one.
  if (command.clientId !== undefined && messageByClientId(state, author, command.clientId)) return [];
  if (!canRead(state, actor)) throw refuse.notParticipant();
  return [
    {
      type: 'InternalNotePosted',
      data: {
        message_id: command.messageId,
        author,
        text: command.text,
        ...(command.clientId === undefined ? {} : { client_id: command.clientId }),
        attachments: [...command.attachments],
      },
    },
  ];
}
