import type { AgentFigure } from '../domain/agent-figures.js';
import type { TeamFigure } from '../domain/team-figures.js';
import { CES_FIGURE_DESCRIPTIONS } from '../domain/ces-figures.js';

/** What each agent figure is, for the OpenAPI document (docs/metrics.md, Agent figures). */
export const AGENT_FIGURE_DESCRIPTIONS: Record<AgentFigure, string> = {
  accepting_seconds: 'Seconds in routing status accepting (calendar seconds; open intervals up to now)',
  not_accepting_seconds: 'Seconds logged in but not accepting chats',
  offline_seconds: 'Seconds offline, from the first status change known for the agent on',
  chatting_seconds: 'Seconds not offline with at least one chat assigned',
  idle_seconds: 'Seconds accepting with no chat assigned',
  average_concurrency: 'Chats assigned on average while chatting; null without chatting time',
  chats_handled: 'Chats assigned to the agent (an assignment that started in the window)',
  first_responses: 'Cycles whose first human reply the agent sent',
  first_response_average_seconds: 'Their average FRT',
  responses: 'Exchanges the agent answered',
  response_average_seconds: 'Their average response time',
  handled_to_end: 'Cycles that ended with the agent as their last human agent',
  handle_average_seconds: 'Their average handle time',
  csat_ratings: 'CSAT ratings about the agent (the last human agent of the cycle)',
  csat_percent: 'Ratings of 4 or 5 over all ratings × 100',
  csat_average_score: 'Average rating, 1 to 5',
  ...CES_FIGURE_DESCRIPTIONS,
  transfers_in: 'Chats handed to the agent by a transfer',
  transfers_out: 'Chats the agent lost to a transfer, manual or automatic',
  missed_assigned: 'Cycles that ended missed (no human reply) while the agent held them',
  sla_missed: 'SLA targets missed while the agent held the conversation',
};

/** What each team (group) figure is (docs/metrics.md, Conversation figures). */
export const TEAM_FIGURE_DESCRIPTIONS: Record<TeamFigure, string> = {
  chats_started: 'Cycles of the group started (a reopen starts one)',
  with_human_reply: 'Of those, cycles with a human reply',
  resolved: 'Of those, cycles resolved',
  still_open: 'Of those, cycles not ended yet',
  missed: 'Of those, cycles missed (no human reply)',
  missed_left_in_queue: 'Missed: the customer left while queued',
  missed_unanswered: 'Missed: assigned but never answered',
  missed_no_agents: 'Missed: no agent could take it',
  queue_average_seconds: 'Average queue time',
  first_response_average_seconds: 'Average FRT',
  response_average_seconds: 'Average response time over every answered exchange',
  handle_average_seconds: 'Average handle time',
  resolution_average_seconds: 'Average resolution time of the resolved cycles',
  csat_ratings: 'CSAT ratings',
  csat_percent: 'Ratings of 4 or 5 over all ratings × 100',
  csat_average_score: 'Average rating, 1 to 5',
  nps_answers: 'NPS answers',
  nps: '% of 9–10 minus % of 0–6',
  ...CES_FIGURE_DESCRIPTIONS,
  sla_percent: 'SLA targets hit over hit + missed × 100 (pending left out)',
  conversion_rate: 'Conversations with a goal over conversations with a human reply (of those)',
};
