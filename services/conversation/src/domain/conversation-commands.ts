import type {
  Actor,
  AgentKind,
  AttachmentRef,
  Channel,
  Priority,
  SurveyAnswers,
  SurveyQuestion,
} from '@livedesk/contracts';
import type { PageContext } from './conversation-state.js';

/**
 * The commands the conversation decider takes. They arrive already parsed (contracts'
 * `conversationCommands`); ids such as `messageId` are chosen by the caller (derived from the
 * command id), so that `decide` stays deterministic and a retried command yields the same events.
 */
export interface NewMessageInput {
  readonly messageId: string;
  readonly text: string;
  readonly clientId?: string;
  readonly attachments: readonly AttachmentRef[];
}

export type AgentTarget = { readonly agentId: string; readonly agentKind: AgentKind };
export type GroupTarget = { readonly groupId: string };
export type TransferTarget = AgentTarget | GroupTarget;

export type MissedReason = 'left_in_queue' | 'unanswered' | 'no_agents';

interface CommandBase<T extends string> {
  readonly type: T;
  readonly actor: Actor;
}

export interface StartCommand extends CommandBase<'start'> {
  readonly chatId: string;
  readonly channel: Channel;
  readonly groupId: string;
  readonly page?: PageContext;
  readonly message?: NewMessageInput;
}

export interface PostMessageCommand extends CommandBase<'post_message'>, NewMessageInput {}

/** An internal note (`send_event` with `visibility: "agents"`): agents only, never shown to the customer. */
export interface PostNoteCommand extends CommandBase<'post_note'>, NewMessageInput {}

export type JoinCommand = CommandBase<'join'>;

export interface AssignCommand extends CommandBase<'assign'>, AgentTarget {}

export interface TransferCommand extends CommandBase<'transfer'> {
  readonly target: TransferTarget;
  readonly note?: string;
}

export interface MarkSeenCommand extends CommandBase<'mark_seen'> {
  readonly seenUpTo: string;
}

export interface RateCommand extends CommandBase<'rate'> {
  readonly score: number;
  readonly comment?: string;
}

export type ResolveCommand = CommandBase<'resolve'>;

export type CloseCommand = CommandBase<'close'>;

/** The customer has had no socket for CHAT_ABANDON_SECONDS while the chat waited in the queue. */
export type CloseAbandonedCommand = CommandBase<'close_abandoned'>;

/** No message from either side for `inactivitySeconds` as of `at` (the service's clock when the command is handled). */
export interface CloseInactiveCommand extends CommandBase<'close_inactive'> {
  readonly inactivitySeconds: number;
  readonly at: Date;
}

export interface MarkMissedCommand extends CommandBase<'mark_missed'> {
  readonly reason: MissedReason;
}

export interface AddTagCommand extends CommandBase<'add_tag'> {
  readonly tag: string;
}

export interface RemoveTagCommand extends CommandBase<'remove_tag'> {
  readonly tag: string;
}

export interface AnswerNpsCommand extends CommandBase<'answer_nps'> {
  readonly score: number;
  readonly comment?: string;
}

export interface AnswerSurveyCommand extends CommandBase<'answer_survey'> {
  readonly answers: SurveyAnswers;
  /** The organization's own questions, which the answers must fit (the CES question is every survey's). */
  readonly questions: readonly SurveyQuestion[];
}

export interface ReportGoalCommand extends CommandBase<'report_goal'> {
  readonly goal: string;
  readonly value?: number;
}

export interface SetPriorityCommand extends CommandBase<'set_priority'> {
  readonly priority: Priority;
}

export interface LeaveMessageCommand extends CommandBase<'leave_message'> {
  readonly email: string;
  readonly name?: string;
  readonly text: string;
}

/** Named like contracts' generic `ConversationCommand<N>` (the wire form); import one of them under another name. */
export type ConversationCommand =
  | StartCommand
  | PostMessageCommand
  | PostNoteCommand
  | JoinCommand
  | AssignCommand
  | TransferCommand
  | MarkSeenCommand
  | RateCommand
  | ResolveCommand
  | CloseCommand
  | CloseAbandonedCommand
  | CloseInactiveCommand
  | MarkMissedCommand
  | AddTagCommand
  | RemoveTagCommand
  | AnswerNpsCommand
  | AnswerSurveyCommand
  | ReportGoalCommand
  | SetPriorityCommand
  | LeaveMessageCommand;
