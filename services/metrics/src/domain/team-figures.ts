import { CES_FIGURES } from './ces-figures.js';
import { ratio, total, type FigureSpec } from './figures.js';

/**
 * The cycles of a group that started in a window, as counts and sums (group_hourly's columns,
 * with the durations of the chosen time basis, plus responses and distinct conversations).
 */
export const TEAM_TOTAL_KEYS = [
  'chats_started',
  'with_human_reply',
  'resolved',
  'still_open',
  'missed',
  'missed_left_in_queue',
  'missed_unanswered',
  'missed_no_agents',
  'queued',
  'queue_sum',
  'first_response_sum',
  'responses',
  'response_sum',
  'handled',
  'handle_sum',
  'resolution_sum',
  'csat_ratings',
  'csat_good',
  'csat_sum',
  'nps_answers',
  /** promoters − detractors */
  'nps_net',
  /** CES answers, their sum, and the answers of each value 1…7 */
  'ces_answers',
  'ces_sum',
  'ces_1',
  'ces_2',
  'ces_3',
  'ces_4',
  'ces_5',
  'ces_6',
  'ces_7',
  'sla_hit',
  /** hit + missed: pending targets are not decided yet */
  'sla_decided',
  'conversations_with_human_reply',
  /** of those, the ones a goal was reported for */
  'conversations_converted',
] as const;
export type TeamTotalKey = (typeof TEAM_TOTAL_KEYS)[number];

/** The conversation figures of docs/metrics.md per team (group), named as the reports answer them. */
export const TEAM_FIGURES = {
  chats_started: total('chats_started'),
  with_human_reply: total('with_human_reply'),
  resolved: total('resolved'),
  still_open: total('still_open'),
  missed: total('missed'),
  missed_left_in_queue: total('missed_left_in_queue'),
  missed_unanswered: total('missed_unanswered'),
  missed_no_agents: total('missed_no_agents'),
  queue_average_seconds: ratio('queue_sum', 'queued'),
  first_response_average_seconds: ratio('first_response_sum', 'with_human_reply'),
  response_average_seconds: ratio('response_sum', 'responses'),
  handle_average_seconds: ratio('handle_sum', 'handled'),
  resolution_average_seconds: ratio('resolution_sum', 'resolved'),
  csat_ratings: total('csat_ratings'),
  csat_percent: ratio('csat_good', 'csat_ratings', 100),
  csat_average_score: ratio('csat_sum', 'csat_ratings'),
  nps_answers: total('nps_answers'),
  nps: ratio('nps_net', 'nps_answers', 100),
  ...CES_FIGURES,
  sla_percent: ratio('sla_hit', 'sla_decided', 100),
  conversion_rate: ratio('conversations_converted', 'conversations_with_human_reply'),
} as const satisfies Record<string, FigureSpec<TeamTotalKey>>;
export type TeamFigure = keyof typeof TEAM_FIGURES;
