import { CES_FIGURES } from './ces-figures.js';
import { ratio, total, type FigureSpec } from './figures.js';

/**
 * What an agent did in a window, as counts and sums (agent_daily's columns, with the durations of
 * the chosen time basis): the agents report and the daily summary derive their figures from it.
 */
export const AGENT_TOTAL_KEYS = [
  'accepting_seconds',
  'not_accepting_seconds',
  'offline_seconds',
  'chatting_seconds',
  'idle_seconds',
  /** chats assigned integrated over the time not offline: concurrency × chatting time */
  'chat_seconds',
  'chats_handled',
  'transfers_in',
  'transfers_out',
  'missed_assigned',
  'sla_missed',
  'first_responses',
  'first_response_sum',
  'responses',
  'response_sum',
  'handled_to_end',
  'handle_sum',
  'csat_ratings',
  'csat_good',
  'csat_sum',
  /** CES answers about the agent, their sum, and the answers of each value 1…7 */
  'ces_answers',
  'ces_sum',
  'ces_1',
  'ces_2',
  'ces_3',
  'ces_4',
  'ces_5',
  'ces_6',
  'ces_7',
] as const;
export type AgentTotalKey = (typeof AGENT_TOTAL_KEYS)[number];

/** The agent figures of docs/metrics.md ("Agent figures"), named as the reports answer them. */
export const AGENT_FIGURES = {
  accepting_seconds: total('accepting_seconds'),
  not_accepting_seconds: total('not_accepting_seconds'),
  offline_seconds: total('offline_seconds'),
  chatting_seconds: total('chatting_seconds'),
  idle_seconds: total('idle_seconds'),
  average_concurrency: ratio('chat_seconds', 'chatting_seconds'),
  chats_handled: total('chats_handled'),
  first_responses: total('first_responses'),
  first_response_average_seconds: ratio('first_response_sum', 'first_responses'),
  responses: total('responses'),
  response_average_seconds: ratio('response_sum', 'responses'),
  handled_to_end: total('handled_to_end'),
  handle_average_seconds: ratio('handle_sum', 'handled_to_end'),
  csat_ratings: total('csat_ratings'),
  csat_percent: ratio('csat_good', 'csat_ratings', 100),
  csat_average_score: ratio('csat_sum', 'csat_ratings'),
  ...CES_FIGURES,
  transfers_in: total('transfers_in'),
  transfers_out: total('transfers_out'),
  missed_assigned: total('missed_assigned'),
  sla_missed: total('sla_missed'),
} as const satisfies Record<string, FigureSpec<AgentTotalKey>>;
export type AgentFigure = keyof typeof AGENT_FIGURES;
