import type { ConversationEvent } from '@livedesk/contracts';
import type { ConversationCommand } from './conversation-commands.js';
import type { ConversationState } from './conversation-state.js';
import { decideAssign, decideJoin } from './decide-assignment.js';
import {
  decideAddTag,
  decideAnswerNps,
  decideAnswerSurvey,
  decideRemoveTag,
  decideMarkSeen,
  decideRate,
  decideReportGoal,
  decideSetPriority,
} from './decide-feedback.js';
import {
  decideClose,
  decideCloseAbandoned,
  decideCloseInactive,
  decideLeaveMessage,
  decideMarkMissed,
  decideResolve,
} from './decide-lifecycle.js';
import { decidePostMessage } from './decide-post-message.js';
import { decidePostNote } from './decide-post-note.js';
import { decideStart } from './decide-start.js';
import { decideTransfer } from './decide-transfer.js';
import { refuse } from './refusals.js';

/**
 * The conversation decider: the events a command appends to the chat's stream. Pure and
 * deterministic. Throws a DomainError when a rule refuses the command; answers `[]` when the
 * command repeats what already holds (a retry), which the caller treats as success.
 */
export function decide(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  if (command.type === 'start') return decideStart(command, state);
  if (state.status === 'none') throw refuse.chatNotFound();
  switch (command.type) {
    case 'post_message':
      return decidePostMessage(command, state);
    case 'post_note':
      return decidePostNote(command, state);
    case 'join':
      return decideJoin(command, state);
    case 'assign':
      return decideAssign(command, state);
    case 'transfer':
      return decideTransfer(command, state);
    case 'mark_seen':
      return decideMarkSeen(command, state);
    case 'rate':
      return decideRate(command, state);
    case 'resolve':
      return decideResolve(command, state);
    case 'close':
      return decideClose(command, state);
    case 'close_abandoned':
      return decideCloseAbandoned(command, state);
    case 'close_inactive':
      return decideCloseInactive(command, state);
    case 'mark_missed':
      return decideMarkMissed(command, state);
    case 'add_tag':
      return decideAddTag(command, state);
    case 'remove_tag':
      return decideRemoveTag(command, state);
    case 'answer_nps':
      return decideAnswerNps(command, state);
    case 'answer_survey':
      return decideAnswerSurvey(command, state);
    case 'report_goal':
      return decideReportGoal(command, state);
    case 'set_priority':
      return decideSetPriority(command, state);
    case 'leave_message':
      return decideLeaveMessage(command, state);
  }
}
