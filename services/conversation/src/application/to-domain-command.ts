import type { ConversationCommand as WireCommand, ConversationCommandName } from '@livedesk/contracts';
import type { ConversationCommand } from '../domain/index.js';
import { messageIdFor } from './command-ids.js';

/**
 * A command as it arrives over NATS, in the decider's terms (ids derived from the command id;
 * `now`, the service's clock, for the rules that depend on time).
 */
export function toDomainCommand<N extends ConversationCommandName>(
  name: N,
  wire: WireCommand<N>,
  now: Date,
): ConversationCommand {
  const actor = wire.actor;
  const w = wire as WireCommand<ConversationCommandName> & Record<string, never>;
  switch (name) {
    case 'start': {
      const start = wire as WireCommand<'start'>;
      return {
        type: 'start',
        actor,
        chatId: start.chat_id,
        channel: start.channel,
        groupId: start.group_id,
        ...(start.page ? { page: start.page } : {}),
        ...(start.message
          ? {
              message: {
                messageId: messageIdFor(start.command_id),
                text: start.message.text,
                ...(start.message.client_id ? { clientId: start.message.client_id } : {}),
                attachments: start.message.attachments,
              },
            }
          : {}),
      };
    }
    case 'post_message': {
      const post = wire as WireCommand<'post_message'>;
      return {
        // An agent's note travels as a post_message with `visibility: "agents"` (send_event's shape).
        type: post.message.visibility === 'agents' ? 'post_note' : 'post_message',
        actor,
        messageId: messageIdFor(post.command_id),
        text: post.message.text,
        ...(post.message.client_id ? { clientId: post.message.client_id } : {}),
        attachments: post.message.attachments,
      };
    }
    case 'join':
      return { type: 'join', actor };
    case 'assign': {
      const assign = wire as WireCommand<'assign'>;
      return { type: 'assign', actor, agentId: assign.agent_id, agentKind: assign.agent_kind };
    }
    case 'transfer': {
      const transfer = wire as WireCommand<'transfer'>;
      const target =
        'agent_id' in transfer.target
          ? { agentId: transfer.target.agent_id, agentKind: transfer.target.agent_kind }
          : { groupId: transfer.target.group_id };
      return { type: 'transfer', actor, target, ...(transfer.note ? { note: transfer.note } : {}) };
    }
    case 'mark_seen':
      return { type: 'mark_seen', actor, seenUpTo: (wire as WireCommand<'mark_seen'>).seen_up_to };
    case 'rate': {
      const rate = wire as WireCommand<'rate'>;
      return { type: 'rate', actor, score: rate.score, ...(rate.comment ? { comment: rate.comment } : {}) };
    }
    case 'resolve':
      return { type: 'resolve', actor };
    case 'close':
      return { type: 'close', actor };
    case 'close_abandoned':
      return { type: 'close_abandoned', actor };
    case 'close_inactive':
      return {
        type: 'close_inactive',
        actor,
        inactivitySeconds: (wire as WireCommand<'close_inactive'>).inactivity_seconds,
        at: now,
      };
    case 'mark_missed':
      return { type: 'mark_missed', actor, reason: (wire as WireCommand<'mark_missed'>).reason };
    case 'add_tag':
      return { type: 'add_tag', actor, tag: (wire as WireCommand<'add_tag'>).tag };
    case 'remove_tag':
      return { type: 'remove_tag', actor, tag: (wire as WireCommand<'remove_tag'>).tag };
    case 'answer_nps': {
      const nps = wire as WireCommand<'answer_nps'>;
      return { type: 'answer_nps', actor, score: nps.score, ...(nps.comment ? { comment: nps.comment } : {}) };
    }
    case 'answer_survey': {
      const survey = wire as WireCommand<'answer_survey'>;
      return { type: 'answer_survey', actor, answers: survey.answers, questions: survey.questions };
    }
    case 'report_goal': {
      const goal = wire as WireCommand<'report_goal'>;
      return {
        type: 'report_goal',
        actor,
        goal: goal.goal,
        ...(goal.value === undefined ? {} : { value: goal.value }),
      };
    }
    case 'set_priority':
      return { type: 'set_priority', actor, priority: (wire as WireCommand<'set_priority'>).priority };
    case 'leave_message': {
      const leave = wire as WireCommand<'leave_message'>;
      return {
        type: 'leave_message',
        actor,
        email: leave.email,
        text: leave.text,
        ...(leave.name ? { name: leave.name } : {}),
      };
    }
    default:
      void w;
      throw new Error(`no domain command for ${String(name)}`);
  }
}
